import { addDays, chunkRange, daysIn, todayIn } from './day-range';

describe('day ranges', () => {
  it('chunks a range into consecutive pieces of at most n days, oldest first, covering every day once', () => {
    expect(chunkRange({ since: '2024-02-27', until: '2024-03-03' }, 2)).toEqual([
      { since: '2024-02-27', until: '2024-02-28' },
      { since: '2024-02-29', until: '2024-03-01' },
      { since: '2024-03-02', until: '2024-03-03' },
    ]);
    expect(chunkRange({ since: '2024-01-01', until: '2024-01-01' }, 90)).toEqual([{ since: '2024-01-01', until: '2024-01-01' }]);
    expect(daysIn({ since: '2023-01-01', until: '2024-12-31' })).toBe(731);
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
  });

  it('takes "today" in the account time zone', () => {
    const at = new Date('2026-01-01T02:00:00Z');
    expect(todayIn('UTC', at)).toBe('2026-01-01');
    expect(todayIn('America/New_York', at)).toBe('2025-12-31');
  });
});
