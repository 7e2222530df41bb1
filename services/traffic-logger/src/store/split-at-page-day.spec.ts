import type { SearchQuery } from './traffic-store';
import { splitAtPageDay } from './postgres-traffic-store';

const base: SearchQuery = {
  source: 'requests',
  from: new Date('2026-11-01T00:00:00Z'),
  to: new Date('2026-11-30T12:00:00Z'),
  sort: 'newest',
  limit: 50,
  after: null,
  withIp: false,
  utm: {},
};
const range = (query: SearchQuery | null) => (query ? [query.from.toISOString(), query.to.toISOString()] : null);

describe('splitAtPageDay', () => {
  it('newest first, first page: the range end’s day, then everything before it', () => {
    const [near, rest] = splitAtPageDay(base);
    expect(range(near)).toEqual(['2026-11-30T00:00:00.000Z', '2026-11-30T12:00:00.000Z']);
    expect(range(rest)).toEqual(['2026-11-01T00:00:00.000Z', '2026-11-30T00:00:00.000Z']);
  });

  it('newest first, a range ending at midnight: the day before it, not an empty one', () => {
    const [near, rest] = splitAtPageDay({ ...base, to: new Date('2026-11-30T00:00:00Z') });
    expect(range(near)).toEqual(['2026-11-29T00:00:00.000Z', '2026-11-30T00:00:00.000Z']);
    expect(range(rest)).toEqual(['2026-11-01T00:00:00.000Z', '2026-11-29T00:00:00.000Z']);
  });

  it('newest first, with a cursor: the cursor’s day; the keyset condition stays on both parts', () => {
    const after = { ts: '2026-11-12T06:02:09.600123Z', id: 'r1' };
    const [near, rest] = splitAtPageDay({ ...base, after });
    expect(range(near)).toEqual(['2026-11-12T00:00:00.000Z', '2026-11-30T12:00:00.000Z']);
    expect(range(rest)).toEqual(['2026-11-01T00:00:00.000Z', '2026-11-12T00:00:00.000Z']);
    expect([near.after, rest!.after]).toEqual([after, after]);
  });

  it('oldest first: from the range start’s (or the cursor’s) day onward', () => {
    const [near, rest] = splitAtPageDay({ ...base, sort: 'oldest', from: new Date('2026-11-01T08:00:00Z') });
    expect(range(near)).toEqual(['2026-11-01T08:00:00.000Z', '2026-11-02T00:00:00.000Z']);
    expect(range(rest)).toEqual(['2026-11-02T00:00:00.000Z', '2026-11-30T12:00:00.000Z']);
    const [cursorDay] = splitAtPageDay({ ...base, sort: 'oldest', after: { ts: '2026-11-20T23:59:59.999999Z', id: 'r2' } });
    expect(range(cursorDay)).toEqual(['2026-11-01T00:00:00.000Z', '2026-11-21T00:00:00.000Z']);
  });

  it('does not split a range within one day, nor on a cursor it cannot read', () => {
    const oneDay = { ...base, from: new Date('2026-11-30T01:00:00Z') };
    expect(splitAtPageDay(oneDay)).toEqual([oneDay, null]);
    const unreadable = { ...base, after: { ts: 'not a time', id: 'x' } };
    expect(splitAtPageDay(unreadable)).toEqual([unreadable, null]);
  });
});
