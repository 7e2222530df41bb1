import { addDays, type DayRange, todayIn } from './day-range';

/** Days re-read every night at 03:00 account time: conversions reported late change old days. */
export const LOOKBACK_DAYS = { meta: 28, google: 14 } as const;

export type ScheduledKind = 'hourly' | 'lookback';

/** The cron of each job scheduler of an account, read in the account's time zone. */
export const SCHEDULE_PATTERNS: Record<ScheduledKind, string> = {
  hourly: '0 * * * *',
  lookback: '0 3 * * *',
};

/**
 * The days a scheduled job covers when it runs at `now`, "today" being the account's: hourly yesterday and
 * today; the lookback the LOOKBACK_DAYS (Meta 28, Google 14) before today, and today.
 */
export function scheduledRange(kind: ScheduledKind, platform: 'meta' | 'google', timezone: string, now = new Date()): DayRange {
  const today = todayIn(timezone, now);
  return { since: addDays(today, kind === 'hourly' ? -1 : -LOOKBACK_DAYS[platform]), until: today };
}
