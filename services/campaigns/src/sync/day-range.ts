/** Day arithmetic on YYYY-MM-DD strings (calendar days; time zones only decide which day is "today"). */
export interface DayRange {
  since: string;
  until: string;
}

const DAY_MS = 86_400_000;

/** The longest range a sync, a list or an analytics query covers: 3 years. */
export const MAX_RANGE_DAYS = 3 * 366;

export const addDays = (day: string, days: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

export const daysIn = (range: DayRange): number => Math.round((Date.parse(`${range.until}T00:00:00Z`) - Date.parse(`${range.since}T00:00:00Z`)) / DAY_MS) + 1;

/** Today's date in an IANA time zone. */
export function todayIn(timezone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** Consecutive chunks of at most `size` days covering the range, oldest first. */
export function chunkRange(range: DayRange, size: number): DayRange[] {
  const chunks: DayRange[] = [];
  for (let since = range.since; since <= range.until; since = addDays(since, size)) {
    const end = addDays(since, size - 1);
    chunks.push({ since, until: end < range.until ? end : range.until });
  }
  return chunks;
}

export const dateOnly = (date: Date): string => date.toISOString().slice(0, 10);
export const asDate = (day: string): Date => new Date(`${day}T00:00:00Z`);
