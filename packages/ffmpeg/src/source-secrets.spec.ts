import { hasSourceSecrets, maskSourceUrl, mergeMaskedUrl, secretRedactor, sourceSecrets } from './source-secrets';

describe('maskSourceUrl', () => {
  it.each([
    ['rtmp://user:pa%40ss@live.example.com:1935/app/streamkey?token=abc', 'rtmp://***@live.example.com:1935/app/***?token=***'],
    ['rtmp://live.example.com/app', 'rtmp://live.example.com/app'],
    ['srt://enc.example.com:9000?mode=caller&latency=200&passphrase=0123456789&streamid=live/key', 'srt://enc.example.com:9000?mode=caller&latency=200&passphrase=***&streamid=***'],
    ['udp://@239.1.1.1:1234?pkt_size=1316', 'udp://@239.1.1.1:1234?pkt_size=1316'],
    ['https://cdn.example.com/live.m3u8?token=abc&flag', 'https://cdn.example.com/live.m3u8?token=***&flag'],
    ['http://example.com/live.m3u8', 'http://example.com/live.m3u8'],
  ])('%s -> %s', (url, masked) => {
    expect(maskSourceUrl(url)).toBe(masked);
    expect(maskSourceUrl(masked)).toBe(masked);
  });

  it('tells URLs with secrets from those without', () => {
    expect(hasSourceSecrets('rtmp://h/app/key')).toBe(true);
    expect(hasSourceSecrets('udp://127.0.0.1:5004')).toBe(false);
  });
});

describe('mergeMaskedUrl', () => {
  const stored = 'rtmp://user:secret@live.example.com/app/streamkey?token=abc&region=eu';

  it('keeps every stored secret left masked', () => {
    expect(mergeMaskedUrl(maskSourceUrl(stored), stored)).toEqual({ ok: true, url: stored });
  });

  it('replaces the secrets given in the clear and keeps the others', () => {
    expect(mergeMaskedUrl('rtmp://***@live2.example.com/app/newkey?token=***&region=us', stored)).toEqual({
      ok: true,
      url: 'rtmp://user:secret@live2.example.com/app/newkey?token=abc&region=us',
    });
  });

  it('refuses a mask with no stored secret behind it', () => {
    expect(mergeMaskedUrl('rtmp://***@h/app/k', undefined)).toMatchObject({ ok: false, reason: expect.stringContaining('user info') });
    expect(mergeMaskedUrl('https://h/a.m3u8?other=***', 'https://h/a.m3u8?token=1')).toMatchObject({ ok: false, reason: expect.stringContaining('"other"') });
    expect(mergeMaskedUrl('rtmp://h/other/***', stored)).toMatchObject({ ok: false, reason: expect.stringContaining('stream key') });
  });

  it('passes an URL without masks through', () => {
    expect(mergeMaskedUrl('udp://127.0.0.1:5004', stored)).toEqual({ ok: true, url: 'udp://127.0.0.1:5004' });
  });
});

describe('secretRedactor', () => {
  const url = 'rtmp://publisher:pa%40ss@127.0.0.1:1/app/topsecretkey?token=tok123';

  it('lists raw and decoded secrets', () => {
    expect(sourceSecrets(url)).toEqual(expect.arrayContaining(['publisher:pa%40ss', 'publisher', 'pa%40ss', 'pa@ss', 'topsecretkey', 'tok123']));
  });

  it('hides URLs and loose secrets in FFmpeg stderr', () => {
    const redact = secretRedactor([url]);
    const line = `[rtmp @ 0x1] Cannot open connection tcp://127.0.0.1:1 for ${url}: Connection refused; user publisher, key topsecretkey, pass pa@ss`;
    const out = redact(line);
    for (const secret of ['publisher', 'pa%40ss', 'pa@ss', 'topsecretkey', 'tok123']) expect(out).not.toContain(secret);
    expect(out).toContain('127.0.0.1');
    expect(out).toContain('Connection refused');
  });
});
