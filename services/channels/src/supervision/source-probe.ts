import { execFile } from 'node:child_process';
import { buildSourceProbeCommand, minimalEnv } from '@castline/ffmpeg';

/**
 * True when ffprobe finds a video stream at the source within about `timeoutSeconds` (the protocol's read
 * timeout, plus a hard kill for protocols that ignore it). Used to notice that a failed primary is back.
 */
export function probeSource(url: string, timeoutSeconds: number): Promise<boolean> {
  let args: string[];
  try {
    args = buildSourceProbeCommand(url, timeoutSeconds);
  } catch {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    execFile('ffprobe', args, { timeout: (timeoutSeconds + 5) * 1000, killSignal: 'SIGKILL', env: minimalEnv() }, (error, stdout) => {
      resolve(!error && stdout.split('\n').some((line) => line.trim() === 'video'));
    });
  });
}
