import { AppError } from '@castline/platform';
import type { GatewayConfig } from '../config';
import { AccessTokenService } from './access-token.service';

const config = { JWT_SECRET: 'unit-test-secret-that-is-long-enough-000', ACCESS_TOKEN_TTL_SECONDS: 900 } as GatewayConfig;
const claims = { userId: '4d6e0bc6-4f40-490f-81a9-19643d016b13', email: 'a@test.castline', role: 'operator' as const, version: 3, authTime: 1_800_000_000 };

describe('AccessTokenService', () => {
  afterEach(() => jest.useRealTimers());

  it('round-trips its own tokens', async () => {
    const tokens = new AccessTokenService(config);
    const verified = await tokens.verify(await tokens.sign(claims));
    expect(verified).toEqual({ ...claims, expiresAt: expect.any(Date) });
    // JWT expiry has whole-second precision
    expect(Math.abs(verified.expiresAt.getTime() - (Date.now() + 900_000))).toBeLessThan(2_000);
  });

  it('rejects a token once it expires, even after it was verified (and remembered) before', async () => {
    jest.useFakeTimers({ now: new Date('2026-11-22T10:00:00Z') });
    const tokens = new AccessTokenService(config);
    const token = await tokens.sign(claims);
    expect(await tokens.verify(token)).toEqual({ ...claims, expiresAt: new Date('2026-11-22T10:15:00Z') });
    jest.setSystemTime(new Date('2026-11-22T10:15:01Z'));
    const error = await tokens.verify(token).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('TOKEN_EXPIRED');
  });

  it('does not accept a token signed by another instance with a different key', async () => {
    const other = new AccessTokenService({ ...config, JWT_SECRET: 'another-unit-test-secret-long-enough-111' });
    const error = await new AccessTokenService(config).verify(await other.sign(claims)).catch((caught: unknown) => caught);
    expect((error as AppError).code).toBe('TOKEN_INVALID');
  });
});
