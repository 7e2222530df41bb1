import { createHash } from 'node:crypto';
import { hlsOutputDir, playbackToken, signedPlaybackPath } from './playback';

const secret = 'test-secret-test-secret-test-secret-0123';

describe('playbackToken', () => {
  it('is base64url(md5("<expires>/<slug> <secret>")), as nginx secure_link_md5 computes it', () => {
    // echo -n '2000000000/news test-secret-test-secret-test-secret-0123' | openssl md5 -binary | base64 | tr +/ -_ | tr -d =
    expect(playbackToken(secret, 'news', 2_000_000_000)).toBe('b2XIjhEdulLl4HUiR4tV1g');
    const expected = createHash('md5').update(`2000000000/news ${secret}`).digest('base64').replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
    expect(playbackToken(secret, 'news', 2_000_000_000)).toBe(expected);
  });

  it('changes with the slug, the expiry and the secret', () => {
    const token = playbackToken(secret, 'news', 2_000_000_000);
    expect(playbackToken(secret, 'sport', 2_000_000_000)).not.toBe(token);
    expect(playbackToken(secret, 'news', 2_000_000_001)).not.toBe(token);
    expect(playbackToken(`${secret}x`, 'news', 2_000_000_000)).not.toBe(token);
  });
});

describe('signedPlaybackPath', () => {
  it('puts token, expiry and slug in the path so relative segment URLs carry them', () => {
    expect(signedPlaybackPath(secret, 'news', 2_000_000_000)).toBe('/live/_signed/b2XIjhEdulLl4HUiR4tV1g/2000000000/news/index.m3u8');
  });
});

describe('hlsOutputDir', () => {
  it('keeps signed channels out of the public directory', () => {
    expect(hlsOutputDir('/var/hls', { slug: 'news', playback: 'public' })).toBe('/var/hls/news');
    expect(hlsOutputDir('/var/hls/', { slug: 'news', playback: 'signed' })).toBe('/var/hls/_signed/news');
  });
});
