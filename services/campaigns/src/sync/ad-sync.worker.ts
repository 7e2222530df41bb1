import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type AdSyncJob, Queues } from '@castline/contracts';
import type { AdAccount } from '@castline/db';
import { CONFIG, HANDED_BACK, type JobProcessor, Jobs, REDIS } from '@castline/platform';
import type { Redis } from 'ioredis';
import type { CampaignsConfig } from '../config';
import { AdSyncService, type SyncOutcome } from './ad-sync.service';
import { addDays, type DayRange, todayIn } from './day-range';
import { SCHEDULE_PATTERNS } from './schedules';

const TAKE = `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** The Redis key of an account's sync lock; its value `<worker>/<nonce>/<kind>` names the kind holding it. */
const accountLockKey = (accountId: string) => `ad-sync-lock:${accountId}`;
const holderKind = (token: string | null): string | null => token?.split('/')[2] ?? null;

/** The job ids and scheduler ids of one account: one backfill and one "sync now" at a time. */
export const adSyncIds = {
  backfill: (accountId: string) => `backfill-${accountId}`,
  manual: (accountId: string) => `sync-${accountId}`,
  hourly: (accountId: string) => `${accountId}:hourly`,
  lookback: (accountId: string) => `${accountId}:lookback`,
};

/**
 * Retries of a job that failed outright (a sync's own faults end in the account's status, not here). A job that
 * finds its account busy is not retried: a backfill or "sync now" waits (delayed, no attempt spent), a scheduled
 * one is skipped.
 */
const jobOptions = (lockMs: number) => ({ attempts: 20, backoff: { type: 'fixed', delay: lockMs }, removeOnComplete: true, removeOnFail: 200 }) as const;

/** Producer side: the per-account job schedulers and the one-off jobs (backfill on connect, sync now). */
@Injectable()
export class AdSyncJobs {
  private readonly queue;
  private readonly options;

  constructor(
    jobs: Jobs,
    @Inject(CONFIG) config: CampaignsConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    this.queue = jobs.queue(Queues.adSync);
    this.options = jobOptions(config.AD_SYNC_LOCK_MS);
  }

  /** Hourly today + yesterday, and the nightly lookback at 03:00 in the account's time zone. */
  async schedule(account: Pick<AdAccount, 'id' | 'platform' | 'timezone'>): Promise<void> {
    const today = todayIn(account.timezone);
    const data = { platform: account.platform, accountId: account.id, since: today, until: today };
    await this.queue.upsertScheduler(adSyncIds.hourly(account.id), { pattern: SCHEDULE_PATTERNS.hourly, timezone: account.timezone }, { name: 'hourly', data: { ...data, kind: 'hourly' }, options: this.options });
    await this.queue.upsertScheduler(adSyncIds.lookback(account.id), { pattern: SCHEDULE_PATTERNS.lookback, timezone: account.timezone }, { name: 'lookback', data: { ...data, kind: 'lookback' }, options: this.options });
  }

  async unschedule(accountId: string): Promise<void> {
    await this.queue.removeScheduler(adSyncIds.hourly(accountId));
    await this.queue.removeScheduler(adSyncIds.lookback(accountId));
  }

  async backfill(account: Pick<AdAccount, 'id' | 'platform' | 'timezone'>, days: number): Promise<{ since: string; until: string }> {
    const until = todayIn(account.timezone);
    const since = addDays(until, -(days - 1));
    await this.queue.add('backfill', { platform: account.platform, accountId: account.id, since, until, kind: 'backfill' }, { ...this.options, jobId: adSyncIds.backfill(account.id) });
    return { since, until };
  }

  /**
   * Queues the account's backfill again to go on from its cursor (`range`: the backfill's own since/until). A
   * backfill job already waiting or running is that job (false); a finished or failed one is replaced.
   */
  async continueBackfill(account: Pick<AdAccount, 'id' | 'platform'>, range: DayRange): Promise<boolean> {
    const jobId = adSyncIds.backfill(account.id);
    const existing = await this.queue.getJob(jobId);
    const state = await existing?.getState();
    if (existing && state !== 'completed' && state !== 'failed' && state !== 'unknown') return false;
    if (existing) await existing.remove().catch(() => undefined);
    await this.queue.add('backfill', { platform: account.platform, accountId: account.id, ...range, kind: 'backfill' }, { ...this.options, jobId });
    return true;
  }

  /**
   * "Sync now": while one is queued or running for the account, another is the same job (deduplicated).
   * `behind`: the kind of sync holding the account right now (this one runs after it), e.g. a long backfill.
   */
  async now(account: Pick<AdAccount, 'id' | 'platform'>, since: string, until: string): Promise<{ queued: boolean; jobId: string; behind: string | null }> {
    const jobId = adSyncIds.manual(account.id);
    const existing = await this.queue.getJob(jobId);
    const state = await existing?.getState();
    let queued = false;
    if (!existing || state === 'completed' || state === 'failed') {
      if (existing) await existing.remove().catch(() => undefined);
      await this.queue.add('manual', { platform: account.platform, accountId: account.id, since, until, kind: 'manual' }, { ...this.options, jobId });
      queued = true;
    }
    const behind = holderKind(await this.redis.get(accountLockKey(account.id)).catch(() => null));
    return { queued, jobId, behind: behind === 'manual' ? null : behind };
  }
}

/** What runLocked answers when the account's lock is held by another of its jobs. */
export interface AccountBusy {
  status: 'busy';
  /** The kind of the job holding the account (backfill, hourly, ...). */
  holder: string;
}

/**
 * Ends a job that was moved to `delayed` by the handler itself (BullMQ recognises it by this name, as its own
 * DelayedError): the job waits and runs again later without spending an attempt.
 */
class MovedToDelayed extends Error {
  override name = 'DelayedError';
}

/** Consumes `ad-sync` inside the campaigns service; one sync per account at a time (a Redis lock). */
@Injectable()
export class AdSyncWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private processor?: JobProcessor<typeof Queues.adSync>;
  private readonly logger = new Logger(AdSyncWorker.name);
  private readonly holder = randomUUID();

  constructor(
    @Inject(CONFIG) private readonly config: CampaignsConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly jobs: Jobs,
    private readonly sync: AdSyncService,
    private readonly adSyncJobs: AdSyncJobs,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.AD_SYNC_WORKER === 'off') return;
    this.processor = await this.jobs.process(Queues.adSync, async (job, { signal }) => {
      // Fetched while this worker stops (a job it just handed back, often): back to the queue before any API
      // call or run row, for the next worker.
      if (signal.aborted) return HANDED_BACK;
      const outcome = await this.handle(job.data, signal);
      if (outcome.status === 'waiting') {
        // Behind the account's running sync: due again after one lock period, without spending an attempt.
        await job.moveToDelayed(Date.now() + this.config.AD_SYNC_LOCK_MS, job.token);
        throw new MovedToDelayed(outcome.reason);
      }
      return outcome.status === 'interrupted' ? HANDED_BACK : outcome;
    }, {
      concurrency: 2,
      lockDurationMs: this.config.AD_SYNC_LOCK_MS,
      stalledIntervalMs: this.config.AD_SYNC_LOCK_MS,
      // A job whose lock lapsed (Redis restarting, a starved event loop) is safe to run again: the account lock,
      // the committed cursor and the idempotent upserts make a re-run write nothing twice. BullMQ's default (1)
      // failed a sync-now on its second lapse, so a Redis restart could lose it.
      maxStalledCount: 10,
      onCompleted: (job, outcome) => this.logger.log(`ad-sync ${job.data.kind ?? 'manual'} ${job.data.accountId}: ${JSON.stringify(outcome)}`),
      onFailed: (job, error) => this.logger.warn(`ad-sync ${job?.data.kind ?? 'manual'} ${job?.data.accountId}: ${error.message}`),
    });
  }

  /**
   * One job of the queue. While another sync holds the account, a scheduled job (hourly, lookback) is skipped
   * and recorded as a `skipped` run, the next one covering the same days; a backfill or "sync now" answers
   * `waiting` and runs once the account is free. After a clean sync, an unfinished backfill is queued again.
   */
  async handle(job: AdSyncJob, signal?: AbortSignal): Promise<SyncOutcome | { status: 'waiting'; reason: string }> {
    const outcome = await this.runLocked(job, signal);
    if (outcome.status === 'busy') {
      const reason = `Another sync of this account (${outcome.holder}) was running`;
      if (job.kind === 'hourly' || job.kind === 'lookback') {
        return this.sync.recordSkipped(job, 'account_busy', `${reason}; skipped, the next ${job.kind} run covers these days`);
      }
      return { status: 'waiting', reason: `${reason}; this ${job.kind ?? 'manual'} sync runs after it` };
    }
    if (outcome.pendingBackfill && (await this.adSyncJobs.continueBackfill({ id: job.accountId, platform: job.platform }, outcome.pendingBackfill))) {
      this.logger.log(`ad-sync backfill ${job.accountId}: queued again from its cursor`);
    }
    return outcome;
  }

  /** Runs a job while holding its account's lock (renewed as it runs); `busy` when another job holds it. */
  async runLocked(job: AdSyncJob, signal?: AbortSignal): Promise<SyncOutcome | AccountBusy> {
    const key = accountLockKey(job.accountId);
    const token = `${this.holder}/${randomUUID().slice(0, 8)}/${job.kind ?? 'manual'}`;
    if ((await this.redis.eval(TAKE, 1, key, token, String(this.config.AD_SYNC_LOCK_MS))) !== 1) {
      return { status: 'busy', holder: holderKind(await this.redis.get(key).catch(() => null)) ?? 'another job' };
    }
    const renew = setInterval(() => void this.redis.eval(TAKE, 1, key, token, String(this.config.AD_SYNC_LOCK_MS)).catch(() => undefined), this.config.AD_SYNC_LOCK_MS / 3);
    try {
      return await this.sync.run(job, signal);
    } finally {
      clearInterval(renew);
      await this.redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.processor?.close();
  }
}
