import { InvalidLiveSpecError } from './live-command';

/**
 * One JPEG from the newest segment of a running output. The HLS demuxer starts at the last listed segment
 * (-live_start_index -1); temp_file guarantees that segment is complete. A master playlist works too:
 * its first (largest) variant is used. -update 1 writes a plain file name instead of an image sequence.
 */
export function buildThumbnailCommand(playlistPath: string, outputJpeg: string, width = 640): string[] {
  if (!Number.isInteger(width) || width < 2) throw new InvalidLiveSpecError(`Thumbnail width must be an integer >= 2, got ${width}`);
  return [
    '-nostdin', '-hide_banner', '-loglevel', 'error',
    '-protocol_whitelist', 'file',
    '-live_start_index', '-1',
    '-i', playlistPath,
    '-map', '0:v:0',
    '-frames:v', '1',
    '-vf', `scale=${width - (width % 2)}:-2`,
    '-q:v', '4',
    '-update', '1',
    '-y', outputJpeg,
  ];
}
