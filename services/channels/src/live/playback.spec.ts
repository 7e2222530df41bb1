import { playbackToken } from '@castline/platform';
import { hlsOutputDir, signedPlaybackPath } from './playback';

const secret = 'test-secret-test-secret-test-secret-0123';
const channel = { id: '8c4a3c0e-2f7e-4b43-9a55-6f1c7c3e2a10', signingVersion: 3 };
const binding = `${channel.id}.3`;

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
