import { Counter, type Registry } from 'prom-client';
import { isbot } from 'isbot';

export type BotType = 'ai-crawler' | 'search-crawler' | 'seo-crawler' | 'social-preview' | 'monitor' | 'http-library' | 'headless' | 'scanner' | 'no-user-agent' | 'bot';

export interface BotVerdict {
  isBot: boolean;
  /** 0 (a person) .. 1 (certainly automated). */
  score: number;
  type: BotType | null;
}

/**
 * Named crawlers (GoAccess keeps a list like this): what they are matters in reports, not only that they are
 * bots. Checked before isbot's generic pattern.
 */
const CRAWLERS: Array<[RegExp, BotType]> = [
  [/GPTBot|ChatGPT-User|OAI-SearchBot|ClaudeBot|Claude-Web|Claude-User|anthropic-ai|PerplexityBot|Perplexity-User|CCBot|Bytespider|Google-Extended|Amazonbot|meta-externalagent|cohere-ai|Diffbot|YouBot/i, 'ai-crawler'],
  [/Googlebot|bingbot|BingPreview|YandexBot|Baiduspider|DuckDuckBot|Applebot|Slurp|SeznamBot|Qwantify|PetalBot|Sogou/i, 'search-crawler'],
  [/AhrefsBot|SemrushBot|MJ12bot|DotBot|BLEXBot|DataForSeoBot|serpstatbot|Screaming Frog/i, 'seo-crawler'],
  [/facebookexternalhit|facebookcatalog|Twitterbot|LinkedInBot|Slackbot|Discordbot|TelegramBot|WhatsApp|Pinterestbot|redditbot/i, 'social-preview'],
  [/UptimeRobot|Pingdom|StatusCake|Site24x7|Better Uptime|checkly|GoogleStackdriverMonitoring|kube-probe/i, 'monitor'],
  [/HeadlessChrome|PhantomJS|Puppeteer|Playwright|Selenium|Electron\/.*HeadlessChrome/i, 'headless'],
  [/^(curl|Wget|python-requests|python-urllib|Python\/|aiohttp|httpx|Go-http-client|Java\/|okhttp|axios|node-fetch|undici|libwww-perl|PostmanRuntime|HTTPie|Scrapy)/i, 'http-library'],
];

/** Paths only vulnerability scanners ask for on a video platform. */
const SCANNER_PATHS = /^\/(?:wp-(?:login|admin|content|includes)|xmlrpc\.php|phpmyadmin|pma\/|\.env|\.git\/|\.aws\/|\.DS_Store|cgi-bin\/|vendor\/phpunit|actuator\/|server-status|boaform|HNAP1|owa\/|autodiscover)/i;

const HUMAN: BotVerdict = { isBot: false, score: 0, type: null };

/** The bot verdict of one request: named crawler list, then isbot, then heuristics (no UA, scanner paths). */
export function classifyBot(request: { userAgent: string | null; path: string }): BotVerdict {
  const userAgent = request.userAgent?.trim() ?? '';
  if (!userAgent) return { isBot: true, score: 0.8, type: 'no-user-agent' };
  for (const [pattern, type] of CRAWLERS) if (pattern.test(userAgent)) return { isBot: true, score: 1, type };
  if (isbot(userAgent)) return { isBot: true, score: 0.9, type: 'bot' };
  if (SCANNER_PATHS.test(request.path)) return { isBot: true, score: 0.9, type: 'scanner' };
  return HUMAN;
}

/** castline_traffic_dropped_total{reason}: one counter for the access log and collect (whichever registers it first). */
export function droppedCounter(registry: Registry): Counter<'reason'> {
  const name = 'castline_traffic_dropped_total';
  return (
    (registry.getSingleMetric(name) as Counter<'reason'> | undefined) ??
    new Counter({ name, help: 'Lines or events dropped, by reason', labelNames: ['reason'], registers: [registry] })
  );
}
