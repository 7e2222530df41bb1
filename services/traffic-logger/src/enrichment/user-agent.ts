import UAParser from 'ua-parser-js';

export interface ParsedUserAgent {
  browser: string | null;
  os: string | null;
  /** mobile, tablet, smarttv, console, wearable, embedded; desktop when a browser but no device type is known. */
  device: string | null;
}

/** ua-parser-js, pinned to 1.0.x: 1.x is MIT, 2.x is AGPL-3.0 (a test asserts the licence). */
export function parseUserAgent(userAgent: string | null): ParsedUserAgent {
  if (!userAgent) return { browser: null, os: null, device: null };
  const result = new UAParser(userAgent).getResult();
  const browser = result.browser.name ?? null;
  return { browser, os: result.os.name ?? null, device: result.device.type ?? (browser ? 'desktop' : null) };
}
