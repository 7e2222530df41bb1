import { type CheckState, nextCheckState, type ProbeResult } from './check-state';

const now = new Date('2026-12-01T00:00:00Z');
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);
const ok = (responseTimeMs = 10, extra: Partial<ProbeResult> = {}): ProbeResult => ({ ok: true, responseTimeMs, ...extra });
const fail = (error = 'connection refused'): ProbeResult => ({ ok: false, responseTimeMs: null, error });
const limits = { retries: 2, slowMs: 500, certExpiryDays: 14 };
const initial: CheckState = { status: 'unknown', failures: 0, failingSince: null };

/** Runs results in order from `start`, one every 10 s, returning each transition. */
function run(results: ProbeResult[], start: CheckState = initial) {
  let state = start;
  return results.map((result, index) => {
    const transition = nextCheckState(state, result, limits, later(index * 10));
    state = transition.next;
    return transition;
  });
}

describe('nextCheckState', () => {
  it('is PENDING for `retries` failures, then DOWN with one outage opened at the first failure', () => {
    const steps = run([ok(), fail(), fail(), fail(), fail()]);
    expect(steps.map((s) => s.next.status)).toEqual(['up', 'pending', 'pending', 'down', 'down']);
    expect(steps.map((s) => s.outage)).toEqual([null, null, null, 'opened', null]);
    expect(steps[3]!.next).toEqual({ status: 'down', failures: 3, failingSince: later(10) });
    expect(steps[3]!.reason).toBe('connection refused');
  });

  it('closes the outage when a DOWN check passes, and a recovered PENDING streak is no outage', () => {
    expect(run([fail(), fail(), fail(), ok()]).map((s) => [s.next.status, s.outage])).toEqual([
      ['pending', null],
      ['pending', null],
      ['down', 'opened'],
      ['up', 'closed'],
    ]);
    expect(run([ok(), fail(), ok()]).map((s) => [s.next.status, s.outage, s.changed])).toEqual([
      ['up', null, true],
      ['pending', null, true],
      ['up', null, true],
    ]);
  });

  it('goes DOWN on the first failure without retries', () => {
    expect(nextCheckState(initial, fail(), { ...limits, retries: 0 }, now)).toMatchObject({ next: { status: 'down' }, outage: 'opened' });
  });

  it('is DEGRADED when slow or when the certificate expires soon, UP otherwise', () => {
    expect(nextCheckState(initial, ok(501), limits, now)).toMatchObject({ next: { status: 'degraded' }, reason: 'answered in 501 ms, slower than 500 ms' });
    expect(nextCheckState(initial, ok(500), limits, now).next.status).toBe('up');
    expect(nextCheckState(initial, ok(10, { certExpiresAt: later(13 * 86_400) }), limits, now).next.status).toBe('degraded');
    expect(nextCheckState(initial, ok(10, { certExpiresAt: later(15 * 86_400) }), limits, now).next.status).toBe('up');
    expect(nextCheckState(initial, ok(9_999), { retries: 0, slowMs: null, certExpiryDays: null }, now).next.status).toBe('up');
  });

  it('closes an outage when a DOWN check comes back DEGRADED', () => {
    const down: CheckState = { status: 'down', failures: 5, failingSince: now };
    expect(nextCheckState(down, ok(900), limits, later(10))).toMatchObject({ next: { status: 'degraded', failures: 0, failingSince: null }, outage: 'closed' });
  });
});
