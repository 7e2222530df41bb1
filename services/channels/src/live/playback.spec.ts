import { createHash } from 'node:crypto';
import { hlsOutputDir, playbackToken, signedPlaybackPath } from './playback';

const secret = 'test-secret-test-secret-test-secret-0123';
const channel = { id: '8c4a3c0e-2f7e-4b43-9a55-6f1c7c3e2a10', signingVersion: 3 };
const binding = `${channel.id}.3`;

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

describe('signedPlaybackPath', () => {
  it('puts token, expiry and the channel id + signing version in the path so relative segment URLs carry them', () => {
    const token = playbackToken(secret, binding, 2_000_000_000);
    expect(signedPlaybackPath(secret, channel, 2_000_000_000)).toBe(`/live/_signed/${token}/2000000000/${binding}/index.m3u8`);
    expect(signedPlaybackPath(secret, { ...channel, signingVersion: 4 }, 2_000_000_000)).not.toContain(token);
  });
});

describe('hlsOutputDir', () => {
  it('keeps signed channels out of the public directory', () => {
    expect(hlsOutputDir('/var/hls', { ...channel, slug: 'news', playback: 'public' })).toBe('/var/hls/news');
    expect(hlsOutputDir('/var/hls/', { ...channel, slug: 'news', playback: 'signed' })).toBe(`/var/hls/_signed/${binding}`);
  });
});
