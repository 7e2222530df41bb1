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

export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
