import { createHash } from 'node:crypto';
import { playbackToken } from './playback-token';

const secret = 'test-secret-test-secret-test-secret-0123';

describe('playbackToken', () => {
  it('is base64url(md5("<expires>/<binding> <secret>")), as nginx secure_link_md5 computes it', () => {
    // echo -n '2000000000/news test-secret-test-secret-test-secret-0123' | openssl md5 -binary | base64 | tr +/ -_ | tr -d =
    expect(playbackToken(secret, 'news', 2_000_000_000)).toBe('b2XIjhEdulLl4HUiR4tV1g');
    const expected = createHash('md5').update(`2000000000/news ${secret}`).digest('base64').replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
    expect(playbackToken(secret, 'news', 2_000_000_000)).toBe(expected);
  });

  it('changes with the binding, the expiry and the secret', () => {
    const token = playbackToken(secret, 'news', 2_000_000_000);
    expect(playbackToken(secret, 'sport', 2_000_000_000)).not.toBe(token);
    expect(playbackToken(secret, 'news', 2_000_000_001)).not.toBe(token);
    expect(playbackToken(`${secret}x`, 'news', 2_000_000_000)).not.toBe(token);
  });
});
