import { createHmac } from 'node:crypto';
import {
  backoffMs,
  type CallCounters,
  CredentialsRejected,
  decimalToMicros,
  PlatformError,
  type PlatformDayRow,
  PlatformUnavailable,
  ReduceData,
  sleep,
} from './platform-errors';
import { DEFAULT_PACER, readUsage, UsagePacer } from './usage-pacer';

export interface MetaCredentials {
  accessToken: string;
  appSecret: string;
}

export interface MetaClientOptions {
  baseUrl: string;
  version: string;
  /** Between polls of a report run. */
  pollIntervalMs: number;
  /** A run whose percentage has not moved for this long is stuck: it is replaced once. */
  stuckAfterMs: number;
  /** First backoff step; doubles per attempt, with jitter, never below what the platform asked for. */
  backoffBaseMs: number;
  maxAttempts: number;
  pageSize: number;
}

export const DEFAULT_META_OPTIONS: Omit<MetaClientOptions, 'baseUrl' | 'version'> = {
  pollIntervalMs: 2_000,
  stuckAfterMs: 10 * 60_000,
  backoffBaseMs: 1_000,
  maxAttempts: 6,
  pageSize: 500,
};

export type MetaLevel = 'campaign' | 'ad';

export type MetaInsightRow = PlatformDayRow;

export interface MetaAccountInfo {
  id: string;
  name: string;
  currency: string;
  timezone: string;
}

interface GraphError {
  code: number;
  error_subcode?: number;
  message: string;
}

/** Codes Meta answers when a rate limit is hit: wait (at least the regain time) and try again. */
export const META_THROTTLING_CODES = new Set([4, 17, 32, 613, ...Array.from({ length: 15 }, (_, i) => 80_000 + i)]);
const META_RETRY_CODES = new Set([2, 960]);

/**
 * The Marketing API client of one ad account: insights as async report runs (create, poll, read pages by
 * cursor), paced by the usage headers, with the error codes turned into the sync's decisions
 * (platform-errors.ts). It counts its calls and the time it waited.
 */
export class MetaClient {
  readonly counters: CallCounters = { apiCalls: 0, throttledMs: 0 };
  readonly pacer = new UsagePacer(DEFAULT_PACER);
  private readonly proof: string;
  private readonly options: MetaClientOptions;

  constructor(
    private readonly accountId: string,
    private readonly credentials: MetaCredentials,
    options: Partial<MetaClientOptions> & Pick<MetaClientOptions, 'baseUrl' | 'version'>,
    private readonly signal?: AbortSignal,
  ) {
    this.options = { ...DEFAULT_META_OPTIONS, ...options };
    this.proof = createHmac('sha256', credentials.appSecret).update(credentials.accessToken).digest('hex');
  }

  /** The account's name, currency and time zone; the connect check. */
  async account(): Promise<MetaAccountInfo> {
    const body = (await this.call('GET', `act_${this.accountId}`, { fields: 'account_id,name,currency,timezone_name' })) as Record<string, string>;
    return { id: body.account_id ?? this.accountId, name: body.name ?? '', currency: body.currency ?? '', timezone: body.timezone_name ?? 'UTC' };
  }

  /**
   * Every row of [since, until] at one level, by day (time_increment=1), through one async report run. A run
   * that fails or gets stuck is replaced once; a second failure is PlatformUnavailable.
   */
  async insights(level: MetaLevel, since: string, until: string, conversionTypes: readonly string[]): Promise<MetaInsightRow[]> {
    for (let attempt = 0; ; attempt += 1) {
      const runId = await this.startRun(level, since, until);
      const outcome = await this.waitForRun(runId);
      if (outcome === 'completed') return this.readRun(runId, level, conversionTypes);
      if (attempt >= 1) throw new PlatformUnavailable('meta_report_failed', `The report run for ${since}..${until} ${outcome} twice; giving up until the next sync`);
    }
  }

  private async startRun(level: MetaLevel, since: string, until: string): Promise<string> {
    const fields = ['campaign_id', 'campaign_name', ...(level === 'ad' ? ['ad_id', 'ad_name'] : []), 'impressions', 'clicks', 'spend', 'actions', 'action_values'];
    const body = (await this.call('POST', `act_${this.accountId}/insights`, {
      level,
      fields: fields.join(','),
      time_range: JSON.stringify({ since, until }),
      time_increment: '1',
      action_breakdowns: 'action_type',
    })) as { report_run_id?: string };
    if (!body.report_run_id) throw new PlatformUnavailable('meta_bad_response', 'The insights call answered no report_run_id');
    return body.report_run_id;
  }

  private async waitForRun(runId: string): Promise<'completed' | 'failed' | 'stuck'> {
    let percent = -1;
    let movedAt = Date.now();
    for (;;) {
      const run = (await this.call('GET', runId, { fields: 'async_status,async_percent_completion' })) as { async_status?: string; async_percent_completion?: number };
      if (run.async_status === 'Job Completed') return 'completed';
      if (run.async_status === 'Job Failed' || run.async_status === 'Job Skipped') return 'failed';
      const now = Date.now();
      if ((run.async_percent_completion ?? 0) !== percent) {
        percent = run.async_percent_completion ?? 0;
        movedAt = now;
      } else if (now - movedAt >= this.options.stuckAfterMs) {
        return 'stuck';
      }
      await sleep(this.options.pollIntervalMs, this.signal);
    }
  }

