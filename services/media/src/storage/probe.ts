import { execFile } from 'node:child_process';
import { buildDecodeCheckCommand, buildMediaProbeCommand, minimalEnv, parseMediaProbe, type SourceProbe } from '@castline/ffmpeg';

const PROBE_TIMEOUT_MS = 30_000;

export type DecodeCheck = { ok: true } | { ok: false; detail: string };

/** ffprobe and a short decode of a local file (STYLE: the media repository around FFmpeg's probing). */
export class Probe {
  /** ffprobe JSON -> SourceProbe; null when ffprobe cannot read it or it has no video stream. */
  async probe(file: string): Promise<SourceProbe | null> {
    const { code, stdout } = await run('ffprobe', buildMediaProbeCommand(file));
    return code === 0 ? parseMediaProbe(stdout) : null;
  }

  /** Decodes the first seconds; any decoder error fails it. */
  async decodes(file: string, seconds = 2): Promise<DecodeCheck> {
    const { code, stderr } = await run('ffmpeg', buildDecodeCheckCommand(file, seconds));
    return code === 0 && !stderr.trim() ? { ok: true } : { ok: false, detail: stderr.trim().split('\n').slice(-3).join('\n') || `exit ${code}` };
  }
}

function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { env: minimalEnv(), maxBuffer: 16 * 1024 * 1024, timeout: PROBE_TIMEOUT_MS }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
