import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ErrorCodes } from '@castline/contracts';
import { AppError, CONFIG, REDIS } from '@castline/platform';
import type { Redis } from 'ioredis';
import type { GatewayConfig } from '../config';

/** The longest an attempt on an account under attack from many addresses is held back. */
const MAX_DELAY_MS = 10_000;
const BASE_DELAY_MS = 250;

type LimiterConfig = Pick<GatewayConfig, 'LOGIN_LIMIT_PER_IP' | 'LOGIN_LIMIT_PER_ACCOUNT' | 'LOGIN_WINDOW_SECONDS'>;

/**
 * Login limits that cannot be turned against a user. Only failed attempts count, in Redis for
 * LOGIN_WINDOW_SECONDS:
 * - per client address (LOGIN_LIMIT_PER_IP): password spraying from one address is blocked;
 * - per (account, address) (LOGIN_LIMIT_PER_ACCOUNT): guessing one account's password from one address is blocked;
 * - per account across addresses: never a block (anyone could lock the admin out), but each attempt beyond
 *   LOGIN_LIMIT_PER_ACCOUNT failures waits twice as long as the one before, up to 10 s.
 * A success resets the account's counters (its own and this address's for it). The address counter is not
 * reset by a success: one valid account must not buy unlimited guesses at the others.
 */
@Injectable()
export class LoginLimiter {
  constructor(
    @Inject(CONFIG) private readonly config: LimiterConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** Refuses with 429 when this address, or this account from this address, failed too often; else waits the account's delay. */
  async beforeAttempt(email: string, ip: string): Promise<void> {
    const account = email.trim().toLowerCase();
    const [perIp, perAccountIp, perAccount] = await this.redis.mget(ipKey(ip), accountIpKey(account, ip), accountKey(account));
    if (Number(perIp) >= this.config.LOGIN_LIMIT_PER_IP) await this.refuse(ipKey(ip));
    if (Number(perAccountIp) >= this.config.LOGIN_LIMIT_PER_ACCOUNT) await this.refuse(accountIpKey(account, ip));
    const excess = Number(perAccount) - this.config.LOGIN_LIMIT_PER_ACCOUNT;
    if (excess > 0) await sleep(Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(excess - 1, 16)));
  }

  async failed(email: string, ip: string): Promise<void> {
    const account = email.trim().toLowerCase();
    const window = this.config.LOGIN_WINDOW_SECONDS;
    const multi = this.redis.multi();
    for (const key of [ipKey(ip), accountIpKey(account, ip), accountKey(account)]) multi.incr(key).expire(key, window);
    await multi.exec();
  }

  async succeeded(email: string, ip: string): Promise<void> {
    const account = email.trim().toLowerCase();
    await this.redis.del(accountIpKey(account, ip), accountKey(account));
  }

  private async refuse(key: string): Promise<never> {
    const ttl = await this.redis.ttl(key);
    const retryAfterSeconds = ttl > 0 ? ttl : this.config.LOGIN_WINDOW_SECONDS;
    throw new AppError(ErrorCodes.rateLimited, `Too many failed login attempts; try again in ${retryAfterSeconds} s`, HttpStatus.TOO_MANY_REQUESTS, {
      retryAfterSeconds,
    });
  }
}

const ipKey = (ip: string) => `login-failures:ip:${ip}`;
const accountIpKey = (account: string, ip: string) => `login-failures:account-ip:${account}:${ip}`;
const accountKey = (account: string) => `login-failures:account:${account}`;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
