import { parse as parseDomain } from 'tldts';

/** The five utm_* parameters, named without their prefix. */
export const UTM_KEYS = ['source', 'medium', 'campaign', 'term', 'content'] as const;
/** Ad-platform click ids: Google, Meta, Microsoft, TikTok. */
export const CLICK_ID_KEYS = ['gclid', 'fbclid', 'msclkid', 'ttclid'] as const;
/** Longer values are cut: a tracking parameter is a label, not a payload. */
export const ATTRIBUTION_VALUE_MAX = 255;

export type Utm = Record<(typeof UTM_KEYS)[number], string | null>;
export type ClickIds = Record<(typeof CLICK_ID_KEYS)[number], string | null>;

/** Where a visit came from: `host` as written (lower-case, no leading www.), `domain` its registrable domain. */
export interface Referrer {
  host: string;
  domain: string;
}

export interface Attribution {
  utm: Utm;
  clickIds: ClickIds;
  /** null without a referrer, for an unparseable one, or when it is the page's own site (internal navigation). */
  referrer: Referrer | null;
}

/**
 * A page URL (absolute or relative), a query string with or without '?', a URL or URLSearchParams.
 * Anything unparseable reads as no parameters: attribution never throws on visitor input.
 */
export type QueryInput = string | URL | URLSearchParams | null | undefined;

const BASE = 'http://attribution.invalid';

function searchParams(input: QueryInput): URLSearchParams {
  if (input == null) return new URLSearchParams();
  if (input instanceof URLSearchParams) return input;
  if (input instanceof URL) return input.searchParams;
  const text = input.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(text) || text.startsWith('/')) {
    try {
      return new URL(text, BASE).searchParams;
    } catch {
      return new URLSearchParams();
    }
  }
  return new URLSearchParams(text.startsWith('?') ? text.slice(1) : text);
}

/** First non-blank value of a parameter, trimmed and capped; names match case-insensitively (UTM_Source too). */
function valueOf(params: URLSearchParams, name: string): string | null {
  for (const [key, value] of params) {
    if (key.toLowerCase() !== name) continue;
    const trimmed = value.trim();
    if (trimmed) return trimmed.slice(0, ATTRIBUTION_VALUE_MAX);
  }
  return null;
}

export function parseUtm(input: QueryInput): Utm {
  const params = searchParams(input);
  return Object.fromEntries(UTM_KEYS.map((key) => [key, valueOf(params, `utm_${key}`)])) as Utm;
}

export function parseClickIds(input: QueryInput): ClickIds {
  const params = searchParams(input);
  return Object.fromEntries(CLICK_ID_KEYS.map((key) => [key, valueOf(params, key)])) as ClickIds;
}

/**
 * The referrer's host and registrable domain (public-suffix list via tldts, private suffixes included, so
 * a.github.io and b.github.io are different sites). http(s) and android-app:// (apps such as Gmail) only.
 */
export function parseReferrer(referrer: string | null | undefined): Referrer | null {
  if (!referrer) return null;
  let url: URL;
  try {
    url = new URL(referrer.trim());
  } catch {
    return null;
  }
  if (url.protocol === 'android-app:') {
    const app = url.hostname.toLowerCase();
    return app ? { host: app, domain: app } : null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const parsed = parseDomain(url.hostname, { allowPrivateDomains: true });
  const hostname = parsed.hostname?.replace(/^\[|\]$/g, '');
  if (!hostname) return null;
  const host = hostname.replace(/^www\./, '');
  return { host, domain: parsed.domain ?? host };
}

/**
 * utm_*, click ids and referrer of one page view. `url` is the landing page; a referrer on the page's own
 * registrable domain is internal navigation and reads as null.
 */
export function parseAttribution(input: { url?: QueryInput; referrer?: string | null }): Attribution {
  const params = searchParams(input.url);
  const referrer = parseReferrer(input.referrer);
  const pageHost = typeof input.url === 'string' || input.url instanceof URL ? parseReferrer(String(input.url)) : null;
  return {
    utm: parseUtm(params),
    clickIds: parseClickIds(params),
    referrer: referrer && pageHost && referrer.domain === pageHost.domain ? null : referrer,
  };
}
