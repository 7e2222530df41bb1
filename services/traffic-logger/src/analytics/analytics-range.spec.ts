import { AnalyticsRangeQuerySchema } from '@castline/contracts';
import { periodOf, resolveRange } from './analytics-range';

const now = new Date('2026-11-20T15:30:00Z');
const site = '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';

describe('resolveRange', () => {
  it('ends presets with today (UTC) and gives the same length just before', () => {
    const week = resolveRange({ range: '7d' }, now);
    expect(periodOf(week.from, week.to)).toEqual({ from: '2026-11-14', to: '2026-11-20' });
    expect(periodOf(week.previousFrom, week.from)).toEqual({ from: '2026-11-07', to: '2026-11-13' });
    expect(periodOf(resolveRange({ range: 'today' }, now).from, resolveRange({ range: 'today' }, now).to)).toEqual({ from: '2026-11-20', to: '2026-11-20' });
  });

  it('takes custom days inclusively', () => {
    const custom = resolveRange({ range: 'custom', from: '2026-10-01', to: '2026-10-31' }, now);
    expect(periodOf(custom.from, custom.to)).toEqual({ from: '2026-10-01', to: '2026-10-31' });
    expect(periodOf(custom.previousFrom, custom.from)).toEqual({ from: '2026-08-31', to: '2026-09-30' });
  });
});

describe('AnalyticsRangeQuerySchema', () => {
  const problems = (query: Record<string, unknown>) => {
    const result = AnalyticsRangeQuerySchema.safeParse({ site, ...query });
    return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
  };

  it('names the field of a bad day, a reversed or a too long range', () => {
    expect(problems({ range: 'custom', from: '2026-02-30', to: '2026-03-01' })).toEqual(['from']);
    expect(problems({ range: 'custom', from: '2026-01-01', to: '2026-13-01' })).toEqual(['to']);
    expect(problems({ range: 'custom', from: '2026-03-02', to: '2026-03-01' })).toEqual(['to']);
    expect(problems({ range: 'custom', from: '2026-01-01', to: '2026-04-03' })).toEqual(['from']);
    expect(problems({ range: 'custom' })).toEqual(['from', 'to']);
    expect(problems({ range: 'year' })).toEqual(['range']);
    expect(problems({ site: "1' OR '1'='1" })).toEqual(['site']);
  });

  it('accepts 92 days and the presets', () => {
    expect(problems({ range: 'custom', from: '2026-01-01', to: '2026-04-02' })).toEqual([]);
    expect(problems({})).toEqual([]);
    expect(problems({ range: 'today' })).toEqual([]);
  });
});
