import { JSONParser } from '@streamparser/json';
import {
  backoffMs,
  type CallCounters,
  CredentialsRejected,
  CustomerRefused,
  decimalToMicros,
  PlatformError,
  type PlatformDayRow,
  PlatformUnavailable,
  QuotaPaused,
  sleep,
} from './platform-errors';

export interface GoogleCredentials {
  refreshToken: string;
  clientId: string;
  clientSecret: string;
  developerToken: string;
  /** The manager account the customers are reached through (login-customer-id), when there is one. */
  loginCustomerId?: string;
}

export interface GoogleClientOptions {
  baseUrl: string;
  version: string;
  tokenUrl: string;
  backoffBaseMs: number;
  maxAttempts: number;
  /** A RESOURCE_EXHAUSTED retryDelay above this pauses the account instead of waiting (15 min). */
  maxRetryDelayMs: number;
}

export const DEFAULT_GOOGLE_OPTIONS: Omit<GoogleClientOptions, 'baseUrl' | 'version' | 'tokenUrl'> = {
  backoffBaseMs: 1_000,
  maxAttempts: 6,
  maxRetryDelayMs: 15 * 60_000,
};

export type GoogleLevel = 'campaign' | 'ad';

export type GoogleRow = PlatformDayRow;

export interface GoogleCustomerInfo {
  id: string;
  name: string;
  currency: string;
  timezone: string;
  /** A manager (MCC) account: it has no metrics of its own, its client accounts do. */
  manager: boolean;
}

/** One row of FROM customer_client under a manager: the manager itself (level 0) or a client below it. */
export interface GoogleCustomerClient extends GoogleCustomerInfo {
  level: number;
  status: string;
}

const CUSTOMER_CLIENT_QUERY =
  'SELECT customer_client.client_customer, customer_client.level, customer_client.manager, customer_client.descriptive_name, customer_client.currency_code, customer_client.time_zone, customer_client.id, customer_client.status FROM customer_client';

interface GoogleFailure {
  code?: number;
  status?: string;
  message?: string;
  details?: Array<{ errors?: Array<{ errorCode?: Record<string, string>; message?: string; details?: { quotaErrorDetails?: { retryDelay?: string } } }> }>;
}

/** One day whose last row has arrived. */
export interface CompleteDay {
  date: string;
  rows: GoogleRow[];
}

/** A stream that ended before its closing bracket (connection dropped, truncated JSON). */
class BrokenStream extends Error {}

const QUERIES: Record<GoogleLevel, string> = {
  campaign:
    'SELECT campaign.id, campaign.name, segments.date, metrics.impressions, metrics.clicks, metrics.cost_micros, metrics.conversions, metrics.conversions_value FROM campaign',
  ad: 'SELECT campaign.id, campaign.name, ad_group_ad.ad.id, ad_group_ad.ad.name, segments.date, metrics.impressions, metrics.clicks, metrics.cost_micros, metrics.conversions, metrics.conversions_value FROM ad_group_ad',
};

/**
 * The Google Ads REST client of one connection: OAuth refresh, GAQL through googleAds:searchStream parsed as it
 * arrives, each day handed over once its last row is in (rows come ORDER BY segments.date), a broken stream
 * resumed from the day after the last one handed over.
 */
export class GoogleAdsClient {
  readonly counters: CallCounters = { apiCalls: 0, throttledMs: 0 };
  private accessToken?: string;
  private readonly options: GoogleClientOptions;

  constructor(
    private readonly credentials: GoogleCredentials,
    options: Partial<GoogleClientOptions> & Pick<GoogleClientOptions, 'baseUrl' | 'version' | 'tokenUrl'>,
    private readonly signal?: AbortSignal,
  ) {
    this.options = { ...DEFAULT_GOOGLE_OPTIONS, ...options };
  }

