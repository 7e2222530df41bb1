/**
 * Why FFmpeg stopped, as far as the supervisor can tell (seed 002 error categories, plus `crash`: killed by
 * a signal the platform did not send).
 */
export type FailureCategory = 'network' | 'encoding' | 'crash' | 'resource' | 'fatal';

export interface RestartPolicyOptions {
  /** Automatic restarts within `windowMs` before the channel counts as crash-looping (seed 002: 5). */
  maxRestarts: number;
  /** Sliding window for `maxRestarts` (seed 002: 10 minutes). */
  windowMs: number;
  /** Least time between two automatic restarts of runs that never got on the air (seed 002: 30 s). */
  cooldownMs: number;
  /** Cap of the growing wait once crash-looping (default 5 minutes). */
  backoffMaxMs: number;
}

export const SEED_RESTART_POLICY: RestartPolicyOptions = { maxRestarts: 5, windowMs: 10 * 60_000, cooldownMs: 30_000, backoffMaxMs: 5 * 60_000 };

export type RestartDecision =
  | { action: 'restart'; delayMs: number; attempt: number }
  /** Crash loop: alert, wait (growing, capped), then try again; never a permanent error. */
  | { action: 'cooldown'; delayMs: number; reason: string }
  | { action: 'give-up'; reason: string };

/**
 * Decides what happens after a channel's FFmpeg fails. Pure apart from the injected clock, so the rules are
 * unit-tested without waiting: a run that was on the air restarts at once (`immediate`), others at least
 * `cooldownMs` apart; more than `maxRestarts` in any `windowMs` is a crash loop that waits `cooldownMs`,
 * then twice that, ... up to `backoffMaxMs` before each further try; only a channel whose auto-restart is off
 * is given up; an operator's restart is always allowed, immediately, and starts a fresh budget.
 */
export class RestartPolicy {
  private restarts: number[] = [];
  private cooldowns = 0;

  constructor(
    private readonly options: RestartPolicyOptions = SEED_RESTART_POLICY,
    private readonly now: () => number = Date.now,
  ) {}

  afterFailure(_category: FailureCategory, autoRestart = true, immediate = false): RestartDecision {
    if (!autoRestart) return { action: 'give-up', reason: 'auto-restart is off for this channel' };
    const now = this.now();
    this.restarts = this.restarts.filter((at) => now - at < this.options.windowMs);
    if (this.restarts.length >= this.options.maxRestarts) {
      this.cooldowns += 1;
      const base = Math.max(this.options.cooldownMs, 1_000);
      const delayMs = Math.min(this.options.backoffMaxMs, base * 2 ** (this.cooldowns - 1));
      this.restarts.push(now + delayMs);
      const minutes = Math.round(this.options.windowMs / 60_000);
      return { action: 'cooldown', delayMs, reason: `${this.restarts.length - 1} automatic restarts in ${minutes} min` };
    }
    this.cooldowns = 0;
    const last = this.restarts.at(-1);
    const delayMs = immediate || last === undefined ? 0 : Math.max(0, last + this.options.cooldownMs - now);
    this.restarts.push(now + delayMs);
    return { action: 'restart', delayMs, attempt: this.restarts.length };
  }

  /** An operator pressed restart: no cooldown, and the automatic budget starts over. */
  operatorRestart(): void {
    this.restarts = [];
    this.cooldowns = 0;
  }
}
