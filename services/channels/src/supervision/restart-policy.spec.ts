import { RestartPolicy, SEED_RESTART_POLICY } from './restart-policy';

describe('RestartPolicy (seed 002: 5 restarts in 10 minutes, 30 s apart)', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('restarts the first failure at once, then keeps 30 s between restarts', () => {
    const policy = new RestartPolicy(SEED_RESTART_POLICY, clock);
    expect(policy.afterFailure('encoding')).toEqual({ action: 'restart', delayMs: 0, attempt: 1 });
    now += 5_000;
    expect(policy.afterFailure('encoding')).toEqual({ action: 'restart', delayMs: 25_000, attempt: 2 });
  });

  it('gives up on the 6th failure within 10 minutes, with the cooldown respected throughout', () => {
    const policy = new RestartPolicy(SEED_RESTART_POLICY, clock);
    const restartTimes: number[] = [];
    for (let failure = 1; failure <= 5; failure += 1) {
      const decision = policy.afterFailure('network');
      expect(decision).toMatchObject({ action: 'restart', attempt: failure });
      if (decision.action !== 'restart') throw new Error('unreachable');
      now += decision.delayMs;
      restartTimes.push(now);
      now += 1_000; // crashes one second after each restart: a crash loop
    }
    for (let index = 1; index < restartTimes.length; index += 1) {
      expect(restartTimes[index]! - restartTimes[index - 1]!).toBeGreaterThanOrEqual(30_000);
    }
    expect(policy.afterFailure('network')).toEqual({ action: 'give-up', reason: '5 automatic restarts in 10 min' });
  });

  it('forgets restarts older than the window', () => {
    const policy = new RestartPolicy(SEED_RESTART_POLICY, clock);
    for (let failure = 0; failure < 5; failure += 1) {
      policy.afterFailure('encoding');
      now += 30_000;
    }
    now += 10 * 60_000;
    expect(policy.afterFailure('encoding')).toEqual({ action: 'restart', delayMs: 0, attempt: 1 });
  });

  it('never retries a fatal failure, nor any failure when auto-restart is off', () => {
    const policy = new RestartPolicy(SEED_RESTART_POLICY, clock);
    expect(policy.afterFailure('fatal')).toEqual({ action: 'give-up', reason: 'fatal error: not retried' });
    expect(policy.afterFailure('encoding', false)).toEqual({ action: 'give-up', reason: 'auto-restart is off for this channel' });
  });

  it("lets an operator's restart skip the cooldown and reset the budget", () => {
    const policy = new RestartPolicy(SEED_RESTART_POLICY, clock);
    for (let failure = 0; failure < 5; failure += 1) {
      policy.afterFailure('encoding');
      now += 31_000;
    }
    expect(policy.afterFailure('encoding').action).toBe('give-up');
    policy.operatorRestart();
    expect(policy.afterFailure('encoding')).toEqual({ action: 'restart', delayMs: 0, attempt: 1 });
  });
});
