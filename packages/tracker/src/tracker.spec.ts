import { createContext, runInContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { TRACKER_MAX_GZIP_BYTES, trackerSource } from './index';

interface Sent {
  url: string;
  body: Record<string, unknown>;
}

/** The tracker in a minimal browser: location, history, document.currentScript, sendBeacon. */
function browser(options: { queued?: unknown[][]; beacon?: boolean; cookieOptIn?: boolean; cookie?: string } = {}) {
  const sent: Sent[] = [];
  const listeners: Record<string, Array<() => void>> = {};
  const location = { href: 'https://tv.example.com/live?utm_source=nl' };
  const history = {
    pushState: (_state: unknown, _title: string, url: string) => void (location.href = new URL(url, location.href).href),
    replaceState: (_state: unknown, _title: string, url: string) => void (location.href = new URL(url, location.href).href),
  };
  const window: Record<string, unknown> = {
    location,
    history,
    navigator: options.beacon === false ? {} : { sendBeacon: (url: string, body: string) => (sent.push({ url, body: JSON.parse(body) }), true) },
    fetch: (url: string, init: { body: string }) => sent.push({ url, body: JSON.parse(init.body) }),
    addEventListener: (name: string, listener: () => void) => (listeners[name] ??= []).push(listener),
    castline: options.queued ? { q: options.queued } : undefined,
    crypto: { getRandomValues: (bytes: Uint8Array) => bytes.map((_, index) => index * 17) },
  };
  const attributes: Record<string, string> = { 'data-site': 'site-1', ...(options.cookieOptIn ? { 'data-cookie': '1' } : {}) };
  const document = {
    referrer: 'https://www.google.com/',
    cookie: options.cookie ?? '',
    currentScript: { src: 'https://tv.example.com/api/v1/collect/tracker.js', getAttribute: (name: string) => attributes[name] ?? null },
  };
  const context = createContext({ window, document, JSON, URL, Uint8Array, Array });
  runInContext(trackerSource(), context);
  return { sent, window, document, location, history, pop: () => listeners.popstate?.forEach((listener) => listener()) };
}

describe('tracker.js', () => {
  it(`is at most ${TRACKER_MAX_GZIP_BYTES} bytes gzipped`, () => {
    expect(gzipSync(trackerSource(), { level: 9 }).length).toBeLessThanOrEqual(TRACKER_MAX_GZIP_BYTES);
  });

  it('sends one page_view on load, to collect next to the script, with page and referrer', () => {
    const { sent } = browser();
    expect(sent).toEqual([
      {
        url: 'https://tv.example.com/api/v1/collect',
        body: { site: 'site-1', name: 'page_view', url: 'https://tv.example.com/live?utm_source=nl', referrer: 'https://www.google.com/' },
      },
    ]);
  });

  it('sends a page_view per SPA navigation (pushState, replaceState, popstate), not for the same URL again', () => {
    const { sent, window, location, pop } = browser();
    const history = window.history as { pushState(s: unknown, t: string, u: string): void; replaceState(s: unknown, t: string, u: string): void };
    history.pushState({}, '', '/schedule');
    history.replaceState({}, '', '/schedule');
    history.replaceState({}, '', '/schedule?day=2');
    location.href = 'https://tv.example.com/live?utm_source=nl';
    pop();
    expect(sent.map((each) => [each.body.name, each.body.url])).toEqual([
      ['page_view', 'https://tv.example.com/live?utm_source=nl'],
      ['page_view', 'https://tv.example.com/schedule'],
      ['page_view', 'https://tv.example.com/schedule?day=2'],
      ['page_view', 'https://tv.example.com/live?utm_source=nl'],
    ]);
  });

  it('sends custom events with props, including those queued before it loaded', () => {
    const { sent, window } = browser({ queued: [['event', 'signup', { plan: 'pro' }]] });
    (window.castline as (kind: string, name: string, props?: object) => void)('event', 'play', { channel: 'news', seconds: 30 });
    expect(sent.slice(1).map((each) => each.body)).toEqual([
      expect.objectContaining({ name: 'signup', props: { plan: 'pro' } }),
      expect.objectContaining({ name: 'play', props: { channel: 'news', seconds: 30 } }),
    ]);
  });

  it('falls back to fetch keepalive without sendBeacon', () => {
    const { sent } = browser({ beacon: false });
    expect(sent).toHaveLength(1);
  });

  it('sets no cookie and sends no visitor id by default', () => {
    const { sent, document } = browser();
    expect(document.cookie).toBe('');
    expect(sent[0]!.body).not.toHaveProperty('vid');
  });

  it("keeps a first-party visitor cookie (365 days, SameSite=Lax, Secure) when the site opted in, and sends it", () => {
    const fresh = browser({ cookieOptIn: true });
    const vid = '00112233445566778899aabbccddeeff';
    expect(fresh.document.cookie).toBe(`_cl_vid=${vid}; Max-Age=31536000; Path=/; SameSite=Lax; Secure`);
    expect(fresh.sent[0]!.body).toMatchObject({ name: 'page_view', vid });
    const back = browser({ cookieOptIn: true, cookie: 'theme=dark; _cl_vid=ffeeddccbbaa99887766554433221100' });
    expect(back.sent[0]!.body.vid).toBe('ffeeddccbbaa99887766554433221100');
    expect(back.document.cookie).toContain('_cl_vid=ffeeddccbbaa99887766554433221100; Max-Age=31536000');
  });
});
