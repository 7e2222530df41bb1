/** Retention rules in restic's `forget` terms: each keeps the newest backup of its N most recent buckets. */
export interface RetentionRules {
  keepLast: number;
  keepDaily: number;
  keepWeekly: number;
  keepMonthly: number;
}

export interface RetentionCandidate {
  id: string;
  name: string;
  /** When the backup was taken. */
  takenAt: Date;
  verified: boolean;
  /** A restore (or download) uses it now. */
  inUse?: boolean;
}

export interface RetentionDecision {
  id: string;
  name: string;
  keep: boolean;
  /** The rules keeping it, e.g. `last 1`, `daily 2025-01-03`, `newest verified`; empty when it goes. */
  reasons: string[];
}

export const rulesKeepSomething = (rules: RetentionRules) => rules.keepLast + rules.keepDaily + rules.keepWeekly + rules.keepMonthly > 0;

function localDate(at: Date, timeZone: string): { year: number; month: number; day: number } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const part = (type: string) => Number(parts.find((item) => item.type === type)!.value);
  return { year: part('year'), month: part('month'), day: part('day') };
}

/** ISO 8601 week of a calendar date: `2025-W01`. */
function isoWeek({ year, month, day }: { year: number; month: number; day: number }): string {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const weekYear = date.getUTCFullYear();
  const week = Math.ceil(((date.getTime() - Date.UTC(weekYear, 0, 1)) / 86_400_000 + 1) / 7);
  return `${weekYear}-W${String(week).padStart(2, '0')}`;
}

const pad = (value: number) => String(value).padStart(2, '0');

/**
 * Which backups retention keeps, newest first, with the rules that keep each (restic forget semantics: a
 * backup kept by any rule stays; each bucket rule keeps the newest backup of each of its N most recent
 * buckets, in the schedule's time zone). The newest verified backup and any backup in use always stay.
 */
export function decideRetention(candidates: readonly RetentionCandidate[], rules: RetentionRules, timeZone = 'UTC'): RetentionDecision[] {
  const sorted = [...candidates].sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime());
  const reasons = new Map(sorted.map((candidate) => [candidate.id, [] as string[]]));
  sorted.slice(0, rules.keepLast).forEach((candidate, index) => reasons.get(candidate.id)!.push(`last ${index + 1}`));
  const buckets: Array<[string, number, (date: ReturnType<typeof localDate>) => string]> = [
    ['daily', rules.keepDaily, (date) => `${date.year}-${pad(date.month)}-${pad(date.day)}`],
    ['weekly', rules.keepWeekly, isoWeek],
    ['monthly', rules.keepMonthly, (date) => `${date.year}-${pad(date.month)}`],
  ];
  for (const [rule, count, bucketOf] of buckets) {
    const seen = new Set<string>();
    for (const candidate of sorted) {
      if (seen.size >= count) break;
      const bucket = bucketOf(localDate(candidate.takenAt, timeZone));
      if (seen.has(bucket)) continue;
      seen.add(bucket);
      reasons.get(candidate.id)!.push(`${rule} ${bucket}`);
    }
  }
  const newestVerified = sorted.find((candidate) => candidate.verified);
  if (newestVerified) reasons.get(newestVerified.id)!.push('newest verified');
  for (const candidate of sorted) if (candidate.inUse) reasons.get(candidate.id)!.push('in use');
  return sorted.map((candidate) => {
    const kept = reasons.get(candidate.id)!;
    return { id: candidate.id, name: candidate.name, keep: kept.length > 0, reasons: kept };
  });
}
