import { randomBytes, randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { type AdAccountView, type ConnectAdAccount, type DiscoverGoogleCustomersReply, ErrorCodes, type GoogleDiscoveredCustomer, fieldProblem, type RpcParsedRequest, type Rpc } from '@castline/contracts';
import type { AdAccount } from '@castline/db';
import { AppError, CONFIG } from '@castline/platform';
import type { CampaignsConfig } from '../config';
import type { GoogleCredentials } from '../platforms/google-ads.client';
import type { MetaCredentials } from '../platforms/meta.client';
import { CredentialsRejected, CustomerRefused, PlatformError } from '../platforms/platform-errors';
import { PlatformClients } from '../platforms/platform-clients';
import { unfinishedBackfill } from '../sync/ad-sync.service';
import { AdSyncJobs } from '../sync/ad-sync.worker';
import { addDays, asDate, daysIn, MAX_RANGE_DAYS, todayIn } from '../sync/day-range';
import type { AccountCustomer } from '../sync/sync-state.repository';
import { AccountCredentialsBox, last4 } from './account-credentials';
import { toAccountView, toRunView } from './account.view';
import { AccountsRepository } from './accounts.repository';

/** Accessible customers looked into by discovery (each costs a request, a manager one more). */
const MAX_DISCOVERED_ACCESSIBLE = 50;

interface Verified {
  name: string;
  currency: string;
  timezone: string;
  customers: AccountCustomer[];
}

/** Connect, change, pause and resume ad accounts; sync now; run history. Credentials go in sealed, never out. */
@Injectable()
export class AccountsService implements OnApplicationBootstrap {
  constructor(
    @Inject(CONFIG) private readonly config: CampaignsConfig,
    private readonly accounts: AccountsRepository,
    private readonly clients: PlatformClients,
    private readonly box: AccountCredentialsBox,
    private readonly jobs: AdSyncJobs,
  ) {}

  /** Credentials sealed before a key rotation are sealed again with the current key, so the old key can go. */
  async onApplicationBootstrap(): Promise<void> {
    await this.box.resealStale(await this.accounts.sealedCredentials(), (id, from, to) => this.accounts.replaceCredentials(id, from, to));
  }

  async list(): Promise<{ items: AdAccountView[] }> {
    return { items: (await this.accounts.list()).map(toAccountView) };
  }

  async get(id: string): Promise<AdAccountView> {
    return toAccountView(await this.require(id));
  }

  /** Checks the credentials with the platform, stores the account, schedules it and queues its backfill. */
  async connect(body: ConnectAdAccount): Promise<AdAccountView> {
    if (await this.accounts.byExternalId(body.platform, body.externalId)) {
      throw AppError.conflict(`This ${body.platform} account is connected already`, fieldProblem('externalId', 'already connected'));
    }
    const verified =
      body.platform === 'meta'
        ? await this.verifyMeta(body.externalId, body.credentials)
        : await this.verifyGoogle(body.credentials, body.customerIds ?? [body.externalId], body.externalId);
    const id = randomUUID();
    const secret = body.platform === 'meta' ? body.credentials.accessToken : body.credentials.refreshToken;
    let account = await this.accounts.create({
      id,
      platform: body.platform,
      externalId: body.externalId,
      name: verified.name,
      currency: verified.currency,
      timezone: verified.timezone,
      credentials: this.box.seal(id, body.credentials),
      credentialsLast4: last4(secret),
      conversionActionTypes: body.platform === 'meta' ? body.conversionActionTypes : [],
      customers: verified.customers as never,
      pixelId: randomBytes(12).toString('base64url'),
    });
    await this.jobs.schedule(account);
    const backfill = await this.jobs.backfill(account, body.backfillDays ?? this.config.AD_SYNC_BACKFILL_DAYS);
    account = await this.accounts.update(id, { backfillSince: asDate(backfill.since), backfillUntil: asDate(backfill.until) });
    return toAccountView(account);
  }

  /**
   * What Google credentials reach, before connecting: the directly accessible customers and, under each manager
   * among them, its client accounts (one customer_client query per accessible manager). Stores nothing.
   */
  async discoverGoogle(request: RpcParsedRequest<typeof Rpc.adAccounts.discover>): Promise<DiscoverGoogleCustomersReply> {
    const client = this.clients.google(request.credentials);
    try {
      await client.token();
      const accessible = await client.accessibleCustomers();
      const customers = new Map<string, GoogleDiscoveredCustomer>();
      for (const id of accessible.slice(0, MAX_DISCOVERED_ACCESSIBLE)) {
        let info;
        try {
          // Each accessible customer as its own login customer: the context is that account, not a manager above it.
          info = await client.customer(id, id);
        } catch (error) {
          if (!(error instanceof CustomerRefused)) throw error;
          customers.set(id, { id, name: id, currency: '', timezone: '', manager: false, managerId: null, level: 0, status: 'REFUSED', code: error.reason, message: error.message });
          continue;
        }
        customers.set(id, { ...info, managerId: null, level: 0, status: 'ENABLED', code: null, message: null });
        if (!info.manager) continue;
        for (const row of await client.customerClients(id)) {
          if (row.level === 0 || customers.has(row.id)) continue;
          customers.set(row.id, { id: row.id, name: row.name, currency: row.currency, timezone: row.timezone, manager: row.manager, managerId: id, level: row.level, status: row.status, code: null, message: null });
        }
      }
      return { accessible, customers: [...customers.values()] };
    } catch (error) {
      throw this.connectError(error, ErrorCodes.googleInvalidGrant, 'Google refused these credentials');
    }
  }

  async update(request: RpcParsedRequest<typeof Rpc.adAccounts.update>): Promise<AdAccountView> {
    const account = await this.require(request.id);
    const { name, conversionActionTypes, credentials } = request.changes;
    const data: Record<string, unknown> = {};
    if (name !== undefined) data.name = name;
    if (conversionActionTypes !== undefined) {
      if (account.platform !== 'meta') throw AppError.badRequest('conversionActionTypes apply to Meta accounts only', fieldProblem('changes.conversionActionTypes', 'Meta accounts only'));
      data.conversionActionTypes = conversionActionTypes;
    }
    if (credentials !== undefined) {
      const isMeta = 'accessToken' in credentials;
      if (isMeta !== (account.platform === 'meta')) throw AppError.badRequest(`These are not ${account.platform} credentials`, fieldProblem('changes.credentials', `${account.platform} credentials expected`));
      if (isMeta) await this.verifyMeta(account.externalId, credentials);
      else await this.verifyGoogle(credentials, (account.customers as unknown as AccountCustomer[]).map((customer) => customer.id));
      data.credentials = this.box.seal(account.id, credentials);
      data.credentialsLast4 = last4(isMeta ? credentials.accessToken : (credentials as GoogleCredentials).refreshToken);
      // New working credentials end a pause that the old ones caused.
      if (account.status !== 'active' && account.statusCode !== 'paused_by_operator') Object.assign(data, { status: 'active', statusCode: null, statusMessage: null, pausedUntil: null });
    }
    const updated = await this.accounts.update(account.id, data);
    // Working credentials on an account that can sync: a backfill the old ones stopped goes on from its cursor.
    if (credentials !== undefined && updated.status === 'active') await this.continueBackfill(updated);
    return toAccountView(updated);
  }

  async pause(id: string): Promise<AdAccountView> {
    await this.require(id);
    return toAccountView(await this.accounts.update(id, { status: 'paused', statusCode: 'paused_by_operator', statusMessage: 'Paused by an operator', pausedUntil: null }));
  }

  /** Active again: the schedulers pick it up; an unfinished backfill goes on from its cursor. */
  async resume(id: string): Promise<AdAccountView> {
    await this.require(id);
    const resumed = await this.accounts.update(id, { status: 'active', statusCode: null, statusMessage: null, pausedUntil: null });
    await this.jobs.schedule(resumed);
    await this.continueBackfill(resumed);
    return toAccountView(resumed);
  }

  /** Queues the account's unfinished backfill (the same job id: one already queued or running is kept). */
  private async continueBackfill(account: AdAccount): Promise<void> {
    const range = unfinishedBackfill(account);
    if (range) await this.jobs.continueBackfill(account, range);
  }

  async syncNow(request: { id: string; since?: string; until?: string }) {
    const account = await this.require(request.id);
    const today = todayIn(account.timezone);
    const until = request.until ?? today;
    const since = request.since ?? addDays(until, -1);
    if (since > until) throw AppError.badRequest('since is after until', fieldProblem('since', 'after until'));
    if (daysIn({ since, until }) > MAX_RANGE_DAYS) throw AppError.badRequest('A sync covers at most 3 years', fieldProblem('since', 'range over 3 years'));
    if (account.status === 'paused') throw AppError.conflict(`The account is paused (${account.statusMessage ?? account.statusCode}); resume or reconnect it first`);
    const queued = await this.jobs.now(account, since, until);
    return { ...queued, since, until };
  }

  async runs(request: { id: string; page: number; pageSize: number }) {
    await this.require(request.id);
    const { items, total } = await this.accounts.runs(request.id, request.page, request.pageSize);
    return { items: items.map(toRunView), total, page: request.page, pageSize: request.pageSize };
  }

  private async require(id: string): Promise<AdAccount> {
    const account = await this.accounts.get(id);
    if (!account) throw AppError.notFound('Ad account');
    return account;
  }

  private async verifyMeta(externalId: string, credentials: MetaCredentials): Promise<Verified> {
    try {
      const info = await this.clients.meta(externalId, credentials).account();
      return { name: info.name || `Meta ${externalId}`, currency: info.currency, timezone: info.timezone, customers: [] };
    } catch (error) {
      throw this.connectError(error, ErrorCodes.metaTokenInvalid, 'Meta refused these credentials');
    }
  }

  /** `externalId` (connect): a manager connected with its clients is named after the manager. */
  private async verifyGoogle(credentials: GoogleCredentials, customerIds: string[], externalId?: string): Promise<Verified> {
    const client = this.clients.google(credentials);
    try {
      await client.token();
      const customers: AccountCustomer[] = [];
      for (const id of customerIds) {
        const { manager, ...info } = await client.customer(id);
        if (manager) {
          throw new AppError(
            ErrorCodes.validationFailed,
            `${id} is a manager account, which has no metrics of its own: connect it with its client accounts as customerIds`,
            HttpStatus.BAD_REQUEST,
            fieldProblem('customerIds', 'a manager account: choose its client accounts'),
          );
        }
        customers.push({ ...info, status: 'ok', cursor: {} });
      }
      const first = customers[0]!;
      const name = externalId && !customerIds.includes(externalId) ? (await client.customer(externalId)).name : first.name;
      return { name, currency: first.currency, timezone: first.timezone, customers };
    } catch (error) {
      if (error instanceof CustomerRefused) {
        throw new AppError(ErrorCodes.validationFailed, `Google Ads refused customer ${error.customerId}: ${error.message}`, HttpStatus.BAD_REQUEST, fieldProblem('customerIds', error.reason));
      }
      throw this.connectError(error, ErrorCodes.googleInvalidGrant, 'Google refused these credentials');
    }
  }

  private connectError(error: unknown, code: typeof ErrorCodes.metaTokenInvalid | typeof ErrorCodes.googleInvalidGrant, summary: string): AppError {
    if (error instanceof CredentialsRejected || (error instanceof PlatformError && /^(meta_error_(100|102|190|200)|google_unauthenticated)/.test(error.code))) {
      // On the secret that failed, so a form shows it under that field.
      const field = code === ErrorCodes.metaTokenInvalid ? 'credentials.accessToken' : 'credentials.refreshToken';
      return new AppError(code, `${summary}: ${error.message}`, HttpStatus.BAD_REQUEST, fieldProblem(field, `${summary}: ${error.message}`));
    }
    if (error instanceof PlatformError) return new AppError(ErrorCodes.adPlatformUnavailable, `${summary.split(' ')[0]} could not be reached: ${error.message}`, HttpStatus.BAD_GATEWAY);
    throw error;
  }
}
