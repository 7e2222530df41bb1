/**
 * Reader for the playlists this package makes FFmpeg write: enough to find the newest segment, check
 * segment durations and count a master playlist's variants (what the worker's watchdog and tests need).
 */

export interface MediaSegment {
  uri: string;
  durationSeconds: number;
  /** EXT-X-DISCONTINUITY before this segment: a new FFmpeg run or a new source. */
  discontinuity: boolean;
  programDateTime?: string;
}

export interface MediaPlaylist {
  kind: 'media';
  targetDurationSeconds?: number;
  mediaSequence: number;
  segments: MediaSegment[];
  endList: boolean;
}

export interface Variant {
  uri: string;
  bandwidth?: number;
  resolution?: { width: number; height: number };
  codecs?: string;
}

export interface MasterPlaylist {
  kind: 'master';
  variants: Variant[];
}

export function parsePlaylist(text: string): MediaPlaylist | MasterPlaylist {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  if (lines[0] !== '#EXTM3U') throw new Error('Not an HLS playlist: the first line is not #EXTM3U');
  return lines.some((line) => line.startsWith('#EXT-X-STREAM-INF:')) ? parseMaster(lines) : parseMedia(lines);
}

function parseMaster(lines: string[]): MasterPlaylist {
  const variants: Variant[] = [];
  let pending: Omit<Variant, 'uri'> | undefined;
  for (const line of lines) {
    if (line.startsWith('#EXT-X-STREAM-INF:')) {
      const attributes = parseAttributes(line.slice('#EXT-X-STREAM-INF:'.length));
      const resolution = attributes.get('RESOLUTION')?.match(/^(\d+)x(\d+)$/);
      pending = {
        bandwidth: attributes.has('BANDWIDTH') ? Number(attributes.get('BANDWIDTH')) : undefined,
        resolution: resolution ? { width: Number(resolution[1]), height: Number(resolution[2]) } : undefined,
        codecs: attributes.get('CODECS'),
      };
    } else if (!line.startsWith('#') && pending) {
      variants.push({ uri: line, ...pending });
      pending = undefined;
    }
  }
  return { kind: 'master', variants };
}

function parseMedia(lines: string[]): MediaPlaylist {
  const playlist: MediaPlaylist = { kind: 'media', mediaSequence: 0, segments: [], endList: false };
  let duration: number | undefined;
  let discontinuity = false;
  let programDateTime: string | undefined;
  for (const line of lines) {
    if (line.startsWith('#EXT-X-TARGETDURATION:')) playlist.targetDurationSeconds = Number(line.split(':')[1]);
    else if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) playlist.mediaSequence = Number(line.split(':')[1]);
    else if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice('#EXTINF:'.length));
    else if (line === '#EXT-X-DISCONTINUITY') discontinuity = true;
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) programDateTime = line.slice('#EXT-X-PROGRAM-DATE-TIME:'.length);
    else if (line === '#EXT-X-ENDLIST') playlist.endList = true;
    else if (!line.startsWith('#') && duration !== undefined) {
      playlist.segments.push({ uri: line, durationSeconds: duration, discontinuity, programDateTime });
      duration = undefined;
      discontinuity = false;
      programDateTime = undefined;
    }
  }
  return playlist;
}

/** NAME=value,NAME="quoted, with commas" */
function parseAttributes(list: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of list.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) {
    const [, name, value] = match as unknown as [string, string, string];
    attributes.set(name, value.startsWith('"') ? value.slice(1, -1) : value);
  }
  return attributes;
}