  private async readRun(runId: string, level: MetaLevel, conversionTypes: readonly string[]): Promise<MetaInsightRow[]> {
    const rows: MetaInsightRow[] = [];
    let after: string | undefined;
    for (;;) {
      const page = (await this.call('GET', `${runId}/insights`, { limit: String(this.options.pageSize), ...(after ? { after } : {}) })) as {
        data?: Array<Record<string, unknown>>;
        paging?: { cursors?: { after?: string }; next?: string };
      };
      for (const row of page.data ?? []) rows.push(toRow(row, level, conversionTypes));
      after = page.paging?.cursors?.after;
      if (!page.paging?.next || !after) return rows;
    }
  }

  /** One Graph call with pacing before it and the error policy after it. */
  private async call(method: 'GET' | 'POST', path: string, params: Record<string, string>): Promise<unknown> {
    for (let attempt = 0; ; attempt += 1) {
      await this.pacer.beforeCall(this.counters, this.signal);
      const url = new URL(`${this.options.baseUrl.replace(/\/$/, '')}/${this.options.version}/${path}`);
      const all = { ...params, access_token: this.credentials.accessToken, appsecret_proof: this.proof };
      const init: RequestInit = { method, signal: this.signal };
      if (method === 'GET') for (const [key, value] of Object.entries(all)) url.searchParams.set(key, value);
      else init.body = new URLSearchParams(all);
      this.counters.apiCalls += 1;
      let response: Response;
      try {
        response = await fetch(url, init);
      } catch (error) {
        if (this.signal?.aborted) throw error;
        if (attempt + 1 >= this.options.maxAttempts) throw new PlatformUnavailable('meta_unreachable', `Graph API unreachable: ${(error as Error).message}`);
        await this.wait(backoffMs(attempt, this.options.backoffBaseMs));
        continue;
      }
      const usage = readUsage(response.headers);
      this.pacer.observe(usage);
      const body = (await response.json().catch(() => ({}))) as { error?: GraphError };
      if (response.ok && !body.error) return body;
      const error: GraphError = body.error ?? { code: response.status, message: `HTTP ${response.status}` };
      if (error.code === 190) {
        throw new CredentialsRejected('meta_token_expired', `Meta refused the access token (${error.message}); reconnect the account`);
      }
      if (error.code === 1 && path.endsWith('/insights') && method === 'POST') throw new ReduceData(error.message);
      const throttled = META_THROTTLING_CODES.has(error.code);
      const retryable = throttled || META_RETRY_CODES.has(error.code) || response.status >= 500 || error.code === 1;
      if (!retryable) throw new PlatformError(`meta_error_${error.code}`, `Graph API error ${error.code}: ${error.message}`);
      if (attempt + 1 >= this.options.maxAttempts) {
        throw new PlatformUnavailable(throttled ? 'meta_throttled' : 'meta_unavailable', `Graph API error ${error.code} after ${attempt + 1} attempts: ${error.message}`);
      }
      // Throttled: never retry before the headers say the meter recovers (estimated_time_to_regain_access,
      // reset_time_duration), jitter on top.
      const floor = throttled ? usage.recoverMs : 0;
      await this.wait(backoffMs(attempt, this.options.backoffBaseMs, floor));
    }
  }

  private async wait(ms: number): Promise<void> {
    this.counters.throttledMs += ms;
    await sleep(ms, this.signal);
  }
}

function actionValue(list: unknown, types: readonly string[]): string {
  if (!Array.isArray(list)) return '0';
  let micros = 0n;
  for (const entry of list as Array<{ action_type?: string; value?: string }>) {
    if (entry.action_type && types.includes(entry.action_type)) micros += decimalToMicros(entry.value ?? '0');
  }
  return microsToDecimalString(micros);
}

function microsToDecimalString(micros: bigint): string {
  const sign = micros < 0n ? '-' : '';
  const abs = micros < 0n ? -micros : micros;
  return `${sign}${abs / 1_000_000n}.${String(abs % 1_000_000n).padStart(6, '0')}`;
}

function toRow(row: Record<string, unknown>, level: MetaLevel, conversionTypes: readonly string[]): MetaInsightRow {
  return {
    date: String(row.date_start),
    campaignId: String(row.campaign_id),
    campaignName: String(row.campaign_name ?? row.campaign_id),
    ...(level === 'ad' ? { adId: String(row.ad_id), adName: String(row.ad_name ?? row.ad_id) } : {}),
    impressions: BigInt(String(row.impressions ?? '0')),
    clicks: BigInt(String(row.clicks ?? '0')),
    spendMicros: decimalToMicros(String(row.spend ?? '0')),
    conversions: actionValue(row.actions, conversionTypes),
    revenueMicros: decimalToMicros(actionValue(row.action_values, conversionTypes)),
  };
}
