import { type ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { ErrorCodes } from '@castline/contracts';
import { AppError } from '@castline/platform';
import type { FastifyReply } from 'fastify';

export const LOGIN_PER_IP = 'login-ip';
export const LOGIN_PER_ACCOUNT = 'login-account';

/** Tracks login attempts per client IP and per account (the email tried), whichever runs out first. */
export function loginTracker(throttler: string) {
  return (request: { ip?: unknown; body?: unknown }): string => {
    if (throttler === LOGIN_PER_IP) return String(request.ip);
    const email = (request.body as { email?: unknown } | undefined)?.email;
    return typeof email === 'string' ? email.trim().toLowerCase() : `ip:${String(request.ip)}`;
  };
}

@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    void reply.header('Retry-After', String(detail.timeToBlockExpire));
    throw new AppError(
      ErrorCodes.rateLimited,
      `Too many login attempts; try again in ${detail.timeToBlockExpire} s`,
      HttpStatus.TOO_MANY_REQUESTS,
      { retryAfterSeconds: detail.timeToBlockExpire },
    );
  }
}
