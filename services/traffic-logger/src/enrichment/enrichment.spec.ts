import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type BareRequestRow, NO_UTM, NOT_ENRICHED } from '../store/traffic-store';
import { classifyBot } from './bots';
import { Enricher } from './enricher';
import { GeoIp } from './geoip';
import { parseUserAgent } from './user-agent';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

describe('classifyBot', () => {
  const cases: Array<[string, string | null, string, { isBot: boolean; type: string | null }]> = [
    ['a browser', CHROME, '/live/news/index.m3u8', { isBot: false, type: null }],
    ['a phone', IPHONE, '/', { isBot: false, type: null }],
    ['GPTBot', 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)', '/', { isBot: true, type: 'ai-crawler' }],
    ['ClaudeBot', 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)', '/', { isBot: true, type: 'ai-crawler' }],
    ['PerplexityBot', 'Mozilla/5.0 (compatible; PerplexityBot/1.0; +https://perplexity.ai/perplexitybot)', '/', { isBot: true, type: 'ai-crawler' }],
    ['Googlebot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', '/', { isBot: true, type: 'search-crawler' }],
    ['bingbot', 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', '/', { isBot: true, type: 'search-crawler' }],
    ['AhrefsBot', 'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)', '/', { isBot: true, type: 'seo-crawler' }],
    ['link preview', 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', '/', { isBot: true, type: 'social-preview' }],
    ['uptime monitor', 'Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)', '/', { isBot: true, type: 'monitor' }],
    ['headless Chrome', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36', '/', { isBot: true, type: 'headless' }],
    ['curl', 'curl/8.5.0', '/live/news/index.m3u8', { isBot: true, type: 'http-library' }],
    ['python-requests', 'python-requests/2.31.0', '/', { isBot: true, type: 'http-library' }],
    ['another bot isbot knows', 'Mozilla/5.0 (compatible; SomeNewCrawler/1.0; +http://example.com/bot)', '/', { isBot: true, type: 'bot' }],
    ['no User-Agent', null, '/', { isBot: true, type: 'no-user-agent' }],
    ['blank User-Agent', '   ', '/', { isBot: true, type: 'no-user-agent' }],
    ['a browser UA probing wp-login', CHROME, '/wp-login.php', { isBot: true, type: 'scanner' }],
    ['a browser UA probing .env', CHROME, '/.env', { isBot: true, type: 'scanner' }],
    ['a browser UA on .git', CHROME, '/.git/config', { isBot: true, type: 'scanner' }],
  ];
  it.each(cases)('%s', (_name, userAgent, requestPath, expected) => {
    expect(classifyBot({ userAgent, path: requestPath })).toMatchObject(expected);
  });

  it('scores named crawlers highest and people 0', () => {
    expect(classifyBot({ userAgent: 'GPTBot/1.0', path: '/' }).score).toBe(1);
    expect(classifyBot({ userAgent: CHROME, path: '/' }).score).toBe(0);
  });
});

describe('parseUserAgent', () => {
  const cases: Array<[string, string | null, { browser: string | null; os: string | null; device: string | null }]> = [
    ['Chrome on Windows', CHROME, { browser: 'Chrome', os: 'Windows', device: 'desktop' }],
    ['Safari on iPhone', IPHONE, { browser: 'Mobile Safari', os: 'iOS', device: 'mobile' }],
    ['Firefox on Linux', 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', { browser: 'Firefox', os: 'Linux', device: 'desktop' }],
    ['iPad', 'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1', { browser: 'Mobile Safari', os: 'iOS', device: 'tablet' }],
    ['a smart TV', 'Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36', { browser: 'Samsung Internet', os: 'Tizen', device: 'smarttv' }],
    ['nothing', null, { browser: null, os: null, device: null }],
  ];
  it.each(cases)('%s', (_name, userAgent, expected) => {
    expect(parseUserAgent(userAgent)).toEqual(expected);
  });

  it('runs on ua-parser-js 1.0.x, which is MIT (2.x is AGPL-3.0)', () => {
    const manifest = JSON.parse(readFileSync(require.resolve('ua-parser-js/package.json'), 'utf8')) as { version: string; license: string };
    expect(manifest.license).toBe('MIT');
    expect(manifest.version).toMatch(/^1\.0\./);
  });
});

/** The dev/test country database (CC0), installed for the testkit. */
const COUNTRY_DB = path.join(path.dirname(require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/package.json')), 'geo-whois-asn-country.mmdb');

describe('GeoIp on a real .mmdb', () => {
  it('finds countries of public IPv4 and IPv6 addresses, nothing for private ones', async () => {
    const geo = await GeoIp.open({ cityDb: COUNTRY_DB });
    expect(geo.missing).toEqual(['asn']);
    expect(geo.lookup('8.8.8.8')).toEqual({ country: 'US', city: null, asn: null });
    expect(geo.lookup('81.2.69.142')).toMatchObject({ country: 'GB' });
    expect(geo.lookup('2001:4860:4860::8888')).toMatchObject({ country: 'US' });
    expect(geo.lookup('10.1.2.3')).toEqual({ country: null, city: null, asn: null });
    expect(geo.lookup('not an ip')).toEqual({ country: null, city: null, asn: null });
  });

  it('reports missing databases instead of failing', async () => {
    const geo = await GeoIp.open({ cityDb: '/nonexistent/city.mmdb', asnDb: undefined });
    expect(geo.missing).toEqual(['city', 'asn']);
    expect(geo.lookup('8.8.8.8')).toEqual({ country: null, city: null, asn: null });
  });
});

describe('Enricher', () => {
  const bare = (overrides: Partial<BareRequestRow> = {}): BareRequestRow => ({
    ts: new Date(Date.UTC(2026, 11, 1, 10, 0, 30)), requestId: 'r', host: 'h', method: 'GET', path: '/live/news/index.m3u8', query: null, ...NO_UTM,
    status: 200, bodyBytes: 1, bytesSent: 1, requestTimeMs: 1, upstreamAddr: null, upstreamStatus: null, upstreamResponseTime: null,
    ip: null, ipHash: 'x', userAgent: IPHONE, referer: null, mediaKind: 'live', channelSlug: 'news', channelId: null, rendition: null,
    ...overrides,
  });

  it('adds bot, User-Agent and geo columns', async () => {
    const enricher = new Enricher({ geo: await GeoIp.open({ cityDb: COUNTRY_DB }), botRowsPerMinute: 10 });
    const outcome = enricher.enrich(bare(), '81.2.69.142');
    expect(outcome).toEqual({ row: { ...bare(), ...NOT_ENRICHED, botScore: 0, browser: 'Mobile Safari', os: 'iOS', device: 'mobile', country: 'GB' } });
  });

  it('stores N flagged rows per IP and minute, then drops with reason bot_flood; people are never dropped', () => {
    const enricher = new Enricher({ geo: null, botRowsPerMinute: 2 });
    const bot = bare({ userAgent: 'curl/8.5.0' });
    const outcomes = [1, 2, 3].map(() => enricher.enrich(bot, '203.0.113.5'));
    expect(outcomes.map((outcome) => ('dropped' in outcome ? outcome.dropped : 'stored'))).toEqual(['stored', 'stored', 'bot_flood']);
    expect('row' in enricher.enrich(bot, '203.0.113.6')).toBe(true);
    expect('row' in enricher.enrich(bare(), '203.0.113.5')).toBe(true);
    // The next minute starts over.
    expect('row' in enricher.enrich(bare({ userAgent: 'curl/8.5.0', ts: new Date(Date.UTC(2026, 11, 1, 10, 1, 5)) }), '203.0.113.5')).toBe(true);
  });
});
