import { Inject, Injectable, Logger } from '@nestjs/common';
import { type AdSyncJob, Events } from '@castline/contracts';
import type { AdAccount } from '@castline/db';
import { CONFIG, EventBus } from '@castline/platform';
import { AccountCredentialsBox } from '../accounts/account-credentials';
import type { CampaignsConfig } from '../config';
import type { GoogleCredentials, GoogleLevel, GoogleRow } from '../platforms/google-ads.client';
import type { MetaCredentials, MetaInsightRow } from '../platforms/meta.client';
import type { GoogleAdsClient } from '../platforms/google-ads.client';
import { backoffMs, type CallCounters, CredentialsRejected, CustomerRefused, PlatformError, PlatformUnavailable, QuotaPaused, ReduceData, sleep } from '../platforms/platform-errors';
import { PlatformClients } from '../platforms/platform-clients';
import { addDays, chunkRange, type DayRange, dateOnly, daysIn, MAX_RANGE_DAYS } from './day-range';
import { type CampaignDayRow, type CreativeDayRow, MetricsRepository, newKnownObjects } from './metrics.repository';
import { scheduledRange } from './schedules';
import { type RunTally, SyncStateRepository } from './sync-state.repository';

export { LOOKBACK_DAYS } from './schedules';

export interface SyncOutcome {
  status: 'succeeded' | 'partial' | 'failed' | 'paused' | 'skipped' | 'interrupted';
  runId?: string;
  reason?: string;
  tally?: RunTally;
  /** The account synced cleanly but its backfill has not reached its end: the backfill job is to be queued. */
  pendingBackfill?: DayRange;
}

/** The account's backfill range while its cursor has not reached the end (null: none, or done). */
export function unfinishedBackfill(account: Pick<AdAccount, 'backfillSince' | 'backfillUntil' | 'backfillCursor'>): DayRange | null {
  if (!account.backfillSince || !account.backfillUntil) return null;
  if (account.backfillCursor && account.backfillCursor >= account.backfillUntil) return null;
  return { since: dateOnly(account.backfillSince), until: dateOnly(account.backfillUntil) };
}

const toCampaignRow = (row: MetaInsightRow | GoogleRow): CampaignDayRow => ({
  campaignExternalId: row.campaignId,
  campaignName: row.campaignName,
  date: row.date,
  impressions: row.impressions,
  clicks: row.clicks,
  spendMicros: row.spendMicros,
  conversions: row.conversions,
  revenueMicros: row.revenueMicros,
});
const toCreativeRow = (row: MetaInsightRow | GoogleRow): CreativeDayRow => ({ ...toCampaignRow(row), adExternalId: row.adId!, adName: row.adName! });

/**
 * One `ad-sync` job: reads the account's range from its platform and stores it chunk by chunk (Meta: one
 * report-run chunk per transaction; Google: one day per transaction as the stream completes it). A backfill
 * moves the account's cursor inside the same transaction, so a killed worker resumes after the last chunk
 * stored. What went wrong ends up in the account's status and the run's row, never in a retry loop.
 */
@Injectable()
export class AdSyncService {
  private readonly logger = new Logger(AdSyncService.name);

  constructor(
    @Inject(CONFIG) private readonly config: CampaignsConfig,
    private readonly state: SyncStateRepository,
    private readonly metrics: MetricsRepository,
    private readonly clients: PlatformClients,
    private readonly credentials: AccountCredentialsBox,
    private readonly events: EventBus,
  ) {}

  /** The days a job covers when it runs; null when there is nothing left (a finished backfill). */
  rangeOf(job: AdSyncJob, account: AdAccount, now = new Date()): DayRange | null {
    switch (job.kind) {
      case 'hourly':
      case 'lookback':
        return scheduledRange(job.kind, account.platform, account.timezone, now);
      case 'backfill': {
        const since = account.backfillCursor ? addDays(dateOnly(account.backfillCursor), 1) : job.since;
        return since > job.until ? null : { since: since > job.since ? since : job.since, until: job.until };
      }
      default:
        return { since: job.since, until: job.until };
    }
  }

  /**
   * An hourly run after a gap (an account paused for weeks, failing for days) starts at the last day a run
   * completed, so no day between stays unsynced: the nightly lookback reaches back 28 / 14 days only. At most
   * MAX_RANGE_DAYS.
   */
  private async withCatchUp(job: AdSyncJob, account: AdAccount, range: DayRange | null): Promise<DayRange | null> {
    if (job.kind !== 'hourly' || !range) return range;
    const last = await this.state.lastSyncedDay(account.id);
    if (!last || last >= range.since) return range;
    const earliest = addDays(range.until, -(MAX_RANGE_DAYS - 1));
    return { since: last > earliest ? last : earliest, until: range.until };
  }

