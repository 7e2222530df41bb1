import { type CallCounters, sleep } from './platform-errors';

/**
 * Meta's usage headers, read after every call, and what they mean for the next one: nothing below 75 %,
 * a pause growing with usage between 75 and 90 % (spreading calls over what remains of the window), a wait
 * for the reset above 90 %.
 */
export interface Usage {
  /** The highest of every percentage the headers give (call count, CPU time, total time, account utilisation). */
  pct: number;
  /** When the platform says access comes back (estimated_time_to_regain_access), in ms from now. */
  regainMs: number;
  /** When the usage resets to 0 (reset_time_duration), in ms from now. */
  resetMs: number;
}

const parse = (value: string | string[] | null | undefined): unknown => {
  if (typeof value !== 'string' || value === '') return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
};

const numbers = (object: unknown, keys: string[]): number[] =>
  object && typeof object === 'object' ? keys.map((key) => Number((object as Record<string, unknown>)[key])).filter(Number.isFinite) : [];

export function readUsage(headers: Headers): Usage {
  const pcts: number[] = [0];
  let regainMinutes = 0;
  const business = parse(headers.get('x-business-use-case-usage'));
  if (business && typeof business === 'object') {
    for (const entries of Object.values(business as Record<string, unknown>)) {
      for (const entry of Array.isArray(entries) ? entries : []) {
        pcts.push(...numbers(entry, ['call_count', 'total_cputime', 'total_time']));
        regainMinutes = Math.max(regainMinutes, ...numbers(entry, ['estimated_time_to_regain_access']));
      }
    }
  }
  const account = parse(headers.get('x-ad-account-usage'));
  pcts.push(...numbers(account, ['acc_id_util_pct']));
  const resetSeconds = Math.max(0, ...numbers(account, ['reset_time_duration']));
  pcts.push(...numbers(parse(headers.get('x-fb-ads-insights-throttle')), ['app_id_util_pct', 'acc_id_util_pct']));
  return { pct: Math.max(...pcts), regainMs: regainMinutes * 60_000, resetMs: resetSeconds * 1000 };
}

export interface PacerOptions {
  slowDownAbovePct: number;
  waitAbovePct: number;
  /** Never sleeps longer than this at once (a stop signal still ends it). */
  maxWaitMs: number;
}

export const DEFAULT_PACER: PacerOptions = { slowDownAbovePct: 75, waitAbovePct: 90, maxWaitMs: 15 * 60_000 };

export class UsagePacer {
  private last: Usage = { pct: 0, regainMs: 0, resetMs: 0 };
  private lastAt = 0;
  peakPct = 0;

  constructor(private readonly options: PacerOptions = DEFAULT_PACER) {}

  observe(usage: Usage): void {
    this.last = usage;
    this.lastAt = Date.now();
    this.peakPct = Math.max(this.peakPct, usage.pct);
  }

  /** How long to wait before the next call, from the last usage seen. */
  delayMs(now = Date.now()): number {
    const { pct, regainMs, resetMs } = this.last;
    const elapsed = now - this.lastAt;
    const remaining = (ms: number) => Math.max(0, ms - elapsed);
    if (pct > this.options.waitAbovePct) return Math.min(this.options.maxWaitMs, remaining(Math.max(regainMs, resetMs)));
    if (pct > this.options.slowDownAbovePct) {
      const share = (pct - this.options.slowDownAbovePct) / (this.options.waitAbovePct - this.options.slowDownAbovePct);
      return Math.min(this.options.maxWaitMs, remaining(Math.round(resetMs * share * share)));
    }
    return 0;
  }

  async beforeCall(counters: CallCounters, signal?: AbortSignal): Promise<void> {
    const delay = this.delayMs();
    if (delay <= 0) return;
    counters.throttledMs += delay;
    await sleep(delay, signal);
  }
}
