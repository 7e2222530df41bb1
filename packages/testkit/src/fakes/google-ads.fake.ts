import { randomBytes, randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { CallWindow, daysBetween, type FakeAccountSpec, FakeAdData, type FakeAdDay } from './ad-data';

/**
 * A local Google Ads REST API (OAuth token endpoint + googleAds:searchStream) with the behaviour a Google sync
 * has to survive. Its limits are in ./README.md; they are options here so tests can make them small.
 */
export interface GoogleFakeOptions {
  version?: string;
  developerToken?: string;
  clientId?: string;
  clientSecret?: string;
  /** Requests (token calls excluded) per developer token per sliding window; more answer RESOURCE_EXHAUSTED. */
  requestsPerWindow?: number;
  windowMs?: number;
  /** Rows per searchStream batch (Google sends 10 000). */
  rowsPerBatch?: number;
  /** A pause before each batch after the first: a slow stream, as a big account's can be. Default 0. */
  batchDelayMs?: number;
  seed?: string;
}

export type CustomerRefusal = 'CUSTOMER_NOT_ENABLED' | 'USER_PERMISSION_DENIED';

/** A manager (MCC) account: no campaigns of its own, client customers (and sub-managers) linked under it. */
export interface FakeManager {
  id: string;
  name: string;
  currency: string;
  timezone: string;
  clients: string[];
}

/** Where a customer sits: under a manager (reached with login-customer-id) or directly accessible to the user. */
export interface CustomerPlacement {
  /** The manager it is linked under. */
  manager?: string;
  /** Also directly accessible to the OAuth user (listAccessibleCustomers). Default: only when it has no manager. */
  direct?: boolean;
}

export interface GoogleFakeStats {
  calls: number;
  tokenCalls: number;
  streams: number;
  rejected: number;
  injected: number;
  peakUsagePct: number;
  byCustomer: Record<string, number>;
}

export class GoogleAdsFake {
  readonly data: FakeAdData;
  readonly options: Required<GoogleFakeOptions>;
  readonly stats: GoogleFakeStats = { calls: 0, tokenCalls: 0, streams: 0, rejected: 0, injected: 0, peakUsagePct: 0, byCustomer: {} };
  private readonly server: FastifyInstance;
  private readonly refreshTokens = new Set<string>();
  private readonly accessTokens = new Map<string, number>();
  private readonly refused = new Map<string, CustomerRefusal>();
  private readonly managers = new Map<string, FakeManager>();
  private readonly parents = new Map<string, string>();
  /** Customers the OAuth user reaches without a manager (what listAccessibleCustomers answers). */
  private readonly accessible = new Set<string>();
  private readonly window: CallWindow;
  private quotaUntil = 0;
  /** exhaustQuota(seconds, after): requests still admitted before the quota runs out, and its retryDelay. */
  private quotaAfter?: { requests: number; seconds: number };
  private readonly faults: Array<{ status: number; times: number }> = [];
  private readonly tokenFaults: Array<{ status: number; times: number }> = [];
  /** Every searchStream of campaign or ad rows served (or broken): customer, level and the days asked for. */
  readonly streamLog: Array<{ customerId: string; level: 'campaign' | 'ad'; since: string; until: string }> = [];
  private breaks: number[] = [];
  url = '';

  constructor(options: GoogleFakeOptions = {}) {
    this.options = {
      version: options.version ?? 'v17',
      developerToken: options.developerToken ?? 'fake-developer-token',
      clientId: options.clientId ?? 'fake-client-id',
      clientSecret: options.clientSecret ?? 'fake-client-secret',
      requestsPerWindow: options.requestsPerWindow ?? 100,
      windowMs: options.windowMs ?? 60_000,
      rowsPerBatch: options.rowsPerBatch ?? 10_000,
      batchDelayMs: options.batchDelayMs ?? 0,
      seed: options.seed ?? 'google',
    };
    this.data = new FakeAdData(this.options.seed);
    this.window = new CallWindow(this.options.requestsPerWindow, this.options.windowMs);
    this.server = Fastify({ logger: false });
    this.server.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    this.routes();
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.url = await this.server.listen({ port, host });
    return this.url;
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  /** A customer (id without dashes), directly accessible unless placed under a manager. */
  addCustomer(spec: FakeAccountSpec, placement: CustomerPlacement = {}) {
    const account = this.data.addAccount(spec);
    this.place(spec.id, placement);
    return account;
  }

  /** A manager account (MCC); its clients are added with `addCustomer(spec, { manager })` or listed here. */
  addManager(spec: { id: string; name?: string; currency?: string; timezone?: string; clients?: string[] }, placement: CustomerPlacement = {}): FakeManager {
    const manager = { id: spec.id, name: spec.name ?? `Manager ${spec.id}`, currency: spec.currency ?? 'USD', timezone: spec.timezone ?? 'UTC', clients: [] as string[] };
    this.managers.set(manager.id, manager);
    this.place(manager.id, placement);
    for (const client of spec.clients ?? []) this.link(manager.id, client);
    return manager;
  }

  private place(customerId: string, placement: CustomerPlacement): void {
    if (placement.manager) this.link(placement.manager, customerId);
    if (placement.direct ?? !placement.manager) this.accessible.add(customerId);
  }

  private link(managerId: string, customerId: string): void {
    const manager = this.managers.get(managerId);
    if (!manager) throw new Error(`no fake manager ${managerId}`);
    if (!manager.clients.includes(customerId)) manager.clients.push(customerId);
    this.parents.set(customerId, managerId);
  }

  /** Whether `customerId` is `managerId` or linked below it, at any depth. */
  private within(customerId: string, managerId: string): boolean {
    for (let at: string | undefined = customerId; at !== undefined; at = this.parents.get(at)) if (at === managerId) return true;
    return false;
  }

  addRefreshToken(token: string): void {
    this.refreshTokens.add(token);
  }

  /** The refresh token stops working (invalid_grant) and its access tokens with it. */
  revokeRefreshToken(token: string): void {
    this.refreshTokens.delete(token);
    this.accessTokens.clear();
  }

  refuseCustomer(customerId: string, reason: CustomerRefusal): void {
    this.refused.set(customerId, reason);
  }

  /**
   * Every request answers RESOURCE_EXHAUSTED with this retryDelay until it has passed (a daily quota); with
   * `afterRequests`, only once that many more requests have been admitted. `exhaustQuota(0)` ends it.
   */
  exhaustQuota(retryDelaySeconds: number, afterRequests = 0): void {
    this.quotaAfter = afterRequests > 0 ? { requests: afterRequests, seconds: retryDelaySeconds } : undefined;
    this.quotaUntil = afterRequests > 0 ? 0 : Date.now() + retryDelaySeconds * 1000;
  }

  /** The next `times` token requests answer this status (500: `{ error: 'internal_failure' }`). */
  failNextToken(status: number, times = 1): void {
    this.tokenFaults.push({ status, times });
  }

  /** The next `times` requests answer this status (503 UNAVAILABLE, 500 INTERNAL). */
  failNext(status: number, times = 1): void {
    this.faults.push({ status, times });
  }

  /** The next streams break (connection destroyed) after this many result rows each. */
  breakNextStreams(...afterRows: number[]): void {
    this.breaks.push(...afterRows);
  }

  usagePct(): number {
    return this.window.usagePct();
  }

  /** The fewest requests a sync can make: one token call, then one stream per customer and level. */
  minimumCalls(customers: number, levels = 2): number {
    return 1 + customers * levels;
  }

  private routes(): void {
    this.server.post('/token', (request, reply) => {
      this.stats.tokenCalls += 1;
      const fault = this.tokenFaults[0];
      if (fault) {
        fault.times -= 1;
        if (fault.times <= 0) this.tokenFaults.shift();
        this.stats.injected += 1;
        return reply.code(fault.status).send({ error: 'internal_failure', error_description: 'The token endpoint failed.' });
      }
      const body = (request.body ?? {}) as Record<string, string>;
      if (body.client_id !== this.options.clientId || body.client_secret !== this.options.clientSecret) {
        return reply.code(401).send({ error: 'invalid_client', error_description: 'The OAuth client was not found.' });
      }
      if (body.grant_type !== 'refresh_token') return reply.code(400).send({ error: 'unsupported_grant_type', error_description: 'Invalid grant_type' });
      if (!this.refreshTokens.has(body.refresh_token ?? '')) {
        return reply.code(400).send({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
      }
      const accessToken = `ya29.${randomBytes(16).toString('base64url')}`;
      this.accessTokens.set(accessToken, Date.now() + 3_599_000);
      return { access_token: accessToken, expires_in: 3599, scope: 'https://www.googleapis.com/auth/adwords', token_type: 'Bearer' };
    });
    this.server.post('/:version/customers/:customerId/googleAds::searchStream', (request, reply) => this.searchStream(request, reply));
    this.server.get('/:version/customers::listAccessibleCustomers', (request, reply) => {
      // login-customer-id plays no part here: the customers the OAuth user reaches directly.
      if (this.admit(request, reply)) return reply;
      return reply.send({ resourceNames: [...this.accessible].map((id) => `customers/${id}`) });
    });
  }

  /**
   * The checks every API request passes (the token endpoint excepted): OAuth token, developer token, injected
   * quota and faults, the rate limit. True when it answered a failure (the caller stops).
   */
  private admit(request: FastifyRequest, reply: FastifyReply, customerId?: string): boolean {
    const stream = customerId !== undefined;
    this.stats.calls += 1;
    if (customerId) this.stats.byCustomer[customerId] = (this.stats.byCustomer[customerId] ?? 0) + 1;
    const auth = (request.headers.authorization ?? '').replace(/^Bearer /, '');
    const expiry = this.accessTokens.get(auth);
    if (!expiry || expiry < Date.now()) {
      this.failure(reply, 401, 'UNAUTHENTICATED', 'Request is missing required authentication credential. Expected OAuth 2 access token.', [
        { errorCode: { authenticationError: 'OAUTH_TOKEN_INVALID' }, message: 'Oauth token is invalid.' },
      ], stream);
      return true;
    }
    if (request.headers['developer-token'] !== this.options.developerToken) {
      this.failure(reply, 401, 'UNAUTHENTICATED', 'The developer token is not valid.', [
        { errorCode: { authenticationError: 'DEVELOPER_TOKEN_INVALID' }, message: 'The developer token is not valid.' },
      ], stream);
      return true;
    }
    if (this.quotaAfter && this.quotaAfter.requests <= 0) {
      this.quotaUntil = Date.now() + this.quotaAfter.seconds * 1000;
      this.quotaAfter = undefined;
    }
    if (this.quotaUntil > Date.now()) {
      this.stats.injected += 1;
      this.exhausted(reply, Math.ceil((this.quotaUntil - Date.now()) / 1000), 'Number of operations for basic access', stream);
      return true;
    }
    const fault = this.faults[0];
    if (fault) {
      fault.times -= 1;
      if (fault.times <= 0) this.faults.shift();
      this.stats.injected += 1;
      this.failure(reply, fault.status, fault.status === 503 ? 'UNAVAILABLE' : 'INTERNAL', 'The service is currently unavailable.', [], stream);
      return true;
    }
    if (!this.window.take()) {
      this.stats.rejected += 1;
      this.exhausted(reply, Math.max(1, Math.ceil(this.window.msUntilFree() / 1000)), 'Requests per developer token per window', stream);
      return true;
    }
    this.stats.peakUsagePct = Math.max(this.stats.peakUsagePct, this.window.peakUsagePct);
    if (this.quotaAfter) this.quotaAfter.requests -= 1;
    return false;
  }

  /**
   * Why the user may not reach `customerId` with this login-customer-id (undefined: it may). Without the header
   * only directly accessible customers are reachable; with it, the login customer must be accessible and the
   * target must be it or linked below it.
   */
  private refusal(customerId: string, loginCustomerId: string | undefined): CustomerRefusal | 'CUSTOMER_NOT_FOUND' | undefined {
    const refused = this.refused.get(customerId);
    if (refused) return refused;
    if (!this.data.account(customerId) && !this.managers.has(customerId)) return 'CUSTOMER_NOT_FOUND';
    if (loginCustomerId === undefined) return this.accessible.has(customerId) ? undefined : 'USER_PERMISSION_DENIED';
    if (!this.accessible.has(loginCustomerId) || !this.within(customerId, loginCustomerId)) return 'USER_PERMISSION_DENIED';
    return undefined;
  }

  private failure(reply: FastifyReply, status: number, statusText: string, message: string, errors: Array<Record<string, unknown>> = [], stream = true) {
    const requestId = randomUUID().replace(/-/g, '').slice(0, 22);
    const details = errors.length === 0 ? [] : [{ '@type': `type.googleapis.com/google.ads.googleads.${this.options.version}.errors.GoogleAdsFailure`, errors, requestId }];
    const error = { error: { code: status, message, status: statusText, details } };
    // searchStream answers its errors as a one-element array, like its results; other methods as one object.
    return reply.code(status).header('content-type', 'application/json; charset=UTF-8').send(stream ? [error] : error);
  }

  private async searchStream(request: FastifyRequest, reply: FastifyReply) {
    const { customerId } = request.params as { customerId: string };
    if (this.admit(request, reply, customerId)) return reply;
    const loginHeader = request.headers['login-customer-id'];
    const loginCustomerId = typeof loginHeader === 'string' && loginHeader !== '' ? loginHeader.replace(/-/g, '') : undefined;
    const reason = this.refusal(customerId, loginCustomerId);
    if (reason) {
      const message =
        reason === 'CUSTOMER_NOT_ENABLED'
          ? "The customer account can't be accessed because it is not yet enabled or has been deactivated."
          : reason === 'USER_PERMISSION_DENIED'
            ? "User doesn't have permission to access customer. Note: If you're accessing a client customer, the manager's customer id must be set in the 'login-customer-id' header."
            : 'No customer found for the provided customer id.';
      return this.failure(reply, 403, 'PERMISSION_DENIED', 'The caller does not have permission', [{ errorCode: { authorizationError: reason }, message }]);
    }
    const query = String((request.body as { query?: string } | undefined)?.query ?? '');
    const from = /\bFROM\s+(\w+)/i.exec(query)?.[1]?.toLowerCase();
    const manager = this.managers.get(customerId);
    const info = manager ?? this.data.account(customerId)!;
    if (from === 'customer') {
      return reply.send([
        {
          results: [{ customer: { resourceName: `customers/${info.id}`, id: info.id, descriptiveName: info.name, currencyCode: info.currency, timeZone: info.timezone, manager: manager !== undefined } }],
          fieldMask: 'customer.id,customer.descriptiveName,customer.currencyCode,customer.timeZone,customer.manager',
          requestId: randomUUID(),
        },
      ]);
    }
    if (from === 'customer_client') {
      const maxLevel = /customer_client\.level\s*<=\s*(\d+)/i.exec(query)?.[1];
      return reply.send([{ results: this.customerClients(customerId, maxLevel === undefined ? Infinity : Number(maxLevel)), fieldMask: 'customerClient.clientCustomer,customerClient.level,customerClient.manager,customerClient.descriptiveName,customerClient.currencyCode,customerClient.timeZone,customerClient.id,customerClient.status', requestId: randomUUID() }]);
    }
    if (manager && (from === 'campaign' || from === 'ad_group_ad')) {
      return this.failure(reply, 400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', [
        {
          errorCode: { queryError: 'REQUESTED_METRICS_FOR_MANAGER' },
          message: 'Metrics cannot be requested for a manager account. To retrieve metrics, issue separate requests against each client account under the manager account.',
        },
      ]);
    }
    const customer = this.data.account(customerId)!;
    const range = /segments\.date\s+BETWEEN\s+'(\d{4}-\d{2}-\d{2})'\s+AND\s+'(\d{4}-\d{2}-\d{2})'/i.exec(query);
    if ((from !== 'campaign' && from !== 'ad_group_ad') || !range || range[1]! > range[2]!) {
      return this.failure(reply, 400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', [
        { errorCode: { queryError: 'UNEXPECTED_INPUT' }, message: 'The fake serves FROM campaign | ad_group_ad with segments.date BETWEEN.' },
      ]);
    }
    this.stats.streams += 1;
    this.streamLog.push({ customerId: customer.id, level: from === 'campaign' ? 'campaign' : 'ad', since: range[1]!, until: range[2]! });
    const rows = this.rows(customer.id, from, range[1]!, range[2]!);
    const breakAfter = this.breaks.shift();
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
    raw.write('[');
    let written = 0;
    for (let start = 0; start < rows.length || start === 0; start += this.options.rowsPerBatch) {
      let batch = rows.slice(start, start + this.options.rowsPerBatch);
      if (start > 0 && this.options.batchDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.options.batchDelayMs));
      if (breakAfter !== undefined && written + batch.length > breakAfter) {
        batch = batch.slice(0, breakAfter - written);
        // Half a batch then the connection drops: the client sees a truncated JSON array.
        const text = JSON.stringify({ results: batch });
        raw.write((start === 0 ? '' : ',') + text.slice(0, Math.max(1, text.length - 20)));
        await new Promise((resolve) => setTimeout(resolve, 20));
        raw.destroy();
        return;
      }
      const body = JSON.stringify({ results: batch, fieldMask: 'segments.date,metrics.impressions,metrics.clicks,metrics.costMicros,metrics.conversions,metrics.conversionsValue', requestId: randomUUID() });
      const ok = raw.write((start === 0 ? '' : ',') + body);
      written += batch.length;
      if (!ok) await new Promise((resolve) => raw.once('drain', resolve));
      if (rows.length === 0) break;
    }
    raw.end(']');
  }

  /**
   * FROM customer_client of a customer: itself at level 0 and, for a manager, every client below it (direct and
   * indirect, level = depth), as the API answers it (int64 fields as strings).
   */
  private customerClients(rootId: string, maxLevel: number): Array<Record<string, unknown>> {
    const rows: Array<Record<string, unknown>> = [];
    const visit = (id: string, level: number) => {
      if (level > maxLevel) return;
      const manager = this.managers.get(id);
      const info = manager ?? this.data.account(id);
      if (!info) return;
      rows.push({
        customerClient: {
          resourceName: `customers/${rootId}/customerClients/${id}`,
          clientCustomer: `customers/${id}`,
          level: String(level),
          manager: manager !== undefined,
          descriptiveName: info.name,
          currencyCode: info.currency,
          timeZone: info.timezone,
          id,
          status: this.refused.get(id) === 'CUSTOMER_NOT_ENABLED' ? 'CANCELED' : 'ENABLED',
        },
      });
      for (const client of manager?.clients ?? []) visit(client, level + 1);
    };
    visit(rootId, 0);
    return rows;
  }

  private exhausted(reply: FastifyReply, retrySeconds: number, rateName: string, stream = true) {
    return this.failure(reply, 429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', [
      {
        errorCode: { quotaError: 'RESOURCE_EXHAUSTED' },
        message: `Too many requests. Retry in ${retrySeconds} seconds.`,
        details: { quotaErrorDetails: { rateScope: 'DEVELOPER', rateName, retryDelay: `${retrySeconds}s` } },
      },
    ], stream);
  }

  private rows(customerId: string, from: 'campaign' | 'ad_group_ad', since: string, until: string): Array<Record<string, unknown>> {
    const customer = this.data.account(customerId)!;
    const rows: Array<Record<string, unknown>> = [];
    for (const date of daysBetween(since, until)) {
      for (const campaign of customer.campaigns) {
        const campaignPart = { resourceName: `customers/${customerId}/campaigns/${campaign.id}`, id: campaign.id, name: campaign.name, status: 'ENABLED' };
        if (from === 'campaign') {
          rows.push({ campaign: campaignPart, metrics: this.metrics(this.data.campaignDay(customerId, campaign, date)), segments: { date } });
        } else {
          for (const ad of campaign.ads) {
            rows.push({
              campaign: campaignPart,
              adGroupAd: { resourceName: `customers/${customerId}/adGroupAds/1~${ad.id}`, ad: { id: ad.id, name: ad.name } },
              metrics: this.metrics(this.data.adDay(customerId, ad.id, date)),
              segments: { date },
            });
          }
        }
      }
    }
    return rows;
  }

  private metrics(day: FakeAdDay): Record<string, unknown> {
    return {
      impressions: String(day.impressions),
      clicks: String(day.clicks),
      costMicros: String(day.spendMicros),
      conversions: day.conversions,
      conversionsValue: day.revenueMicros / 1_000_000,
    };
  }
}