  /** Exchanges the refresh token; invalid_grant means the user revoked it (the account is paused). */
  async token(): Promise<string> {
    this.counters.apiCalls += 1;
    const response = await fetch(this.options.tokenUrl, {
      method: 'POST',
      signal: this.signal,
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: this.credentials.refreshToken,
        client_id: this.credentials.clientId,
        client_secret: this.credentials.clientSecret,
      }),
    });
    const body = (await response.json().catch(() => ({}))) as { access_token?: string; error?: string; error_description?: string };
    if (body.error === 'invalid_grant') {
      throw new CredentialsRejected('google_invalid_grant', `Google refused the refresh token (${body.error_description ?? 'invalid_grant'}); reconnect the account`);
    }
    if (!response.ok || !body.access_token) {
      const code = body.error === 'invalid_client' ? 'google_invalid_client' : 'google_token_failed';
      throw new (response.status >= 500 ? PlatformUnavailable : CredentialsRejected)(code, `Google token endpoint: ${body.error_description ?? body.error ?? response.status}`);
    }
    this.accessToken = body.access_token;
    return body.access_token;
  }

  /** `loginCustomerId` overrides the credentials' one (discovery reaches each accessible customer as itself). */
  async customer(customerId: string, loginCustomerId?: string): Promise<GoogleCustomerInfo> {
    let info: GoogleCustomerInfo | undefined;
    await this.withRetries(customerId, async () => {
      const response = await this.post(customerId, 'SELECT customer.id, customer.descriptive_name, customer.currency_code, customer.time_zone, customer.manager FROM customer', loginCustomerId);
      const body = (await response.json()) as Array<{ results?: Array<{ customer?: Record<string, unknown> }> }>;
      const customer = body[0]?.results?.[0]?.customer ?? {};
      info = {
        id: customerId,
        name: String(customer.descriptiveName ?? customerId),
        currency: String(customer.currencyCode ?? ''),
        timezone: String(customer.timeZone ?? 'UTC'),
        manager: customer.manager === true,
      };
    });
    return info!;
  }

  /** The customers the OAuth user reaches directly (customers:listAccessibleCustomers; no login-customer-id). */
  async accessibleCustomers(): Promise<string[]> {
    let ids: string[] = [];
    await this.withRetries('', async () => {
      const response = await this.request('GET', 'customers:listAccessibleCustomers', undefined, null);
      const body = (await response.json()) as { resourceNames?: string[] };
      ids = (body.resourceNames ?? []).map((name) => name.replace(/^customers\//, '')).filter((id) => /^\d{10}$/.test(id));
    });
    return ids;
  }

  /**
   * A manager's hierarchy in one query: itself (level 0) and every client below it, direct and indirect
   * (FROM customer_client, with the manager as login-customer-id).
   */
  async customerClients(managerId: string): Promise<GoogleCustomerClient[]> {
    let clients: GoogleCustomerClient[] = [];
    await this.withRetries(managerId, async () => {
      const response = await this.post(managerId, CUSTOMER_CLIENT_QUERY, managerId);
      const body = (await response.json()) as Array<{ results?: Array<{ customerClient?: Record<string, unknown> }> }>;
      clients = body.flatMap((batch) => batch.results ?? []).map(({ customerClient: row = {} }) => ({
        id: String(row.id ?? String(row.clientCustomer ?? '').replace(/^customers\//, '')),
        name: String(row.descriptiveName ?? row.id ?? ''),
        currency: String(row.currencyCode ?? ''),
        timezone: String(row.timeZone ?? 'UTC'),
        manager: row.manager === true,
        level: Number(row.level ?? 0),
        status: String(row.status ?? 'UNKNOWN'),
      }));
    });
    return clients;
  }

  /**
   * Streams [since, until] of one customer at one level and hands over complete days in date order, several at
   * once up to `batchRows` rows or once the first of them has waited `holdMs` (a day is never split). Complete
   * days read before a stream breaks are handed over before the retry, which starts at the day after them.
   * Returns the last day handed over (or null).
   */
  async streamDays(
    customerId: string,
    level: GoogleLevel,
    since: string,
    until: string,
    onDays: (days: CompleteDay[]) => Promise<void>,
    batchRows = 5_000,
    holdMs = 1_000,
  ): Promise<string | null> {
    let from = since;
    let last: string | null = null;
    await this.withRetries(customerId, async () => {
      if (from > until) return;
      const query = `${QUERIES[level]} WHERE segments.date BETWEEN '${from}' AND '${until}' ORDER BY segments.date`;
      const response = await this.post(customerId, query);
      await parseStream(response, level, { batchRows, holdMs }, async (days) => {
        await onDays(days);
        last = days[days.length - 1]!.date;
        from = nextDay(last);
      });
    });
    return last;
  }

  private post(customerId: string, query: string, loginCustomerId?: string): Promise<Response> {
    return this.request('POST', `customers/${customerId}/googleAds:searchStream`, { query }, loginCustomerId ?? this.credentials.loginCustomerId ?? null);
  }

  /** One API request (the token endpoint aside); a failure answer becomes a GoogleApiError. */
  private async request(method: 'GET' | 'POST', path: string, payload: unknown, loginCustomerId: string | null): Promise<Response> {
    if (!this.accessToken) await this.token();
    this.counters.apiCalls += 1;
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.accessToken}`,
      'developer-token': this.credentials.developerToken,
    };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (loginCustomerId) headers['login-customer-id'] = loginCustomerId;
    const response = await fetch(`${this.options.baseUrl.replace(/\/$/, '')}/${this.options.version}/${path}`, {
      method,
      headers,
      body: payload === undefined ? undefined : JSON.stringify(payload),
      signal: this.signal,
    });
    if (response.ok) return response;
    const body = (await response.json().catch(() => undefined)) as Array<{ error?: GoogleFailure }> | { error?: GoogleFailure } | undefined;
    const failure = (Array.isArray(body) ? body[0]?.error : body?.error) ?? { code: response.status, message: `HTTP ${response.status}` };
    throw new GoogleApiError(response.status, failure);
  }

  /** The retry policy around one request (and its stream): what to wait for, what to give up on. */
  private async withRetries(customerId: string, attempt: () => Promise<void>): Promise<void> {
    let refreshed = false;
    for (let tries = 0; ; tries += 1) {
      try {
        return await attempt();
      } catch (error) {
        if (this.signal?.aborted) throw error;
        if (error instanceof PlatformError) throw error;
        const last = tries + 1 >= this.options.maxAttempts;
        if (error instanceof GoogleApiError) {
          const { status, failure } = error;
          const codes = (failure.details ?? []).flatMap((detail) => detail.errors ?? []);
          const refusal = codes.map((each) => each.errorCode?.authorizationError).find((code) => code !== undefined);
          if (status === 403 && refusal) throw new CustomerRefused(customerId, refusal, codes[0]?.message ?? failure.message ?? refusal);
          if (status === 401 && !refreshed) {
            refreshed = true;
            await this.token();
            continue;
          }
          if (failure.status === 'RESOURCE_EXHAUSTED' || status === 429) {
            const delay = retryDelayMs(codes.map((each) => each.details?.quotaErrorDetails?.retryDelay).find(Boolean));
            if (delay > this.options.maxRetryDelayMs) {
              throw new QuotaPaused(new Date(Date.now() + delay), `Google Ads quota exhausted; it resets in ${Math.round(delay / 60_000)} min`);
            }
            if (last) throw new PlatformUnavailable('google_throttled', `RESOURCE_EXHAUSTED after ${tries + 1} attempts`);
            await this.wait(Math.max(delay, backoffMs(tries, this.options.backoffBaseMs)));
            continue;
          }
          if (status >= 500 || failure.status === 'UNAVAILABLE') {
            if (last) throw new PlatformUnavailable('google_unavailable', `Google Ads ${failure.status ?? status} after ${tries + 1} attempts: ${failure.message}`);
            await this.wait(backoffMs(tries, this.options.backoffBaseMs));
            continue;
          }
          if (status === 401) throw new CredentialsRejected('google_unauthenticated', `Google Ads: ${codes[0]?.message ?? failure.message}`);
          throw new PlatformError(`google_${(failure.status ?? String(status)).toLowerCase()}`, `Google Ads: ${codes[0]?.message ?? failure.message}`);
        }
        // A dropped connection or a truncated stream: try again from the first day not handed over.
        if (last) throw new PlatformUnavailable('google_stream_broken', `The searchStream kept breaking: ${(error as Error).message}`);
        await this.wait(backoffMs(tries, this.options.backoffBaseMs));
      }
    }
  }

  private async wait(ms: number): Promise<void> {
    this.counters.throttledMs += ms;
    await sleep(ms, this.signal);
  }
}

export class GoogleApiError extends Error {
  constructor(
    readonly status: number,
    readonly failure: GoogleFailure,
  ) {
    super(`Google Ads ${status} ${failure.status ?? ''}: ${failure.message ?? ''}`);
  }
}

/** "30s" / "1.5s" -> ms; a missing delay is 0 (the backoff decides). */
export function retryDelayMs(value: string | undefined): number {
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value ?? '');
  return match ? Math.round(Number(match[1]) * 1000) : 0;
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function toRow(result: Record<string, Record<string, unknown>>, level: GoogleLevel): GoogleRow {
  const metrics = result.metrics ?? {};
  const campaign = result.campaign ?? {};
  const ad = (result.adGroupAd?.ad ?? {}) as Record<string, unknown>;
  return {
    date: String(result.segments?.date),
    campaignId: String(campaign.id),
    campaignName: String(campaign.name ?? campaign.id),
    ...(level === 'ad' ? { adId: String(ad.id), adName: String(ad.name ?? ad.id) } : {}),
    impressions: BigInt(String(metrics.impressions ?? '0')),
    clicks: BigInt(String(metrics.clicks ?? '0')),
    spendMicros: BigInt(String(metrics.costMicros ?? '0')),
    conversions: String(metrics.conversions ?? 0),
    revenueMicros: decimalToMicros(Number(metrics.conversionsValue ?? 0)),
  };
}

/**
 * Feeds the response body to the streaming parser chunk by chunk; rows of one day are held until a row of a
 * later day (or the end of the array) shows the day is complete. Complete days are handed over in batches of
 * about `batchRows` rows, or sooner once the oldest has waited `holdMs` (a slow stream of a big account still
 * commits as it goes, so a killed worker loses about that much), and whatever is complete when the stream
 * fails is handed over before the error propagates.
 */
async function parseStream(
  response: Response,
  level: GoogleLevel,
  limits: { batchRows: number; holdMs: number },
  onDays: (days: CompleteDay[]) => Promise<void>,
): Promise<void> {
  const parser = new JSONParser({ paths: ['$.*.results.*', '$.*.error'], keepStack: false });
  let current: CompleteDay | undefined;
  let complete: CompleteDay[] = [];
  let completeRows = 0;
  /** When the oldest day in `complete` became complete. */
  let heldSince = 0;
  let streamError: GoogleFailure | undefined;
  let ended = false;
  parser.onValue = ({ value, key }) => {
    if (key === 'error') {
      streamError = value as GoogleFailure;
      return;
    }
    const row = toRow(value as Record<string, Record<string, unknown>>, level);
    if (current && current.date !== row.date) {
      if (complete.length === 0) heldSince = Date.now();
      complete.push(current);
      completeRows += current.rows.length;
      current = undefined;
    }
    current ??= { date: row.date, rows: [] };
    current.rows.push(row);
  };
  parser.onEnd = () => {
    ended = true;
  };
  const flush = async () => {
    if (complete.length === 0) return;
    const days = complete;
    complete = [];
    completeRows = 0;
    await onDays(days);
  };
  try {
    if (!response.body) throw new BrokenStream('searchStream answered no body');
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      parser.write(chunk);
      if (streamError) throw new GoogleApiError(streamError.code ?? 500, streamError);
      if (completeRows >= limits.batchRows || (complete.length > 0 && Date.now() - heldSince >= limits.holdMs)) await flush();
    }
    if (!ended) throw new BrokenStream('searchStream ended before its closing bracket');
  } catch (error) {
    // The days that did arrive whole are kept: the retry starts after them.
    await flush();
    throw error;
  }
  if (current) complete.push(current);
  await flush();
}