  async run(job: AdSyncJob, signal?: AbortSignal): Promise<SyncOutcome> {
    let account = await this.state.account(job.accountId);
    if (!account) return { status: 'skipped', reason: 'account deleted' };
    if (account.status === 'paused') {
      if (!account.pausedUntil || account.pausedUntil > new Date()) return { status: 'skipped', reason: `paused (${account.statusCode ?? 'by an operator'})` };
      // The platform's wait is over (a daily quota reset): sync again.
      await this.state.markActive(account.id, null);
      account = (await this.state.account(account.id))!;
    }
    const range = await this.withCatchUp(job, account, this.rangeOf(job, account));
    if (!range) return { status: 'skipped', reason: 'backfill complete' };
    await this.state.closeInterrupted(account.id);
    const run = await this.state.startRun(account.id, job.kind ?? 'manual', range.since, range.until);
    const tally: RunTally = { apiCalls: 0, rowsUpserted: 0, rowsChanged: 0, throttledMs: 0 };
    const counters: CallCounters[] = [];
    const settle = () => {
      tally.apiCalls = counters.reduce((sum, each) => sum + each.apiCalls, 0);
      tally.throttledMs = counters.reduce((sum, each) => sum + each.throttledMs, 0);
    };
    try {
      const refused =
        account.platform === 'meta'
          ? (await this.syncMeta(account, range, job.kind === 'backfill', tally, counters, signal), [])
          : await this.syncGoogle(account, range, job.kind === 'backfill', tally, counters, signal);
      settle();
      const partial = refused.length > 0 ? { code: 'customers_refused', message: `Not synced: ${refused.map((each) => `${each.customerId} (${each.reason})`).join(', ')}` } : null;
      await this.state.finishRun(run.id, partial ? 'partial' : 'succeeded', tally, partial);
      await this.state.markActive(account.id, partial);
      if (account.status !== 'active') this.publish(account.id, 'account.synced', null, null);
      // A clean sync shows the account can sync again: a backfill a pause or an error stopped goes on.
      const pendingBackfill = !partial && job.kind !== 'backfill' ? (unfinishedBackfill(account) ?? undefined) : undefined;
      return { status: partial ? 'partial' : 'succeeded', runId: run.id, tally, ...(pendingBackfill ? { pendingBackfill } : {}) };
    } catch (error) {
      settle();
      if (signal?.aborted) {
        await this.state.finishRun(run.id, 'interrupted', tally, { code: 'interrupted', message: 'The worker stopped; the job goes back to the queue' });
        return { status: 'interrupted', runId: run.id, tally };
      }
      return this.fail(account, run.id, tally, error as Error);
    }
  }

  /**
   * A scheduled job that found its account busy with another sync: recorded as a `skipped` run (the next one
   * covers the same days), not retried. The running sync's run row is left alone.
   */
  async recordSkipped(job: AdSyncJob, code: string, message: string): Promise<SyncOutcome> {
    const account = await this.state.account(job.accountId);
    if (!account) return { status: 'skipped', reason: 'account deleted' };
    const range = this.rangeOf(job, account) ?? { since: job.since, until: job.until };
    const run = await this.state.startRun(account.id, job.kind ?? 'manual', range.since, range.until);
    await this.state.finishRun(run.id, 'skipped', { apiCalls: 0, rowsUpserted: 0, rowsChanged: 0, throttledMs: 0 }, { code, message });
    return { status: 'skipped', runId: run.id, reason: message };
  }

  private async fail(account: AdAccount, runId: string, tally: RunTally, error: Error): Promise<SyncOutcome> {
    if (error instanceof QuotaPaused) {
      const message = `${error.message}; syncing again after ${error.until.toISOString()}`;
      await this.state.finishRun(runId, 'paused', tally, { code: error.code, message });
      await this.state.markStatus(account.id, 'paused', error.code, message, error.until);
      this.publish(account.id, 'account.paused', error.code, message);
      return { status: 'paused', runId, tally, reason: message };
    }
    if (error instanceof CredentialsRejected) {
      await this.state.finishRun(runId, 'failed', tally, { code: error.code, message: error.message });
      await this.state.markStatus(account.id, 'paused', error.code, error.message);
      this.publish(account.id, 'account.paused', error.code, error.message);
      return { status: 'paused', runId, tally, reason: error.message };
    }
    const code = error instanceof PlatformError ? error.code : 'sync_failed';
    this.logger.error(`ad-sync ${account.platform} account ${account.id}: ${error.message}`);
    await this.state.finishRun(runId, 'failed', tally, { code, message: error.message });
    await this.state.markStatus(account.id, 'error', code, error.message);
    this.publish(account.id, 'account.error', code, error.message);
    return { status: 'failed', runId, tally, reason: error.message };
  }

  private publish(accountId: string, type: 'account.paused' | 'account.error' | 'account.synced', code: string | null, message: string | null): void {
    try {
      this.events.publish(Events.campaignEvents, { accountId, type, code, message, at: new Date().toISOString() });
    } catch (error) {
      this.logger.warn(`campaigns.events not published: ${(error as Error).message}`);
    }
  }

