import { checkSourceUrl, DEFAULT_SOURCE_SCHEMES, protocolWhitelist } from './source-url';

describe('checkSourceUrl', () => {
  it.each([
    ['http://10.0.0.1:8080/live/index.m3u8', 'http'],
    ['https://cdn.example.com/live/channel.m3u8?token=abc', 'https'],
    ['rtmp://publisher:s3cret@live.example.com:1935/app/streamkey', 'rtmp'],
    ['rtmps://live.example.com/app/key', 'rtmps'],
    ['srt://ingest.example.com:9000?streamid=news&passphrase=0123456789', 'srt'],
    ['udp://@239.1.1.1:1234', 'udp'],
    ['udp://127.0.0.1:5000?pkt_size=1316', 'udp'],
    ['rtp://239.0.0.2:5004', 'rtp'],
    ['rtsp://admin:pass@[fe80::1]:554/stream1', 'rtsp'],
  ])('accepts %s', (url, scheme) => {
    expect(checkSourceUrl(url)).toEqual({ ok: true, scheme });
  });

  it.each([
    ['file:///etc/passwd', 'The "file:" scheme is not allowed'],
    ['FILE:///etc/passwd', 'The "file:" scheme is not allowed'],
    ['/etc/passwd', 'has no scheme; FFmpeg would read it as a local file'],
    ['/tmp/x:y', 'not a valid URL scheme'],
    ['concat:a.ts|b.ts', 'The "concat:" scheme is not allowed'],
    ['subfile,,start,0,end,0,,:/etc/passwd', 'passes protocol options inline'],
    ['data:text/plain;base64,SGVsbG8=', 'The "data:" scheme is not allowed'],
    ['pipe:0', 'The "pipe:" scheme is not allowed'],
    ['hls+file:///etc/passwd', 'protocol chain'],
    ['hls+http://example.com/a.m3u8', 'protocol chain'],
    ['crypto+http://example.com/a.ts', 'protocol chain'],
    ['async:http://example.com/a.ts', 'The "async:" scheme is not allowed'],
    ['cache:http://example.com/a.ts', 'The "cache:" scheme is not allowed'],
    ['tee:http://example.com/a.ts', 'The "tee:" scheme is not allowed'],
    ['ffrtmpcrypt://example.com/app', 'The "ffrtmpcrypt:" scheme is not allowed'],
    [' http://example.com/live.m3u8', 'whitespace'],
    ['http://example.com/live.m3u8 ', 'whitespace'],
    ['http://exa mple.com/', 'whitespace'],
    ['http://example.com/\u0000', 'control characters'],
    ['http://example.com/\nfile:///etc/passwd', 'control characters'],
    ['javascript:alert(1)', 'The "javascript:" scheme is not allowed'],
    ['gopher://example.com/', 'The "gopher:" scheme is not allowed'],
    [`http://example.com/${'a'.repeat(3000)}`, 'at most 2048 are allowed'],
    ['http://', 'has no host'],
    ['http:///etc/passwd', 'has no host'],
    ['rtmp://user:pass@/app', 'has no host'],
    ['udp://:1234', 'has no host'],
    ['http:example.com', 'must look like http://host'],
    ['HTTP://example.com/', 'Write the scheme in lower case ("http:")'],
    ['http://exa_mple.com/', 'is not a valid host name'],
    ['http://example.com:99999/', 'is not a valid port'],
    ['', 'empty'],
  ])('refuses %j', (url, reason) => {
    const result = checkSourceUrl(url);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });

  it('names the allowed schemes when refusing one', () => {
    const result = checkSourceUrl('ftp://example.com/a.ts');
    expect(result).toEqual({
      ok: false,
      reason: 'The "ftp:" scheme is not allowed for sources. Allowed schemes: http, https, rtmp, rtmps, srt, udp, rtp, rtsp.',
    });
  });

  it('honours a narrower allow-list', () => {
    expect(checkSourceUrl('udp://239.1.1.1:1234', ['https', 'srt'])).toEqual({
      ok: false,
      reason: 'The "udp:" scheme is not allowed for sources. Allowed schemes: https, srt.',
    });
    expect(checkSourceUrl('srt://a.example:1', ['https', 'srt'])).toEqual({ ok: true, scheme: 'srt' });
  });
});

describe('protocolWhitelist', () => {
  it('gives every allowed scheme its exact list and never file', () => {
    expect(Object.fromEntries(DEFAULT_SOURCE_SCHEMES.map((scheme) => [scheme, protocolWhitelist(scheme)]))).toEqual({
      http: 'http,https,tls,tcp,crypto',
      https: 'http,https,tls,tcp,crypto',
      rtmp: 'rtmp,tcp',
      rtmps: 'rtmps,tls,tcp',
      srt: 'srt',
      udp: 'udp',
      rtp: 'rtp,udp',
      rtsp: 'tcp',
    });
  });

  it('throws for an unknown scheme', () => {
    expect(() => protocolWhitelist('file' as never)).toThrow('No protocol whitelist for scheme "file"');
  });
});
