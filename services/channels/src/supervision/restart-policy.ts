/** Why FFmpeg stopped, as far as the supervisor can tell (seed 002 error categories). */
export type FailureCategory = 'network' | 'encoding' | 'resource' | 'fatal';

export interface RestartPolicyOptions {
  /** Automatic restarts allowed within `windowMs` before the channel goes to `error` (seed 002: 5). */
  maxRestarts: number;
  /** Sliding window for `maxRestarts` (seed 002: 10 minutes). */
  windowMs: number;
  /** Least time between two automatic restarts (seed 002: 30 s). */
  cooldownMs: number;
}

export const SEED_RESTART_POLICY: RestartPolicyOptions = { maxRestarts: 5, windowMs: 10 * 60_000, cooldownMs: 30_000 };

export type RestartDecision =
  | { action: 'restart'; delayMs: number; attempt: number }
  | { action: 'give-up'; reason: string };

/**
 * Decides what happens after a channel's FFmpeg fails. Pure apart from the injected clock, so the rules are
 * unit-tested without waiting: at most `maxRestarts` automatic restarts in any `windowMs`, at least
 * `cooldownMs` apart; a fatal failure (invalid source, 4xx, unsupported input) is never retried; an
 * operator's restart is always allowed, immediately, and starts a fresh budget.
 */
export class RestartPolicy {
  private restarts: number[] = [];

  constructor(
    private readonly options: RestartPolicyOptions = SEED_RESTART_POLICY,
    private readonly now: () => number = Date.now,
  ) {}

  afterFailure(category: FailureCategory, autoRestart = true): RestartDecision {
    if (category === 'fatal') return { action: 'give-up', reason: 'fatal error: not retried' };
    if (!autoRestart) return { action: 'give-up', reason: 'auto-restart is off for this channel' };
    const now = this.now();
    this.restarts = this.restarts.filter((at) => now - at < this.options.windowMs);
    if (this.restarts.length >= this.options.maxRestarts) {
      const minutes = Math.round(this.options.windowMs / 60_000);
      return { action: 'give-up', reason: `${this.restarts.length} automatic restarts in ${minutes} min` };
    }
    const last = this.restarts.at(-1);
    const delayMs = last === undefined ? 0 : Math.max(0, last + this.options.cooldownMs - now);
    this.restarts.push(now + delayMs);
    return { action: 'restart', delayMs, attempt: this.restarts.length };
  }

  /** An operator pressed restart: no cooldown, and the automatic budget starts over. */
  operatorRestart(): void {
    this.restarts = [];
  }
}
