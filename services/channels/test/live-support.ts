import { type ChildProcess, execFile, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { promisify } from 'node:util';

/** Helpers shared by the tests that run channels with real FFmpeg. */

const run = promisify(execFile);

export async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/**
 * A live source as a contribution encoder would send it: an FFmpeg lavfi picture (`video`, e.g.
 * `testsrc2=size=640x360:rate=25` or `color=c=red:size=320x180:rate=25`) with a tone, as MPEG-TS over UDP,
 * in its own process group so killGroup stops it.
 */
export function startUdpSource(port: number, video: string, audioBitrate = '64k'): ChildProcess {
  return spawn(
    'ffmpeg',
    [
      '-nostdin', '-v', 'error', '-re',
      '-f', 'lavfi', '-i', video,
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a', audioBitrate,
      '-f', 'mpegts', `udp://127.0.0.1:${port}?pkt_size=1316`,
    ],
    { detached: true, stdio: 'ignore' },
  );
}

/** Pids of the processes whose command line names the directory (FFmpeg writes there and nothing else does). */
export async function processesFor(dir: string): Promise<number[]> {
  const found = await run('pgrep', ['-f', `${dir}/`]).catch(() => ({ stdout: '' }));
  return found.stdout.split('\n').filter(Boolean).map(Number);
}

/** The channel's encoder among them: not the thumbnail or probe FFmpegs that read its segments. */
export async function encoderFor(dir: string): Promise<number | undefined> {
  const found = await run('pgrep', ['-f', '--', `-hls_segment_filename ${dir}/`]).catch(() => ({ stdout: '' }));
  return found.stdout.split('\n').filter(Boolean).map(Number)[0];
}

export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * A live contribution encoder as a channel meets it in the field: x264 over UDP with a keyframe every `gop`
 * frames, already running when the channel joins (so it joins mid-GOP and logs decode errors first), and
 * with `noise` corrupting packets (FFmpeg's noise bitstream filter) when asked.
 */
export function startLiveEncoder(port: number, options: { noise?: boolean; size?: string; gop?: number } = {}): ChildProcess {
  const { noise = false, size = '320x180', gop = 50 } = options;
  return spawn(
    'ffmpeg',
    [
      '-nostdin', '-v', 'error', '-re',
      '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=25`,
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', String(gop), '-pix_fmt', 'yuv420p',
      ...(noise ? ['-bsf:v', 'noise=amount=50000'] : []),
      '-c:a', 'aac', '-b:a', '32k',
      '-f', 'mpegts', `udp://127.0.0.1:${port}?pkt_size=1316`,
    ],
    { detached: true, stdio: 'ignore' },
  );
}

/** An HLS source: FFmpeg writing a live playlist into `dir` (serve it over HTTP with serveDirectory). */
export function startHlsEncoder(dir: string): ChildProcess {
  return spawn(
    'ffmpeg',
    [
      '-nostdin', '-v', 'error', '-re',
      '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25',
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a', '32k',
      '-f', 'hls', '-hls_time', '1', '-hls_list_size', '6', '-hls_flags', 'delete_segments', `${dir}/index.m3u8`,
    ],
    { detached: true, stdio: 'ignore' },
  );
}

/** Segment names the playlist in `outputDir` lists now. */
export function listedSegments(playlist: string): string[] {
  return playlist.split('\n').filter((line) => line.endsWith('.ts'));
}
