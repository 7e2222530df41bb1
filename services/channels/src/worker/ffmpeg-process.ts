import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { minimalEnv, ProgressParser } from '@castline/ffmpeg';

const STDERR_LINES = 50;
export const STOP_GRACE_MS = 5_000;

/** setpriv's --pdeathsig kills FFmpeg when its worker dies, even by SIGKILL; without setpriv FFmpeg runs directly. */
const SETPRIV = findExecutable('setpriv');

function findExecutable(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export interface FfmpegExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One FFmpeg run in its own process group (no shell). FFmpeg 5.1 finishes its output cleanly on exactly one
 * SIGINT; a second one makes it exit at once without closing the playlist, so stop() sends one.
 */
export class FfmpegProcess {
  readonly progress = new ProgressParser({ windowSeconds: 10 });
  readonly exited: Promise<FfmpegExit>;
  private readonly child: ChildProcess;
  private readonly stderrLines: string[] = [];
  private partialLine = '';
  private running = true;
  private stopping: Promise<FfmpegExit> | undefined;
  /** When the last progress block arrived (the start time until the first one); the stall watchdog reads it. */
  private progressAt = Date.now();
  /** Every complete stderr line as it arrives (the run's telemetry keeps them in Redis). */
  onStderrLine: ((line: string) => void) | undefined;

  /**
   * `redact` is applied to every stderr line before anyone sees it (telemetry, lastError, events): FFmpeg
   * repeats its input URL, credentials included, in its errors. FFmpeg gets a minimal environment.
   */
  constructor(
    args: string[],
    private readonly redact: (text: string) => string = (text) => text,
  ) {
    const [command, commandArgs] = SETPRIV ? [SETPRIV, ['--pdeathsig', 'KILL', '--', 'ffmpeg', ...args]] : ['ffmpeg', args];
    this.child = spawn(command, commandArgs, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: minimalEnv() });
    this.child.stdout?.on('data', (chunk: Buffer) => {
      if (this.progress.push(chunk).length > 0) this.progressAt = Date.now();
    });
    this.child.stderr?.on('data', (chunk: Buffer) => this.keepStderr(chunk.toString('utf8')));
    this.exited = new Promise((resolve) => {
      this.child.on('error', () => undefined);
      this.child.on('close', (code, signal) => {
        this.running = false;
        // Anything FFmpeg left in its group goes with it.
        this.signalGroup('SIGKILL');
        resolve({ code, signal });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.running;
  }

  get lastProgressAt(): number {
    return this.progressAt;
  }

  /** The last lines of stderr, oldest first. */
  get lastStderr(): string {
    return [...this.stderrLines, this.redact(this.partialLine)].filter(Boolean).join('\n');
  }

  /** One SIGINT to the group, SIGKILL after the grace period; resolves once FFmpeg has exited. */
  stop(graceMs = STOP_GRACE_MS): Promise<FfmpegExit> {
    if (!this.stopping) {
      this.signalGroup('SIGINT');
      const killer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
      this.stopping = this.exited.finally(() => clearTimeout(killer));
    }
    return this.stopping;
  }

  /** SIGKILL for the whole group at once: a hung (even SIGSTOPped) FFmpeg cannot finish its output anyway. */
  kill(): Promise<FfmpegExit> {
    this.signalGroup('SIGKILL');
    return this.exited;
  }

  private signalGroup(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // the group is already gone
    }
  }

  private keepStderr(text: string): void {
    const lines = (this.partialLine + text).split(/\r?\n|\r/);
    this.partialLine = lines.pop() ?? '';
    for (const raw of lines) {
      if (!raw.trim()) continue;
      const line = this.redact(raw);
      this.stderrLines.push(line);
      this.onStderrLine?.(line);
    }
    if (this.stderrLines.length > STDERR_LINES) this.stderrLines.splice(0, this.stderrLines.length - STDERR_LINES);
  }
}
