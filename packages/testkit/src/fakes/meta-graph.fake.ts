import { createHmac, randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { CallWindow, daysBetween, type FakeAccountSpec, FakeAdData, type FakeAdDay, microsToDecimal } from './ad-data';

/**
 * A local Graph API (Marketing API insights) with the behaviour a Meta sync has to survive. Its limits are in
 * ./README.md; they are options here so tests can make them small.
 */
export interface MetaFakeOptions {
  version?: string;
  appSecret?: string;
  /** Calls per ad account per sliding window; the call that would exceed it is rejected with code 80000. */
  callsPerWindow?: number;
  windowMs?: number;
  /** A report run over more days than this, or more rows than maxRowsPerRun, fails with code 1. */
  maxDaysPerRun?: number;
  maxRowsPerRun?: number;
  /** Rows per insights page (`limit` is capped to it). */
  pageSize?: number;
  /** Polls a run takes to reach "Job Completed" (1: the first poll sees it done). */
  pollsToComplete?: number;
  /** The action type the fake reports conversions and their values under. */
  conversionActionType?: string;
  seed?: string;
  /** What each usage header reports (default: all three follow the rate-limit window). */
  usageHeaders?: MetaUsageHeaders;
}

/**
 * One usage header's content: 'window' follows the rate-limit window (the default), 'off' leaves the header
 * out, a fixed reading reports that percentage on every answer (`regainMinutes`, fractions allowed, goes into
 * X-Business-Use-Case-Usage's estimated_time_to_regain_access; `resetSeconds` into X-Ad-Account-Usage's
 * reset_time_duration, 0 when left out).
 */
export type MetaUsageHeaderMode = 'window' | 'off' | { pct: number; regainMinutes?: number; resetSeconds?: number };

export interface MetaUsageHeaders {
  /** X-Business-Use-Case-Usage */
  business?: MetaUsageHeaderMode;
  /** X-Ad-Account-Usage */
  account?: MetaUsageHeaderMode;
  /** x-fb-ads-insights-throttle */
  insights?: MetaUsageHeaderMode;
}

export interface MetaFault {
  code: number;
  subcode?: number;
  message?: string;
  /** HTTP status (400 by default; 500 for a server error). */
  status?: number;
  /** Only calls whose path contains this (e.g. '/insights'). */
  pathIncludes?: string;
  /** For throttling codes: minutes reported in estimated_time_to_regain_access. */
  regainMinutes?: number;
}

interface ReportRun {
  id: string;
  accountId: string;
  level: 'campaign' | 'ad';
  since: string;
  until: string;
  polls: number;
  outcome: 'complete' | 'fail' | 'stuck';
  /** The `fields` asked for (null: all the fake has). */
  fields: string[] | null;
  rows?: Array<Record<string, unknown>>;
}

/** The insights fields the fake serves; Meta answers code 100 for a field it does not know. */
const INSIGHT_FIELDS = new Set(['account_id', 'campaign_id', 'campaign_name', 'ad_id', 'ad_name', 'impressions', 'clicks', 'spend', 'actions', 'action_values', 'date_start', 'date_stop']);

export interface MetaFakeStats {
  calls: number;
  /** Calls refused for rate (code 4/17/613/80000 from the limiter, not injected faults). */
  rejected: number;
  injected: number;
  posts: number;
  polls: number;
  pages: number;
  peakUsagePct: number;
  byAccount: Record<string, number>;
}

const MESSAGES: Record<number, string> = {
  1: 'Please reduce the amount of data you\'re asking for, then retry your request',
  2: 'An unexpected error has occurred. Please retry your request later.',
  4: 'Application request limit reached',
  17: 'User request limit reached',
  32: 'Page request limit reached',
  613: 'Calls to this api have exceeded the rate limit.',
  960: 'Request aborted. This could happen if a dependent request failed or the entire request timed out.',
  80000: 'There have been too many calls from this ad-account. Wait a bit and try again.',
  80001: 'There have been too many calls to this Page account. Wait a bit and try again.',
  80004: 'There have been too many calls to this ad-account. Wait a bit and try again.',
  190: 'Error validating access token: Session has expired.',
};

export class MetaGraphFake {
  readonly data: FakeAdData;
  readonly options: Required<MetaFakeOptions>;
  readonly stats: MetaFakeStats = { calls: 0, rejected: 0, injected: 0, posts: 0, polls: 0, pages: 0, peakUsagePct: 0, byAccount: {} };
  private readonly server: FastifyInstance;
  private readonly tokens = new Set<string>();
  private readonly expired = new Set<string>();
  private readonly windows = new Map<string, CallWindow>();
  private readonly runs = new Map<string, ReportRun>();
  /** Every report run created, in order (what a test checks to see which ranges were fetched twice). */
  readonly runLog: Array<{ accountId: string; level: 'campaign' | 'ad'; since: string; until: string; fields: string[] | null; actionBreakdowns: string | null }> = [];
  /** When each call arrived (Date.now()), per ad account, in order: what a test measures waits with. */
  readonly callLog: Array<{ accountId: string; at: number; method: string; path: string }> = [];
  private usageModes: Required<MetaUsageHeaders> = { business: 'window', account: 'window', insights: 'window' };
  private readonly faults: Array<MetaFault & { times: number }> = [];
  private runOutcomes: Array<'fail' | 'stuck'> = [];
  url = '';

  constructor(options: MetaFakeOptions = {}) {
    this.options = {
      version: options.version ?? 'v21.0',
      appSecret: options.appSecret ?? 'fake-app-secret',
      callsPerWindow: options.callsPerWindow ?? 200,
      windowMs: options.windowMs ?? 60_000,
      maxDaysPerRun: options.maxDaysPerRun ?? 90,
      maxRowsPerRun: options.maxRowsPerRun ?? 100_000,
      pageSize: options.pageSize ?? 500,
      pollsToComplete: options.pollsToComplete ?? 1,
      conversionActionType: options.conversionActionType ?? 'offsite_conversion.fb_pixel_purchase',
      seed: options.seed ?? 'meta',
      usageHeaders: options.usageHeaders ?? {},
    };
    this.setUsageHeaders(this.options.usageHeaders);
    this.data = new FakeAdData(this.options.seed);
    this.server = Fastify({ logger: false });
    this.server.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    this.routes();
  }

  /** Base URL clients are configured with (without the version). */
  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    const address = await this.server.listen({ port, host });
    this.url = address;
    return address;
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  addAccount(spec: FakeAccountSpec) {
    return this.data.addAccount(spec);
  }

  addToken(token: string): void {
    this.tokens.add(token);
  }

  /** Every later call with this token answers 190. */
  expireToken(token: string): void {
    this.expired.add(token);
  }

  /** The next `times` matching calls answer this error (counted as injected, not as rejected for rate). */
  failNext(fault: MetaFault, times = 1): void {
    this.faults.push({ ...fault, times });
  }

  /** The next report runs end as given ('fail': Job Failed; 'stuck': Job Running at 50 % forever). */
  nextRuns(...outcomes: Array<'fail' | 'stuck'>): void {
    this.runOutcomes.push(...outcomes);
  }

  /** What each usage header reports from now on (a header not given follows the window again). */
  setUsageHeaders(modes: MetaUsageHeaders = {}): void {
    this.usageModes = { business: modes.business ?? 'window', account: modes.account ?? 'window', insights: modes.insights ?? 'window' };
  }

  appsecretProof(token: string): string {
    return createHmac('sha256', this.options.appSecret).update(token).digest('hex');
  }

  usagePct(accountId: string): number {
    return this.window(accountId).usagePct();
  }

  /**
   * The fewest calls a sync of [since, until] at these levels can make within the documented limits: per level,
   * ceil(days / maxDaysPerRun) runs (fewer days when rows would exceed maxRowsPerRun), each one POST, one poll
   * and ceil(rows / pageSize) pages (at least one).
   */
  minimumCalls(accountId: string, since: string, until: string, levels: Array<'campaign' | 'ad'> = ['campaign', 'ad']): number {
    const account = this.data.account(accountId);
    if (!account) throw new Error(`no fake account ${accountId}`);
    const days = daysBetween(since, until).length;
    let calls = 0;
    for (const level of levels) {
      const objects = level === 'campaign' ? account.campaigns.length : account.campaigns.reduce((sum, c) => sum + c.ads.length, 0);
      const daysPerRun = Math.max(1, Math.min(this.options.maxDaysPerRun, Math.floor(this.options.maxRowsPerRun / Math.max(1, objects))));
      for (let start = 0; start < days; start += daysPerRun) {
        const rows = Math.min(daysPerRun, days - start) * objects;
        calls += 2 + Math.max(1, Math.ceil(rows / this.options.pageSize));
      }
    }
    return calls;
  }

  private window(accountId: string): CallWindow {
    let window = this.windows.get(accountId);
    if (!window) {
      window = new CallWindow(this.options.callsPerWindow, this.options.windowMs);
      this.windows.set(accountId, window);
    }
    return window;
  }

  private routes(): void {
    const v = ':version';
    this.server.get(`/${v}/act_:accountId`, (request, reply) =>
      this.handle(request, reply, (request.params as { accountId: string }).accountId, (accountId) => {
        const account = this.data.account(accountId)!;
        return { id: `act_${account.id}`, account_id: account.id, name: account.name, currency: account.currency, timezone_name: account.timezone, account_status: 1 };
      }),
    );
    this.server.post(`/${v}/act_:accountId/insights`, (request, reply) =>
      this.handle(request, reply, (request.params as { accountId: string }).accountId, (accountId, params) => this.createRun(accountId, params, reply)),
    );
    this.server.get(`/${v}/:runId`, (request, reply) => {
      const run = this.runs.get((request.params as { runId: string }).runId);
      if (!run) return this.error(reply, 400, 100, 'Unsupported get request. Object does not exist');
      return this.handle(request, reply, run.accountId, () => this.pollRun(run));
    });
    this.server.get(`/${v}/:runId/insights`, (request, reply) => {
      const run = this.runs.get((request.params as { runId: string }).runId);
      if (!run) return this.error(reply, 400, 100, 'Unsupported get request. Object does not exist');
      return this.handle(request, reply, run.accountId, (_accountId, params) => this.page(run, params, request, reply));
    });
  }

  private params(request: FastifyRequest): Record<string, string> {
    const query = (request.query ?? {}) as Record<string, string>;
    const body = request.body && typeof request.body === 'object' ? (request.body as Record<string, string>) : {};
    return { ...query, ...body };
  }

  /** Authentication, injected faults, the rate limit and the usage headers, around one call. */
  private handle(
    request: FastifyRequest,
    reply: FastifyReply,
    accountId: string,
    answer: (accountId: string, params: Record<string, string>) => unknown,
  ): unknown {
    const params = this.params(request);
    this.stats.calls += 1;
    this.stats.byAccount[accountId] = (this.stats.byAccount[accountId] ?? 0) + 1;
    this.callLog.push({ accountId, at: Date.now(), method: request.method, path: request.url.split('?')[0]! });
    const token = params.access_token ?? (request.headers.authorization ?? '').replace(/^OAuth |^Bearer /, '');
    if (!token || (!this.tokens.has(token) && !this.expired.has(token))) {
      return this.error(reply, 400, 190, 'Invalid OAuth access token - Cannot parse access token', 'OAuthException');
    }
    if (params.appsecret_proof !== this.appsecretProof(token)) {
      return this.error(reply, 400, 100, 'Invalid appsecret_proof provided in the API argument', 'GraphMethodException');
    }
    if (this.expired.has(token)) return this.error(reply, 400, 190, MESSAGES[190]!, 'OAuthException', 463);
    if (!this.data.account(accountId)) return this.error(reply, 400, 100, `Unsupported request: act_${accountId} does not exist`);
    const window = this.window(accountId);
    const fault = this.faults.find((each) => !each.pathIncludes || request.url.includes(each.pathIncludes));
    if (fault) {
      fault.times -= 1;
      if (fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
      this.stats.injected += 1;
      this.usageHeaders(reply, accountId, window, fault.regainMinutes ?? 0);
      // A code in 500-599 is an HTTP 5xx; every Graph code (80000-80014 too) answers 400 unless a status is given.
      return this.error(reply, fault.status ?? (fault.code >= 500 && fault.code < 600 ? fault.code : 400), fault.code, fault.message ?? MESSAGES[fault.code] ?? 'Fault', 'OAuthException', fault.subcode);
    }
    if (!window.take()) {
      this.stats.rejected += 1;
      const regainMs = window.msUntilFree();
      this.usageHeaders(reply, accountId, window, Math.floor(regainMs / 60_000));
      return this.error(reply, 400, 80000, MESSAGES[80000]!, 'OAuthException', 2446079);
    }
    this.stats.peakUsagePct = Math.max(this.stats.peakUsagePct, window.peakUsagePct);
    this.usageHeaders(reply, accountId, window, 0);
    return answer(accountId, params);
  }

  private usageHeaders(reply: FastifyReply, accountId: string, window: CallWindow, regainMinutes: number): void {
    const windowPct = window.usagePct();
    const windowReset = Math.ceil(window.msUntilEmpty() / 1000);
    // Each header follows the window unless set otherwise (setUsageHeaders), so a test can drive one alone.
    const reading = (mode: MetaUsageHeaderMode) =>
      mode === 'off' ? undefined : mode === 'window' ? { pct: windowPct, regain: regainMinutes, reset: windowReset } : { pct: mode.pct, regain: mode.regainMinutes ?? regainMinutes, reset: mode.resetSeconds ?? 0 };
    const business = reading(this.usageModes.business);
    const account = reading(this.usageModes.account);
    const insights = reading(this.usageModes.insights);
    if (business) {
      const { pct, regain } = business;
      reply.header(
        'x-business-use-case-usage',
        JSON.stringify({ [accountId]: [{ type: 'ads_insights', call_count: pct, total_cputime: Math.round(pct / 2), total_time: Math.round(pct / 2), estimated_time_to_regain_access: regain }] }),
      );
    }
    if (account) reply.header('x-ad-account-usage', JSON.stringify({ acc_id_util_pct: account.pct, reset_time_duration: account.reset, ads_api_access_tier: 'standard_access' }));
    if (insights) reply.header('x-fb-ads-insights-throttle', JSON.stringify({ app_id_util_pct: Math.round(insights.pct / 2), acc_id_util_pct: insights.pct, ads_api_access_tier: 'standard_access' }));
  }

  private error(reply: FastifyReply, status: number, code: number, message: string, type = 'OAuthException', subcode?: number) {
    return reply
      .code(status)
      .send({ error: { message, type, code, ...(subcode === undefined ? {} : { error_subcode: subcode }), fbtrace_id: randomUUID().replace(/-/g, '').slice(0, 11) } });
  }

  private createRun(accountId: string, params: Record<string, string>, reply: FastifyReply) {
    this.stats.posts += 1;
    const level = params.level === 'ad' ? 'ad' : params.level === 'campaign' ? 'campaign' : undefined;
    if (!level) return this.error(reply, 400, 100, '(#100) level must be one of campaign, ad');
    if (params.time_increment !== '1') return this.error(reply, 400, 100, '(#100) the fake only serves time_increment=1');
    let range: { since?: string; until?: string };
    try {
      range = JSON.parse(params.time_range ?? '{}') as { since?: string; until?: string };
    } catch {
      return this.error(reply, 400, 100, '(#100) time_range must be JSON');
    }
    if (!range.since || !range.until || range.since > range.until) return this.error(reply, 400, 100, '(#100) time_range needs since <= until');
    const fields = params.fields ? params.fields.split(',').map((each) => each.trim()).filter(Boolean) : null;
    const unknown = fields?.find((each) => !INSIGHT_FIELDS.has(each));
    if (unknown) return this.error(reply, 400, 100, `(#100) ${unknown} is not valid for fields param. (the fake serves ${[...INSIGHT_FIELDS].join(', ')})`);
    // action_breakdowns defaults to action_type at Meta; the fake serves no other (action_device, ... would
    // split each action further). Given as a list or as JSON.
    const actionBreakdowns = params.action_breakdowns ?? null;
    if (actionBreakdowns !== null && actionBreakdowns.replace(/[[\]"\s]/g, '') !== 'action_type') {
      return this.error(reply, 400, 100, '(#100) the fake only serves action_breakdowns=action_type');
    }
    const account = this.data.account(accountId)!;
    const days = daysBetween(range.since, range.until).length;
    const objects = level === 'campaign' ? account.campaigns.length : account.campaigns.reduce((sum, c) => sum + c.ads.length, 0);
    if (days > this.options.maxDaysPerRun || days * objects > this.options.maxRowsPerRun) return this.error(reply, 400, 1, MESSAGES[1]!);
    const id = String(6_000_000_000_000 + this.runs.size + Math.floor(Math.random() * 1000) * 100_000);
    this.runLog.push({ accountId, level, since: range.since, until: range.until, fields, actionBreakdowns });
    this.runs.set(id, { id, accountId, level, since: range.since, until: range.until, fields, polls: 0, outcome: this.runOutcomes.shift() ?? 'complete' });
    return { report_run_id: id };
  }

  private pollRun(run: ReportRun) {
    this.stats.polls += 1;
    run.polls += 1;
    const base = { id: run.id, account_id: run.accountId, date_start: run.since, date_stop: run.until };
    if (run.outcome === 'stuck') return { ...base, async_status: 'Job Running', async_percent_completion: 50 };
    const done = run.polls >= this.options.pollsToComplete;
    if (!done) return { ...base, async_status: 'Job Running', async_percent_completion: Math.floor((100 * run.polls) / this.options.pollsToComplete) };
    if (run.outcome === 'fail') return { ...base, async_status: 'Job Failed', async_percent_completion: 0 };
    return { ...base, async_status: 'Job Completed', async_percent_completion: 100 };
  }

  private page(run: ReportRun, params: Record<string, string>, request: FastifyRequest, reply: FastifyReply) {
    this.stats.pages += 1;
    if (run.outcome !== 'complete' || run.polls < this.options.pollsToComplete) return this.error(reply, 400, 100, 'Report is not ready');
    run.rows ??= this.rows(run);
    const limit = Math.min(this.options.pageSize, Math.max(1, Number(params.limit ?? 25)));
    const offset = params.after ? Number(Buffer.from(params.after, 'base64url').toString()) : 0;
    const data = run.rows.slice(offset, offset + limit);
    const cursor = (n: number) => Buffer.from(String(n)).toString('base64url');
    const more = offset + limit < run.rows.length;
    const paging: Record<string, unknown> = { cursors: { before: cursor(offset), after: cursor(offset + data.length) } };
    if (more) paging.next = `${this.url}${request.url.split('?')[0]}?limit=${limit}&after=${cursor(offset + data.length)}`;
    return { data, paging };
  }

  private rows(run: ReportRun): Array<Record<string, unknown>> {
    const account = this.data.account(run.accountId)!;
    const rows: Array<Record<string, unknown>> = [];
    for (const date of daysBetween(run.since, run.until)) {
      for (const campaign of account.campaigns) {
        const base = { account_id: account.id, campaign_id: campaign.id, campaign_name: campaign.name, date_start: date, date_stop: date };
        if (run.level === 'campaign') rows.push({ ...base, ...this.figures(this.data.campaignDay(account.id, campaign, date)) });
        else for (const ad of campaign.ads) rows.push({ ...base, ad_id: ad.id, ad_name: ad.name, ...this.figures(this.data.adDay(account.id, ad.id, date)) });
      }
    }
    // Like the Graph API: only the fields asked for, plus the row's dates.
    const fields = run.fields;
    if (!fields) return rows;
    return rows.map((row) => Object.fromEntries(Object.entries(row).filter(([key]) => key === 'date_start' || key === 'date_stop' || fields.includes(key))));
  }

  private figures(day: FakeAdDay): Record<string, unknown> {
    const type = this.options.conversionActionType;
    const figures: Record<string, unknown> = { impressions: String(day.impressions), clicks: String(day.clicks), spend: microsToDecimal(day.spendMicros) };
    // Like the Graph API, actions are left out of a row that has none.
    if (day.clicks > 0 || day.conversions > 0) {
      figures.actions = [
        { action_type: 'link_click', value: String(day.clicks) },
        ...(day.conversions > 0 ? [{ action_type: type, value: String(day.conversions) }] : []),
      ];
    }
    if (day.conversions > 0) figures.action_values = [{ action_type: type, value: microsToDecimal(day.revenueMicros) }];
    return figures;
  }
}
