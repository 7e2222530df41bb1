import { describeAccountEvent } from './campaigns';

describe('describeAccountEvent', () => {
  const base = { accountId: '00000000-0000-4000-8000-000000000001', code: null, message: null, at: '2026-12-01T03:00:00Z' };

  it('names the account and says why it paused or failed', () => {
    expect(describeAccountEvent({ ...base, type: 'account.paused', code: 'meta_token_expired', message: 'reconnect the account' }, 'Shop Meta')).toBe(
      'Shop Meta paused: reconnect the account',
    );
    expect(describeAccountEvent({ ...base, type: 'account.error', code: 'google_unavailable' }, 'Shop Google')).toBe('Shop Google failed to sync: google_unavailable');
    expect(describeAccountEvent({ ...base, type: 'account.paused' }, 'Shop Meta')).toBe('Shop Meta paused');
  });

  it('has no toast for an account that synced again', () => {
    expect(describeAccountEvent({ ...base, type: 'account.synced' }, 'Shop Meta')).toBeNull();
  });
});
