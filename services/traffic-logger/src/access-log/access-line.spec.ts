import { parseAccessLine } from './access-line';

const line = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    time: '2026-12-01T02:00:00+00:00',
    msec: 1796090400.123,
    request_id: '0123456789abcdef0123456789abcdef',
    host: 'tv.example.com',
    method: 'GET',
    uri: '/live/news/seg_1.ts',
    status: 200,
    bytes: 752,
    bytes_sent: 1003,
    request_time: 0.004,
    upstream_response_time: '',
    upstream_addr: '',
    upstream_status: '',
    remote_addr: '203.0.113.9',
    x_forwarded_for: '',
    user_agent: 'Mozilla/5.0',
    referer: '',
    ...overrides,
  });

describe('parseAccessLine', () => {
  it('reads a castline_json line', () => {
    const parsed = parseAccessLine(line());
    expect(parsed).toEqual({
      ok: true,
      entry: {
        requestId: '0123456789abcdef0123456789abcdef',
        at: new Date(1796090400123),
        host: 'tv.example.com',
        method: 'GET',
        uri: '/live/news/seg_1.ts',
        status: 200,
        bodyBytes: 752,
        bytesSent: 1003,
        requestTimeMs: 4,
        upstreamAddr: null,
        upstreamStatus: null,
        upstreamResponseTime: null,
        remoteAddr: '203.0.113.9',
        forwardedFor: null,
        userAgent: 'Mozilla/5.0',
        referer: null,
      },
    });
  });

  it('keeps upstream fields of a proxied request, "-" as null', () => {
    const parsed = parseAccessLine(line({ upstream_addr: '127.0.0.1:3000', upstream_status: '502, 200', upstream_response_time: '0.010, 0.002', user_agent: '-' }));
    expect(parsed).toMatchObject({ ok: true, entry: { upstreamAddr: '127.0.0.1:3000', upstreamStatus: '502, 200', upstreamResponseTime: '0.010, 0.002', userAgent: null } });
  });

  const bad: [string, string][] = [
    ['not JSON', '{"time": '],
    ['an nginx combined line', '127.0.0.1 - - [01/Dec/2026:02:00:00 +0000] "GET / HTTP/1.1" 200 12 "-" "curl"'],
    ['a JSON array', '[]'],
    ['status as a string', line({ status: '200' })],
    ['missing msec', line({ msec: undefined })],
    ['relative uri', line({ uri: 'live/news/seg_1.ts' })],
    ['bad request id', line({ request_id: 'x' })],
  ];
  it.each(bad)('rejects %s with a reason', (_name, text) => {
    const parsed = parseAccessLine(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).not.toBe('');
  });
});
