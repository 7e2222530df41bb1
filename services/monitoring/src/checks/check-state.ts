import type { CheckStatus } from '@castline/contracts';

/** What one run of a check found. */
export interface ProbeResult {
  ok: boolean;
  responseTimeMs: number | null;
  statusCode?: number | null;
  error?: string | null;
  certExpiresAt?: Date | null;
}

export interface CheckState {
  status: CheckStatus;
  /** Failed runs in a row. */
  failures: number;
  /** When the current failing streak began (the first failed run), null while passing. */
  failingSince: Date | null;
}

export interface CheckLimits {
  retries: number;
  slowMs: number | null;
  certExpiryDays: number | null;
}

export interface Transition {
  next: CheckState;
  /** The status this run's sample records (PENDING runs are recorded as pending). */
  sampleStatus: CheckStatus;
  changed: boolean;
  /** An outage begins (the check just went DOWN) or ends (it was DOWN and now passes). */
  outage: 'opened' | 'closed' | null;
  reason: string | null;
}

const DAY_MS = 86_400_000;

/**
 * The check state machine: a failed run is PENDING while the failures in a row are at most `retries`, then
 * DOWN; a passing run is UP, or DEGRADED when slower than `slowMs` or its certificate expires within
 * `certExpiryDays`. An outage (uptime_records row) spans DOWN only: a PENDING streak that recovers is none.
 */
export function nextCheckState(previous: CheckState, result: ProbeResult, limits: CheckLimits, now: Date): Transition {
  let next: CheckState;
  let reason: string | null = null;
  if (result.ok) {
    const slow = limits.slowMs !== null && result.responseTimeMs !== null && result.responseTimeMs > limits.slowMs;
    const certSoon =
      limits.certExpiryDays !== null && result.certExpiresAt != null && result.certExpiresAt.getTime() - now.getTime() < limits.certExpiryDays * DAY_MS;
    if (slow) reason = `answered in ${result.responseTimeMs} ms, slower than ${limits.slowMs} ms`;
    else if (certSoon) reason = `certificate expires ${result.certExpiresAt!.toISOString()}`;
    next = { status: slow || certSoon ? 'degraded' : 'up', failures: 0, failingSince: null };
  } else {
    const failures = previous.failures + 1;
    reason = result.error ?? 'failed';
    next = {
      status: failures > limits.retries ? 'down' : previous.status === 'down' ? 'down' : 'pending',
      failures,
      failingSince: previous.failingSince ?? now,
    };
  }
  const outage = next.status === 'down' && previous.status !== 'down' ? 'opened' : previous.status === 'down' && next.status !== 'down' ? 'closed' : null;
  return { next, sampleStatus: next.status, changed: next.status !== previous.status, outage, reason };
}
