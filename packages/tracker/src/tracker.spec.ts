import { createContext, runInContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { TRACKER_MAX_GZIP_BYTES, trackerSource } from './index';

interface Sent {
  url: string;
  body: Record<string, unknown>;
}

/** The tracker in a minimal browser: location, history, document.currentScript, sendBeacon. */
function browser(options: { queued?: unknown[][]; beacon?: boolean } = {}) {
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
  };
  const document = {
    referrer: 'https://www.google.com/',
    currentScript: { src: 'https://tv.example.com/api/v1/collect/tracker.js', getAttribute: (name: string) => (name === 'data-site' ? 'site-1' : null) },
  };
  const context = createContext({ window, document, JSON, URL });
  runInContext(trackerSource(), context);
  return { sent, window, location, history, pop: () => listeners.popstate?.forEach((listener) => listener()) };
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
});
