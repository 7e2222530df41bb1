/**
 * What a platform client reports to the sync, beyond "it worked": each is a decision the sync takes
 * (pause the account, halve the range, skip one customer), never a retry loop.
 */
export class PlatformError extends Error {
  constructor(
    /** Stored as the account's or the run's error code (meta_token_expired, google_invalid_grant, ...). */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The credentials no longer work (Meta 190, Google invalid_grant): pause the account, call nothing more. */
export class CredentialsRejected extends PlatformError {}

/** Meta code 1: ask for less data (a shorter range). */
export class ReduceData extends PlatformError {
  constructor(message: string) {
    super('meta_reduce_data', message);
  }
}

/** A quota the platform says resets later than is worth waiting for: pause the account until `until`. */
export class QuotaPaused extends PlatformError {
  constructor(
    readonly until: Date,
    message: string,
  ) {
    super('google_quota_exhausted', message);
  }
}

/** One managed customer refused (CUSTOMER_NOT_ENABLED, USER_PERMISSION_DENIED): mark it, sync the others. */
export class CustomerRefused extends PlatformError {
  constructor(
    readonly customerId: string,
    readonly reason: string,
    message: string,
  ) {
    super(reason.toLowerCase(), message);
  }
}

/** Still failing after the retries it deserved (5xx, throttling past every backoff, a report run failing twice). */
export class PlatformUnavailable extends PlatformError {}

/** Sleeps `ms`, ending early (rejecting) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Exponential backoff with full jitter on top of a floor the platform asked for. */
export function backoffMs(attempt: number, baseMs: number, floorMs = 0, random = Math.random): number {
  const exponential = baseMs * 2 ** Math.min(attempt, 8);
  return floorMs + Math.round(random() * exponential);
}

/** One object's (campaign's or ad's) day as a platform reports it, figures already in micros. */
export interface PlatformDayRow {
  date: string;
  campaignId: string;
  campaignName: string;
  adId?: string;
  adName?: string;
  impressions: bigint;
  clicks: bigint;
  spendMicros: bigint;
  /** Decimal text: Google's conversions are fractional. */
  conversions: string;
  revenueMicros: bigint;
}

/** What a client counts while it runs, for ad_sync_runs. */
export interface CallCounters {
  apiCalls: number;
  throttledMs: number;
}

/** "12.34" (a decimal in currency units) -> 12340000n micros, exactly (no float on the way). */
export function decimalToMicros(value: string | number | undefined): bigint {
  if (value === undefined || value === '') return 0n;
  const text = typeof value === 'number' ? value.toFixed(6) : value.trim();
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new Error(`not a decimal amount: ${text}`);
  const fraction = (match[3] ?? '').padEnd(6, '0').slice(0, 6);
  const micros = BigInt(match[2]!) * 1_000_000n + BigInt(fraction);
  return match[1] ? -micros : micros;
}
