import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deleteUnlistedSegments } from './segment-cleanup';

describe('deleteUnlistedSegments', () => {
  it('deletes only segment files the playlist no longer lists, and keeps the playlist', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'castline-cleanup-'));
    try {
      const playlist = path.join(dir, 'index.m3u8');
      writeFileSync(playlist, '#EXTM3U\n#EXTINF:2.0,\nseg_b_4.ts\n#EXTINF:2.0,\nseg_b_5.ts\n');
      for (const name of ['seg_a_3.ts', 'seg_b_4.ts', 'seg_b_5.ts', 'seg_b_6.ts.tmp', 'poster.jpg']) writeFileSync(path.join(dir, name), '');
      expect((await deleteUnlistedSegments(playlist)).sort()).toEqual(['seg_a_3.ts', 'seg_b_6.ts.tmp']);
      expect(readdirSync(dir).sort()).toEqual(['index.m3u8', 'poster.jpg', 'seg_b_4.ts', 'seg_b_5.ts']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
