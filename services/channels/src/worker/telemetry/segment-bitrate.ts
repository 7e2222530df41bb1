import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parsePlaylist } from '@castline/ffmpeg';

/** How many of the newest segments the output bitrate is averaged over. */
export const BITRATE_SEGMENTS = 3;

export interface SegmentSize {
  bytes: number;
  durationSeconds: number;
}

/** kbit/s of the segments together (their bytes * 8 over their EXTINF durations); null without duration. */
export function bitrateKbps(segments: SegmentSize[]): number | null {
  const seconds = segments.reduce((sum, segment) => sum + segment.durationSeconds, 0);
  if (!(seconds > 0)) return null;
  const bytes = segments.reduce((sum, segment) => sum + segment.bytes, 0);
  return (bytes * 8) / seconds / 1000;
}

/**
 * The output bitrate from a media playlist and its newest segments on disk: FFmpeg reports N/A for HLS.
 * Null while the playlist or its segments are missing (start-up, a segment just deleted).
 */
export async function playlistBitrateKbps(playlistText: string, playlistPath: string): Promise<number | null> {
  let playlist: ReturnType<typeof parsePlaylist>;
  try {
    playlist = parsePlaylist(playlistText);
  } catch {
    return null;
  }
  if (playlist.kind !== 'media' || playlist.segments.length === 0) return null;
  const dir = path.dirname(playlistPath);
  const newest = playlist.segments.slice(-BITRATE_SEGMENTS);
  try {
    const sizes = await Promise.all(
      newest.map(async (segment) => ({ bytes: (await stat(path.join(dir, segment.uri))).size, durationSeconds: segment.durationSeconds })),
    );
    return bitrateKbps(sizes);
  } catch {
    return null;
  }
}
