import { readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';

const SEGMENT_FILE = /^seg_[A-Za-z0-9]+_\d+\.ts(\.tmp)?$|^seg_\d+\.ts(\.tmp)?$/;

/**
 * Deletes the segment files next to a media playlist that the playlist no longer lists: FFmpeg's
 * delete_segments never deletes the last segment of the previous run once append_list continues it, and an
 * interrupted run can leave a .tmp behind. Call it only while no FFmpeg writes there. The playlist itself
 * stays, so players carry on across a restart (and across a stop: they just see no new segments).
 * Returns the names it deleted.
 */
export async function deleteUnlistedSegments(mediaPlaylist: string): Promise<string[]> {
  const dir = path.dirname(mediaPlaylist);
  const listed = new Set(
    (await readFile(mediaPlaylist, 'utf8').catch(() => ''))
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => path.basename(line)),
  );
  const names = await readdir(dir).catch(() => [] as string[]);
  const stale = names.filter((name) => SEGMENT_FILE.test(name) && !listed.has(name));
  await Promise.all(stale.map((name) => unlink(path.join(dir, name)).catch(() => undefined)));
  return stale;
}