  /**
   * The opening token refresh under the same retry policy as the API calls: a token endpoint answering 5xx or
   * unreachable is tried again with backoff; refused credentials (invalid_grant) pause at once.
   */
  private async openGoogle(client: GoogleAdsClient, signal?: AbortSignal): Promise<void> {
    for (let tries = 0; ; tries += 1) {
      try {
        await client.token();
        return;
      } catch (error) {
        if (signal?.aborted) throw error;
        if (error instanceof PlatformError && !(error instanceof PlatformUnavailable)) throw error;
        if (tries + 1 >= this.config.AD_SYNC_MAX_ATTEMPTS) {
          throw error instanceof PlatformError ? error : new PlatformUnavailable('google_token_failed', `Google token endpoint unreachable after ${tries + 1} attempts: ${(error as Error).message}`);
        }
        const wait = backoffMs(tries, this.config.AD_SYNC_BACKOFF_MS);
        client.counters.throttledMs += wait;
        await sleep(wait, signal);
      }
    }
  }

  private async syncMeta(account: AdAccount, range: DayRange, backfill: boolean, tally: RunTally, counters: CallCounters[], signal?: AbortSignal): Promise<void> {
    const client = this.clients.meta(account.externalId, this.credentials.open<MetaCredentials>(account.id, account.credentials), signal);
    counters.push(client.counters);
    const known = newKnownObjects();
    let daysPerRun = this.config.META_DAYS_PER_RUN;
    const queue = chunkRange(range, daysPerRun);
    while (queue.length > 0) {
      const chunk = queue.shift()!;
      let campaignRows: MetaInsightRow[];
      let adRows: MetaInsightRow[];
      try {
        campaignRows = await client.insights('campaign', chunk.since, chunk.until, account.conversionActionTypes);
        adRows = await client.insights('ad', chunk.since, chunk.until, account.conversionActionTypes);
      } catch (error) {
        if (!(error instanceof ReduceData)) throw error;
        if (chunk.since === chunk.until) throw new PlatformError('meta_reduce_data', `Meta asks for less data even for the single day ${chunk.since}: ${error.message}`);
        // "Reduce the amount of data": halve the range, and keep the smaller size for the rest of the run.
        daysPerRun = Math.ceil(daysIn(chunk) / 2);
        const end = queue.length > 0 ? queue[queue.length - 1]!.until : chunk.until;
        queue.splice(0, queue.length, ...chunkRange({ since: chunk.since, until: end }, daysPerRun));
        continue;
      }
      const result = await this.metrics.transaction(async (tx) => {
        const written = await this.metrics.writeChunk(tx, account, campaignRows.map(toCampaignRow), adRows.map(toCreativeRow), known);
        if (backfill) await this.state.setBackfillCursor(tx, account.id, chunk.until);
        return written;
      });
      tally.rowsUpserted += result.upserted;
      tally.rowsChanged += result.changed;
    }
  }

  /** Returns the customers that refused (the others synced). */
  private async syncGoogle(account: AdAccount, range: DayRange, backfill: boolean, tally: RunTally, counters: CallCounters[], signal?: AbortSignal): Promise<CustomerRefused[]> {
    const client = this.clients.google(this.credentials.open<GoogleCredentials>(account.id, account.credentials), signal);
    counters.push(client.counters);
    await this.openGoogle(client, signal);
    const refused: CustomerRefused[] = [];
    const known = newKnownObjects();
    for (const customer of await this.state.customers(account.id)) {
      try {
        for (const level of ['campaign', 'ad'] as GoogleLevel[]) {
          const done = backfill ? customer.cursor?.[level] : undefined;
          const since = done && addDays(done, 1) > range.since ? addDays(done, 1) : range.since;
          if (since > range.until) continue;
          // Complete days, several per transaction (never part of one), the cursor moving with them.
          await client.streamDays(customer.id, level, since, range.until, async (days) => {
            const rows = days.flatMap((day) => day.rows);
            const result = await this.metrics.transaction(async (tx) => {
              const target = { id: account.id, platform: account.platform, currency: customer.currency || account.currency };
              const written =
                level === 'campaign'
                  ? await this.metrics.writeChunk(tx, target, rows.map(toCampaignRow), [], known)
                  : await this.metrics.writeChunk(tx, target, [], rows.map(toCreativeRow), known);
              if (backfill) await this.state.setCustomerCursor(tx, account.id, customer.id, level, days[days.length - 1]!.date);
              return written;
            });
            tally.rowsUpserted += result.upserted;
            tally.rowsChanged += result.changed;
          });
        }
        if (customer.status !== 'ok') await this.state.setCustomerStatus(account.id, customer.id, 'ok', null, null);
      } catch (error) {
        if (!(error instanceof CustomerRefused)) throw error;
        refused.push(error);
        await this.state.setCustomerStatus(account.id, customer.id, 'refused', error.reason, error.message);
      }
    }
    if (backfill && refused.length === 0) {
      // Every customer is through: the account's backfill cursor says done (a refused one is retried on resume).
      await this.metrics.transaction((tx) => this.state.setBackfillCursor(tx, account.id, range.until));
    }
    return refused;
  }
}
