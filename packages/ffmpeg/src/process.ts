import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProgressParser } from './progress';
import { minimalEnv } from './source-secrets';

const STDERR_LINES = 50;
export const STOP_GRACE_MS = 5_000;

/** setpriv's --pdeathsig kills FFmpeg when its worker dies, even by SIGKILL; without setpriv FFmpeg runs directly. */
const SETPRIV = findExecutable('setpriv');
/** coreutils' nice lowers FFmpeg's priority before its first thread exists (threads inherit it). */
const NICE = findExecutable('nice');

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
 * One FFmpeg (or ffprobe: `binary`) run in its own session and process group (no shell): detached, so the
 * platform signals the whole group; setpriv --pdeathsig, so it dies with the Node process that started it. FFmpeg 5.1 finishes its output cleanly on exactly one
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

  /** The platform itself signalled FFmpeg (stop, kill): a signal exit is then no crash. */
  private signalledByUs = false;
  /** stderr lines seen so far (linesSince counts from a mark). */
  private lineCount = 0;

  /**
   * `niceness` (0-19) is FFmpeg's CPU priority below the services'. FFmpeg runs in its own session, hence in
   * its own autogroup, and the scheduler weighs autogroups against each other before the nice value inside
   * one counts: so both the process's nice (through `nice`) and its autogroup's nice are set.
   * `redact` is applied to every stderr line before anyone sees it (telemetry, lastError, events): FFmpeg
   * repeats its input URL, credentials included, in its errors. FFmpeg gets a minimal environment.
   */
  constructor(
    args: string[],
    niceness = 0,
    private readonly redact: (text: string) => string = (text) => text,
    binary = 'ffmpeg',
  ) {
    const ffmpeg = niceness > 0 && NICE ? [NICE, '-n', String(niceness), binary] : [binary];
    const [command, ...commandArgs] = SETPRIV ? [SETPRIV, '--pdeathsig', 'KILL', '--', ...ffmpeg, ...args] : [...ffmpeg, ...args];
    this.child = spawn(command as string, commandArgs, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: minimalEnv() });
    // With `nice` in front, the process's own nice is set by it: `nice -n` adds to what it finds, so setting the
    // value here as well would double it whenever this runs before `nice` (10 became 19). Only the autogroup then.
    if (niceness > 0 && this.child.pid !== undefined) lowerPriority(this.child.pid, niceness, { processNice: !NICE });
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

  get signalledByPlatform(): boolean {
    return this.signalledByUs;
  }

  /** A mark for linesSince: how many stderr lines have arrived so far. */
  get linesSeen(): number {
    return this.lineCount;
  }

  /** The kept stderr lines that arrived after `mark` (at most the last 50), oldest first. */
  linesSince(mark: number): string[] {
    const newer = Math.min(this.lineCount - mark, this.stderrLines.length);
    const lines = newer > 0 ? this.stderrLines.slice(-newer) : [];
    return this.partialLine ? [...lines, this.redact(this.partialLine)] : lines;
  }

  /** One SIGINT to the group, SIGKILL after the grace period; resolves once FFmpeg has exited. */
  stop(graceMs = STOP_GRACE_MS): Promise<FfmpegExit> {
    this.signalledByUs = true;
    if (!this.stopping) {
      this.signalGroup('SIGINT');
      const killer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
      this.stopping = this.exited.finally(() => clearTimeout(killer));
    }
    return this.stopping;
  }

  /** SIGKILL for the whole group at once: a hung (even SIGSTOPped) FFmpeg cannot finish its output anyway. */
  kill(): Promise<FfmpegExit> {
    this.signalledByUs = true;
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
      this.lineCount += 1;
      this.onStderrLine?.(line);
    }
    if (this.stderrLines.length > STDERR_LINES) this.stderrLines.splice(0, this.stderrLines.length - STDERR_LINES);
  }
}

/**
 * The process at `niceness`: the process (and threads started before `nice` took effect, if any) and its session's
 * autogroup (/proc/<pid>/autogroup; Linux with CONFIG_SCHED_AUTOGROUP). Either may be refused or absent,
 * which leaves FFmpeg at the priority `nice` gave it.
 */
export function lowerPriority(pid: number, niceness: number, options: { processNice?: boolean } = {}): void {
  if (options.processNice ?? true) {
    try {
      os.setPriority(pid, niceness);
    } catch {
      // already gone, or not allowed
    }
  }
  try {
    writeFileSync(`/proc/${pid}/autogroup`, String(niceness));
  } catch {
    // no autogroups here, or not allowed
  }
}
