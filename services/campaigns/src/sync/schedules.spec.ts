import { LOOKBACK_DAYS, SCHEDULE_PATTERNS, scheduledRange } from './schedules';

describe('scheduled sync ranges', () => {
  it('hourly: yesterday and today, "today" being the account time zone\'s', () => {
    // 02:00 UTC on Jan 1st is still Dec 31st in New York and already Jan 1st in Tokyo.
    const at = new Date('2026-01-01T02:00:00Z');
    expect(scheduledRange('hourly', 'meta', 'UTC', at)).toEqual({ since: '2025-12-31', until: '2026-01-01' });
    expect(scheduledRange('hourly', 'meta', 'America/New_York', at)).toEqual({ since: '2025-12-30', until: '2025-12-31' });
    expect(scheduledRange('hourly', 'google', 'Asia/Tokyo', new Date('2026-03-01T16:00:00Z'))).toEqual({ since: '2026-03-01', until: '2026-03-02' });
  });

  it('lookback: Meta 28 days before today, Google 14, in the account time zone', () => {
    expect(LOOKBACK_DAYS).toEqual({ meta: 28, google: 14 });
    const at = new Date('2026-03-10T03:00:00Z');
    expect(scheduledRange('lookback', 'meta', 'UTC', at)).toEqual({ since: '2026-02-10', until: '2026-03-10' });
    expect(scheduledRange('lookback', 'google', 'UTC', at)).toEqual({ since: '2026-02-24', until: '2026-03-10' });
    // 03:00 in Los Angeles is 11:00 UTC the same day; at 03:00 UTC it is still the day before there.
    expect(scheduledRange('lookback', 'google', 'America/Los_Angeles', at)).toEqual({ since: '2026-02-23', until: '2026-03-09' });
  });

  it('patterns: every hour on the hour; the lookback at 03:00 (read in the account time zone)', () => {
    expect(SCHEDULE_PATTERNS).toEqual({ hourly: '0 * * * *', lookback: '0 3 * * *' });
  });
});
