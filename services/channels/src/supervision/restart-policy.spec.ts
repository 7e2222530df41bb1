import { RestartPolicy, SEED_RESTART_POLICY } from './restart-policy';

describe('RestartPolicy (seed 002: 5 restarts in 10 minutes, 30 s apart; then a growing cooldown)', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('restarts the first failure at once, then keeps 30 s between restarts of runs that never got on the air', () => {
    const policy = new RestartPolicy(SEED_RESTART_POLICY, clock);
    expect(policy.afterFailure('network')).toEqual({ action: 'restart', delayMs: 0, attempt: 1 });
    now += 5_000;
    expect(policy.afterFailure('network')).toEqual({ action: 'restart', delayMs: 25_000, attempt: 2 });
  });

  it('restarts a run that was on the air at once, even right after another restart', () => {
    const policy = new RestartPolicy(SEED_RESTART_POLICY, clock);
    policy.afterFailure('crash', true, true);
    now += 2_000;
    expect(policy.afterFailure('crash', true, true)).toEqual({ action: 'restart', delayMs: 0, attempt: 2 });
  });

  it('turns a crash loop into a cooldown that doubles up to the cap, never a give-up', () => {
    const policy = new RestartPolicy({ ...SEED_RESTART_POLICY, windowMs: 60 * 60_000 }, clock);
    for (let failure = 1; failure <= 5; failure += 1) {
      expect(policy.afterFailure('crash', true, true)).toMatchObject({ action: 'restart', attempt: failure });
      now += 1_000;
    }
    const delays: number[] = [];
    for (let failure = 0; failure < 6; failure += 1) {
      const decision = policy.afterFailure('crash', true, true);
      expect(decision).toMatchObject({ action: 'cooldown', reason: expect.stringMatching(/automatic restarts in 60 min$/) });
      if (decision.action !== 'cooldown') throw new Error('unreachable');
      delays.push(decision.delayMs);
      now += decision.delayMs + 1_000;
    }
    expect(delays).toEqual([30_000, 60_000, 120_000, 240_000, 300_000, 300_000]);
  });

  it('forgets restarts older than the window, and the cooldown with them', () => {
    const policy = new RestartPolicy(SEED_RESTART_POLICY, clock);
    for (let failure = 0; failure < 6; failure += 1) {
      policy.afterFailure('encoding', true, true);
      now += 1_000;
    }
    now += 11 * 60_000;
    expect(policy.afterFailure('encoding')).toEqual({ action: 'restart', delayMs: 0, attempt: 1 });
  });

  it('gives up only when auto-restart is off', () => {
    const policy = new RestartPolicy(SEED_RESTART_POLICY, clock);
    expect(policy.afterFailure('fatal')).toMatchObject({ action: 'restart' });
    expect(policy.afterFailure('encoding', false)).toEqual({ action: 'give-up', reason: 'auto-restart is off for this channel' });
  });

  it("lets an operator's restart skip the cooldown and reset the budget", () => {
    const policy = new RestartPolicy(SEED_RESTART_POLICY, clock);
    for (let failure = 0; failure < 5; failure += 1) policy.afterFailure('encoding', true, true);
    expect(policy.afterFailure('encoding').action).toBe('cooldown');
    policy.operatorRestart();
    expect(policy.afterFailure('encoding')).toEqual({ action: 'restart', delayMs: 0, attempt: 1 });
  });
});
