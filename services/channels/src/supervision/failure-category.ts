import type { FailureCategory } from './restart-policy';

/** What the worker knows about how one FFmpeg run ended: facts first, its log only as a hint. */
export interface RunFacts {
  code: number | null;
  signal: string | null;
  /** The platform signalled FFmpeg itself (stop, restart, hand-back, stall watchdog). */
  signalledByPlatform: boolean;
  /** Segments this run added to the playlist. */
  segments: number;
  /** From the run's last segment (its start, before the first) to its end. */
  msSinceLastSegment: number;
  /** stderr lines written after the run's last segment (all of them before the first). */
  linesAfterLastSegment: string[];
  /** The kernel's OOM killer killed a process of this worker's cgroup during the run. */
  oomKilled: boolean;
  /** The input read timeout FFmpeg was given. */
  inputTimeoutMs: number;
  /** The source the run read, for the plain-words reason. */
  sourceUrl: string;
}

export interface RunVerdict {
  category: FailureCategory;
  /** The run produced nothing because its source could not be opened or read: counts toward `waiting`. */
  openFailure: boolean;
  /** Restart without the spacing between restarts: the channel was on the air a moment ago. */
  immediate: boolean;
  /** Plain words for the dashboard: "No data from udp port 5999 for 10 s". */
  reason: string;
}

/** Signals FFmpeg never sends itself: something killed it (OOM killer, an operator) or it crashed. */
const CRASH_SIGNALS = new Set(['SIGKILL', 'SIGSEGV', 'SIGABRT', 'SIGBUS', 'SIGILL', 'SIGFPE', 'SIGTERM']);

/**
 * Messages of an error line, after FFmpeg's `[context @ 0x…] [level] ` prefixes, anchored at the end so a
 * word inside a decode warning never matches. Only `[error]`/`[fatal]` lines are read.
 */
const NETWORK_MESSAGES = [
  /: (Input\/output error|Connection refused|Connection timed out|Connection reset by peer|Network is unreachable|No route to host|Operation timed out|End of file)$/,
  /^Connection to \S+ failed: .+$/,
  /^Failed to resolve hostname \S+: .+$/,
  /: Server returned 5\d\d .+$/,
  /: HTTP error 5\d\d .+$/,
];
/** The source answered but refused or is not a stream: a configuration problem if it lasts. */
const REFUSED_MESSAGES = [
  /: Server returned 4\d\d .+$/,
  /: HTTP error 4\d\d .+$/,
  /: Protocol not found$/,
  /: No such file or directory$/,
  /: Invalid data found when processing input$/,
  /^Protocol '\S+' not on whitelist '\S*'!$/,
];
const LINE_PREFIX = /^(\[[^\]]* @ 0x[0-9a-f]+\] )?\[(error|fatal)\] /;

/** The message of an `[error]`/`[fatal]` line without its prefixes, or undefined for any other line. */
function errorMessage(line: string): string | undefined {
  const match = LINE_PREFIX.exec(line.trim());
  return match ? line.trim().slice(match[0].length) : undefined;
}

const matchesAny = (messages: string[], patterns: RegExp[]) => messages.find((message) => patterns.some((pattern) => pattern.test(message)));

/** "udp port 5999", "rtmp://host/app", ... as an operator reads a source. */
export function describeSource(url: string): string {
  try {
    const parsed = new URL(url);
    if (['udp:', 'rtp:', 'srt:'].includes(parsed.protocol)) return `${parsed.protocol.slice(0, -1)} port ${parsed.port}`;
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return 'the source';
  }
}

const seconds = (ms: number) => `${Math.max(1, Math.round(ms / 1000))} s`;

/**
 * Sorts a finished run (seed 002 categories) from how it ended, whether it was on the air and how long its
 * source had been silent; the log counts only after the run's last segment, so decode noise from joining a
 * stream mid-GOP never decides anything. A run that produced a segment is never a configuration problem.
 */
export function judgeRun(facts: RunFacts): RunVerdict {
  const source = describeSource(facts.sourceUrl);
  const onAir = facts.segments > 0;
  if (facts.signal && !facts.signalledByPlatform && CRASH_SIGNALS.has(facts.signal)) {
    if (facts.signal === 'SIGKILL' && facts.oomKilled) {
      return { category: 'resource', openFailure: false, immediate: true, reason: 'FFmpeg was killed by the kernel for lack of memory' };
    }
    return { category: 'crash', openFailure: false, immediate: true, reason: `FFmpeg crashed (${facts.signal})` };
  }
  const messages = facts.linesAfterLastSegment.map(errorMessage).filter((message): message is string => message !== undefined);
  const network = matchesAny(messages, NETWORK_MESSAGES);
  const refused = matchesAny(messages, REFUSED_MESSAGES);
  // FFmpeg ends by itself with code 0 when its input times out or ends: the source went away.
  const silent = facts.code === 0 || facts.msSinceLastSegment >= facts.inputTimeoutMs;
  if (onAir) {
    if (network || silent) {
      return { category: 'network', openFailure: false, immediate: true, reason: `No data from ${source} for ${seconds(Math.max(facts.msSinceLastSegment, facts.inputTimeoutMs))}` };
    }
    const last = messages.at(-1) ?? facts.linesAfterLastSegment.at(-1);
    return { category: 'encoding', openFailure: false, immediate: true, reason: `FFmpeg stopped (${exitText(facts)})${last ? `: ${last}` : ''}` };
  }
  if (refused && !network) return { category: 'fatal', openFailure: true, immediate: false, reason: `${source} cannot be opened: ${refused}` };
  if (network || silent) return { category: 'network', openFailure: true, immediate: false, reason: `No data from ${source} for ${seconds(facts.inputTimeoutMs)}` };
  const last = messages.at(-1) ?? facts.linesAfterLastSegment.at(-1);
  return { category: 'encoding', openFailure: false, immediate: false, reason: `FFmpeg stopped before its first segment (${exitText(facts)})${last ? `: ${last}` : ''}` };
}

const exitText = (facts: Pick<RunFacts, 'code' | 'signal'>) => (facts.signal ? facts.signal : `exit code ${facts.code}`);
