import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bitrateKbps, playlistBitrateKbps } from './segment-bitrate';
import { redactArgs } from './run-telemetry';

describe('output bitrate', () => {
  it('is the bytes of the segments over their durations', () => {
    expect(bitrateKbps([{ bytes: 250_000, durationSeconds: 2 }, { bytes: 250_000, durationSeconds: 2 }])).toBe(1_000);
    expect(bitrateKbps([])).toBeNull();
  });

  it('comes from the newest three segments a playlist lists, null when they are missing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bitrate-'));
    try {
      const playlist = path.join(dir, 'index.m3u8');
      const text = ['#EXTM3U', '#EXT-X-TARGETDURATION:2', ...[1, 2, 3, 4].flatMap((n) => ['#EXTINF:2.000000,', `seg_${n}.ts`])].join('\n');
      for (const n of [2, 3, 4]) await writeFile(path.join(dir, `seg_${n}.ts`), Buffer.alloc(125_000 * n));
      // (2 + 3 + 4) * 125 000 bytes * 8 over 6 s.
      expect(await playlistBitrateKbps(text, playlist)).toBe(1_500);
      await rm(path.join(dir, 'seg_4.ts'));
      expect(await playlistBitrateKbps(text, playlist)).toBeNull();
      expect(await playlistBitrateKbps('not a playlist', playlist)).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('redactArgs', () => {
  it('keeps only the scheme and host of URLs', () => {
    expect(redactArgs(['-i', 'rtmp://user:secret@example.com:1935/live/key?token=1', '-c:v', 'libx264'])).toEqual([
      '-i', 'rtmp://example.com:1935/<redacted>', '-c:v', 'libx264',
    ]);
  });
});
