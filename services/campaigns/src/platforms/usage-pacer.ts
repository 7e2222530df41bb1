import { type CallCounters, sleep } from './platform-errors';

/**
 * Meta's usage headers, read after every call, and what they mean for the next one: nothing below 75 %,
 * a pause growing with usage between 75 and 90 % (spreading calls over what remains of the window), a wait
 * for the recovery above 90 %.
 *
 * Each header is a meter of its own with its own clock, so each one is paced on its own and the longest
 * pause wins: a single meter near its limit is enough to get throttled.
 */
export type UsageHeader = 'business' | 'account' | 'insights';

/** One meter: how full it is and, when the header says, in how long it recovers. */
export interface UsageReading {
  header: UsageHeader;
  pct: number;
  /**
   * X-Business-Use-Case-Usage: estimated_time_to_regain_access (minutes); X-Ad-Account-Usage:
   * reset_time_duration (seconds); x-fb-ads-insights-throttle gives none. Undefined when not given (or 0).
   */
  recoverMs?: number;
}

export interface Usage {
  readings: UsageReading[];
  /** The highest percentage of any meter (the peak the client reports). */
  pct: number;
  /** The longest recovery time any header gave, 0 when none did: the floor of a backoff on a throttling code. */
  recoverMs: number;
}

export const NO_USAGE: Usage = { readings: [], pct: 0, recoverMs: 0 };

const parse = (value: string | null | undefined): unknown => {
  if (typeof value !== 'string' || value === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
};

/** A field as a non-negative number (Meta sends numbers; numeric strings are tolerated), else undefined. */
const field = (object: unknown, key: string): number | undefined => {
  if (!object || typeof object !== 'object') return undefined;
  const value = (object as Record<string, unknown>)[key];
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(number) && number >= 0 ? number : undefined;
};

const highest = (object: unknown, keys: string[]): number | undefined => {
  const values = keys.map((key) => field(object, key)).filter((value) => value !== undefined);
  return values.length > 0 ? Math.max(...values) : undefined;
};

/** A positive time or undefined (Meta sends 0 when it has nothing to say). */
const time = (value: number | undefined, unitMs: number): number | undefined => (value ? value * unitMs : undefined);

/** The readings of one answer's headers; a missing or malformed header (or field) is left out, never an error. */
export function readUsage(headers: Headers): Usage {
  const readings: UsageReading[] = [];
  // {"<business id>": [{"type": "ads_insights", "call_count": 28, "total_cputime": 25, "total_time": 25,
  //   "estimated_time_to_regain_access": 0}, ...]}: one meter per business and use case.
  const business = parse(headers.get('x-business-use-case-usage'));
  for (const entries of business ? Object.values(business as Record<string, unknown>) : []) {
    for (const entry of Array.isArray(entries) ? entries : []) {
      const pct = highest(entry, ['call_count', 'total_cputime', 'total_time']);
      if (pct !== undefined) readings.push({ header: 'business', pct, recoverMs: time(field(entry, 'estimated_time_to_regain_access'), 60_000) });
    }
  }
  // {"acc_id_util_pct": 9.67, "reset_time_duration": 100, "ads_api_access_tier": "standard_access"}
  const account = parse(headers.get('x-ad-account-usage'));
  const accountPct = field(account, 'acc_id_util_pct');
  if (accountPct !== undefined) readings.push({ header: 'account', pct: accountPct, recoverMs: time(field(account, 'reset_time_duration'), 1000) });
  // {"app_id_util_pct": 40, "acc_id_util_pct": 12}: percentages only.
  const insightsPct = highest(parse(headers.get('x-fb-ads-insights-throttle')), ['app_id_util_pct', 'acc_id_util_pct']);
  if (insightsPct !== undefined) readings.push({ header: 'insights', pct: insightsPct });
  return {
    readings,
    pct: Math.max(0, ...readings.map((reading) => reading.pct)),
    recoverMs: Math.max(0, ...readings.map((reading) => reading.recoverMs ?? 0)),
  };
}

export interface PacerOptions {
  slowDownAbovePct: number;
  waitAbovePct: number;
  /**
   * The window of a meter whose recovery time nobody gave (x-fb-ads-insights-throttle always; the
   * business use case while it is not blocked, when no other header of the answer gives a time either).
   */
  defaultWindowMs: number;
  /** Never sleeps longer than this at once (a stop signal still ends it). */
  maxWaitMs: number;
}

/** The default window is the rolling hour Meta measures ads_insights business use case usage over. */
export const DEFAULT_PACER: PacerOptions = { slowDownAbovePct: 75, waitAbovePct: 90, defaultWindowMs: 60 * 60_000, maxWaitMs: 15 * 60_000 };

export class UsagePacer {
  private last: Usage = NO_USAGE;
  private lastAt = 0;
  peakPct = 0;

  constructor(
    private readonly options: PacerOptions = DEFAULT_PACER,
    private readonly clock: () => number = Date.now,
  ) {}

  observe(usage: Usage): void {
    this.last = usage;
    this.lastAt = this.clock();
    this.peakPct = Math.max(this.peakPct, usage.pct);
  }

  /** How long to wait before the next call, from the last usage seen: the longest pause any meter asks for. */
  delayMs(now = this.clock()): number {
    let pause = 0;
    for (const reading of this.last.readings) {
      // A meter without a time of its own counts the same account's calls as the ones that give one, so
      // their time is the best estimate; with none at all, the default window.
      const windowMs = reading.recoverMs ?? (this.last.recoverMs || this.options.defaultWindowMs);
      pause = Math.max(pause, this.pauseFor(reading.pct, windowMs));
    }
    // Time already spent since the answer (a backoff, the caller's own work) counts towards the pause.
    return Math.min(this.options.maxWaitMs, Math.max(0, pause - (now - this.lastAt)));
  }

  private pauseFor(pct: number, windowMs: number): number {
    const { slowDownAbovePct, waitAbovePct } = this.options;
    // Above 90 %: wait until the meter recovers.
    if (pct > waitAbovePct) return windowMs;
    if (pct <= slowDownAbovePct) return 0;
    // 75-90 %: a pause growing with the square of the way to 90 %, so calls spread over the rest of the
    // window instead of running into the limit.
    const share = (pct - slowDownAbovePct) / (waitAbovePct - slowDownAbovePct);
    return Math.round(windowMs * share * share);
  }

  async beforeCall(counters: CallCounters, signal?: AbortSignal): Promise<void> {
    const delay = this.delayMs();
    if (delay <= 0) return;
    counters.throttledMs += delay;
    await sleep(delay, signal);
  }
}
