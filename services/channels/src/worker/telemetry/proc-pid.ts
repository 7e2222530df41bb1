/**
 * Parsers for one process' procfs files and the rate math over two samples. Pure: text in, numbers out.
 * Counters are cumulative since the process started; rates come from two samples about a second apart.
 */

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every Linux architecture we run on. */
export const CLOCK_TICKS_PER_SECOND = 100;

export interface PidStat {
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  threads: number;
}

export interface PidStatus {
  rssBytes: number;
  threads: number;
}

export interface PidIo {
  /** Bytes passed through read()/write() and friends: tmpfs writes count here, unlike in read_bytes/write_bytes. */
  readChars: number;
  writeChars: number;
}

/**
 * /proc/<pid>/stat: "pid (comm) state ppid ...". comm may hold spaces and parentheses, so the fields are
 * counted from the last ")". After it, utime and stime are the 12th and 13th fields, num_threads the 18th.
 */
export function parsePidStat(text: string): PidStat {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error('stat: no ")" after the command name');
  const fields = text.slice(close + 1).trim().split(/\s+/);
  const field = (index: number) => {
    const value = Number(fields[index]);
    if (fields[index] === undefined || !Number.isFinite(value)) throw new Error(`stat: field ${index + 3} is not a number`);
    return value;
  };
  return { cpuTicks: field(11) + field(12), threads: field(17) };
}

/** /proc/<pid>/status: "VmRSS:   123456 kB" and "Threads:  9" ("kB" there means KiB). */
export function parsePidStatus(text: string): PidStatus {
  const value = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text);
    if (!match) throw new Error(`status: no ${name}`);
    return Number(match[1]);
  };
  return { rssBytes: value('VmRSS') * 1024, threads: value('Threads') };
}

/** /proc/<pid>/io: "rchar: 123" lines. Only the process' owner (or root) may read it. */
export function parsePidIo(text: string): PidIo {
  const value = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text);
    if (!match) throw new Error(`io: no ${name}`);
    return Number(match[1]);
  };
  return { readChars: value('rchar'), writeChars: value('wchar') };
}

/** CPU time over wall time in percent of one core (two busy cores = 200); null without a usable interval. */
export function cpuPercent(previousTicks: number, currentTicks: number, wallMs: number): number | null {
  if (!(wallMs > 0) || currentTicks < previousTicks) return null;
  return ((currentTicks - previousTicks) / CLOCK_TICKS_PER_SECOND / (wallMs / 1000)) * 100;
}

/** A counter's growth per second; null when either side is unknown or the counter went backwards. */
export function perSecond(previous: number | null | undefined, current: number | null | undefined, wallMs: number): number | null {
  if (previous == null || current == null || !(wallMs > 0) || current < previous) return null;
  return ((current - previous) * 1000) / wallMs;
}
