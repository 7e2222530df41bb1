import { decideRetention, type RetentionCandidate, type RetentionRules, rulesKeepSomething } from './retention';

/** A synthetic calendar: one backup a day at 02:00 UTC from `first`, `days` days long, named by its date. */
function calendar(first: string, days: number, extra: Partial<Record<string, Partial<RetentionCandidate>>> = {}): RetentionCandidate[] {
  const start = new Date(`${first}T02:00:00Z`).getTime();
  return Array.from({ length: days }, (_, index) => {
    const takenAt = new Date(start + index * 86_400_000);
    const name = takenAt.toISOString().slice(0, 10);
    return { id: name, name, takenAt, verified: false, ...extra[name] };
  });
}

const kept = (decisions: ReturnType<typeof decideRetention>) => decisions.filter((decision) => decision.keep).map((decision) => decision.name);
const none: RetentionRules = { keepLast: 0, keepDaily: 0, keepWeekly: 0, keepMonthly: 0 };

describe('retention (restic forget semantics)', () => {
  // 2025-01-01 is a Wednesday; 70 days run to 2025-03-11.
  const days = calendar('2025-01-01', 70);

  it.each<[string, Partial<RetentionRules>, string[]]>([
    ['keep-last 3', { keepLast: 3 }, ['2025-03-11', '2025-03-10', '2025-03-09']],
    ['keep-daily 2', { keepDaily: 2 }, ['2025-03-11', '2025-03-10']],
    // ISO weeks: 2025-03-10 (Mon) starts W11, the newest of W10 is Sunday 2025-03-09, of W09 2025-03-02.
    ['keep-weekly 3', { keepWeekly: 3 }, ['2025-03-11', '2025-03-09', '2025-03-02']],
    ['keep-monthly 3', { keepMonthly: 3 }, ['2025-03-11', '2025-02-28', '2025-01-31']],
    ['keep-monthly 12 with only 3 months', { keepMonthly: 12 }, ['2025-03-11', '2025-02-28', '2025-01-31']],
    ['rules overlap: last 2 + weekly 2', { keepLast: 2, keepWeekly: 2 }, ['2025-03-11', '2025-03-10', '2025-03-09']],
  ])('%s', (_label, rules, expected) => {
    expect(kept(decideRetention(days, { ...none, ...rules }))).toEqual(expected);
  });

  it('names every rule keeping a backup', () => {
    const decisions = decideRetention(days, { keepLast: 1, keepDaily: 1, keepWeekly: 1, keepMonthly: 1 });
    expect(decisions[0]).toEqual({ id: '2025-03-11', name: '2025-03-11', keep: true, reasons: ['last 1', 'daily 2025-03-11', 'weekly 2025-W11', 'monthly 2025-03'] });
    expect(decisions.filter((decision) => decision.keep)).toHaveLength(1);
  });

  it('takes the newest of several backups in one day', () => {
    const twice = [...calendar('2025-01-01', 2), { id: 'late', name: 'late', takenAt: new Date('2025-01-02T20:00:00Z'), verified: false }];
    expect(kept(decideRetention(twice, { ...none, keepDaily: 2 }))).toEqual(['late', '2025-01-01']);
  });

  it('buckets by the schedule time zone', () => {
    // 2025-01-01 23:30 UTC is already 2025-01-02 in Tokyo: one day in UTC, two there.
    const pair = calendar('2025-01-01', 1).concat({ id: 'late', name: 'late', takenAt: new Date('2025-01-01T23:30:00Z'), verified: false });
    expect(kept(decideRetention(pair, { ...none, keepDaily: 2 }, 'UTC'))).toEqual(['late']);
    expect(kept(decideRetention(pair, { ...none, keepDaily: 2 }, 'Asia/Tokyo'))).toEqual(['late', '2025-01-01']);
  });

  it('never drops the newest verified backup nor one in use', () => {
    const marked = calendar('2025-01-01', 10, { '2025-01-03': { verified: true }, '2025-01-01': { verified: true }, '2025-01-05': { inUse: true } });
    const decisions = decideRetention(marked, { ...none, keepLast: 2 });
    expect(kept(decisions)).toEqual(['2025-01-10', '2025-01-09', '2025-01-05', '2025-01-03']);
    expect(decisions.find((decision) => decision.name === '2025-01-03')!.reasons).toEqual(['newest verified']);
    expect(decisions.find((decision) => decision.name === '2025-01-05')!.reasons).toEqual(['in use']);
  });

  it('knows rules that keep nothing', () => {
    expect(rulesKeepSomething(none)).toBe(false);
    expect(rulesKeepSomething({ ...none, keepWeekly: 1 })).toBe(true);
  });
});
