import { onCredentialExpiry } from './live-feed';

describe('onCredentialExpiry', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-11-22T10:00:00Z') }));
  afterEach(() => jest.useRealTimers());
  const DAY_MS = 86_400_000;

  it('fires when the credential expires, not before', () => {
    const expire = jest.fn();
    onCredentialExpiry(new Date('2026-11-22T10:15:00Z'), expire);
    jest.advanceTimersByTime(15 * 60_000 - 1);
    expect(expire).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(expire).toHaveBeenCalledTimes(1);
  });

  it('waits out expiries beyond the 24.8-day limit of one timer instead of firing at once', () => {
    const expire = jest.fn();
    onCredentialExpiry(new Date(Date.now() + 90 * DAY_MS), expire);
    jest.advanceTimersByTime(89 * DAY_MS);
    expect(expire).not.toHaveBeenCalled();
    jest.advanceTimersByTime(DAY_MS);
    expect(expire).toHaveBeenCalledTimes(1);
  });

  it('fires at once for an expired credential, never for one without expiry, and not after cancelling', () => {
    const expired = jest.fn();
    onCredentialExpiry(new Date(Date.now() - 1), expired);
    expect(expired).toHaveBeenCalledTimes(1);

    const never = jest.fn();
    onCredentialExpiry(null, never);
    const cancelled = jest.fn();
    onCredentialExpiry(new Date(Date.now() + 60_000), cancelled)();
    jest.advanceTimersByTime(365 * DAY_MS);
    expect(never).not.toHaveBeenCalled();
    expect(cancelled).not.toHaveBeenCalled();
  });
});
