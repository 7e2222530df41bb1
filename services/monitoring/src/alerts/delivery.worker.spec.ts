import { deliveryBackoff, RetryableDeliveryError } from './delivery.worker';
import { parseRetryAfter } from './receiver-sender';

describe('delivery backoff', () => {
  it('doubles from the base with ±20 % jitter, capped at an hour', () => {
    const error = new RetryableDeliveryError('status 500');
    expect(deliveryBackoff(1, error, 5_000, () => 0.5)).toBe(5_000);
    expect(deliveryBackoff(3, error, 5_000, () => 0.5)).toBe(20_000);
    expect(deliveryBackoff(3, error, 5_000, () => 0)).toBe(16_000);
    expect(deliveryBackoff(3, error, 5_000, () => 1)).toBe(24_000);
    expect(deliveryBackoff(40, error, 5_000, () => 0.5)).toBe(3_600_000);
  });

  it('takes Retry-After instead, capped at a day', () => {
    expect(deliveryBackoff(1, new RetryableDeliveryError('429', 30_000), 5_000)).toBe(30_000);
    expect(deliveryBackoff(1, new RetryableDeliveryError('429', 10 * 86_400_000), 5_000)).toBe(86_400_000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-12-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Tue, 01 Dec 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 30 Nov 2026 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
