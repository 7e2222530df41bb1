import { randomBytes } from 'node:crypto';
import type { AdAccount } from '@castline/db';
import { GoogleAdsFake, type GoogleFakeOptions, MetaGraphFake, type MetaFakeOptions, type ServiceHarness, type ServiceProcess, spawnService, startServiceHarness } from '@castline/testkit';
import { PrismaService } from '@castline/platform';
import { AccountCredentialsBox, last4 } from '../src/accounts/account-credentials';
import { startCampaigns } from '../src/campaigns-app';
import { AdSyncService } from '../src/sync/ad-sync.service';
import { dateOnly } from '../src/sync/day-range';

export const META_TOKEN = 'meta-test-access-token';
export const META_APP_SECRET = 'fake-app-secret';
export const GOOGLE_REFRESH = 'google-test-refresh-token';

export interface CampaignsTestbed {
  harness: ServiceHarness;
  meta: MetaGraphFake;
  google: GoogleAdsFake;
  prisma: PrismaService;
  sync: AdSyncService;
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Env pointing the campaigns service at the fakes, with small waits so faults resolve quickly. */
export function fakeEnv(meta: MetaGraphFake, google: GoogleAdsFake, extra: Record<string, string> = {}): Record<string, string> {
  return {
    META_GRAPH_URL: meta.url,
    META_GRAPH_VERSION: meta.options.version,
    GOOGLE_ADS_URL: google.url,
    GOOGLE_ADS_VERSION: google.options.version,
    GOOGLE_OAUTH_TOKEN_URL: `${google.url}/token`,
    META_POLL_INTERVAL_MS: '5',
    META_STUCK_AFTER_MS: '100',
    AD_SYNC_BACKOFF_MS: '20',
    TRACKING_IP_KEY: 'castline-development-tracking-ip-key',
    ...extra,
  };
}

export async function startTestbed(label: string, options: { meta?: MetaFakeOptions; google?: GoogleFakeOptions; env?: Record<string, string> } = {}): Promise<CampaignsTestbed> {
  const meta = new MetaGraphFake(options.meta);
  const google = new GoogleAdsFake(options.google);
  await meta.start();
  await google.start();
  meta.addToken(META_TOKEN);
  google.addRefreshToken(GOOGLE_REFRESH);
  const env = fakeEnv(meta, google, { AD_SYNC_WORKER: 'off', ...options.env });
  const harness = await startServiceHarness(label, startCampaigns, env);
  return {
    harness,
    meta,
    google,
    env,
    prisma: harness.app.get(PrismaService),
    sync: harness.app.get(AdSyncService),
    close: async () => {
      await harness.close();
      await meta.close();
      await google.close();
    },
  };
}

/** Stores an account row the way connect does (sealed credentials), without asking the platform. */
export async function seedAccount(
  bed: Pick<CampaignsTestbed, 'harness' | 'prisma'>,
  platform: 'meta' | 'google',
  externalId: string,
  extra: { currency?: string; timezone?: string; customers?: Array<{ id: string; currency: string; timezone?: string }>; accessToken?: string; refreshToken?: string } = {},
): Promise<AdAccount> {
  const box = bed.harness.app.get(AccountCredentialsBox);
  const id = crypto.randomUUID();
  const credentials =
    platform === 'meta'
      ? { accessToken: extra.accessToken ?? META_TOKEN, appSecret: META_APP_SECRET }
      : { refreshToken: extra.refreshToken ?? GOOGLE_REFRESH, clientId: 'fake-client-id', clientSecret: 'fake-client-secret', developerToken: 'fake-developer-token' };
  const customers = (extra.customers ?? (platform === 'google' ? [{ id: externalId, currency: extra.currency ?? 'USD' }] : [])).map((customer) => ({
    id: customer.id,
    name: `Customer ${customer.id}`,
    currency: customer.currency,
    timezone: customer.timezone ?? 'UTC',
    status: 'ok',
    cursor: {},
  }));
  return bed.prisma.adAccount.create({
    data: {
      id,
      platform,
      externalId,
      name: `${platform} ${externalId}`,
      currency: extra.currency ?? 'USD',
      timezone: extra.timezone ?? 'UTC',
      credentials: box.seal(id, credentials),
      credentialsLast4: last4(platform === 'meta' ? credentials.accessToken! : (credentials as { refreshToken: string }).refreshToken),
      conversionActionTypes: platform === 'meta' ? ['offsite_conversion.fb_pixel_purchase'] : [],
      customers,
      pixelId: randomBytes(8).toString('hex'),
    },
  });
}

export interface StoredDay {
  externalId: string;
  date: string;
  impressions: number;
  clicks: number;
  spendMicros: number;
  conversions: number;
  revenueMicros: number;
}

/** Every stored campaign (or creative) day of an account, as plain numbers, sorted. */
export async function storedDays(prisma: PrismaService, accountId: string, level: 'campaign' | 'ad'): Promise<StoredDay[]> {
  const sql =
    level === 'campaign'
      ? `SELECT c.external_id AS "externalId", m.date::text AS date, m.impressions::int AS impressions, m.clicks::int AS clicks, m.spend_micros::bigint::text AS spend,
                m.platform_conversions::float8 AS conversions, m.platform_revenue_micros::text AS revenue
         FROM campaign_metrics m JOIN campaigns c ON c.id = m.campaign_id WHERE c.account_id = $1::uuid ORDER BY 2, 1`
      : `SELECT a.external_ad_id AS "externalId", m.date::text AS date, m.impressions::int AS impressions, m.clicks::int AS clicks, m.spend_micros::text AS spend,
                m.platform_conversions::float8 AS conversions, m.platform_revenue_micros::text AS revenue
         FROM creative_metrics m JOIN ad_creatives a ON a.id = m.creative_id JOIN campaigns c ON c.id = a.campaign_id WHERE c.account_id = $1::uuid ORDER BY 2, 1`;
  const rows = await prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(sql, accountId);
  return rows.map((row) => ({
    externalId: String(row.externalId),
    date: String(row.date),
    impressions: Number(row.impressions),
    clicks: Number(row.clicks),
    spendMicros: Number(row.spend),
    conversions: Number(row.conversions),
    revenueMicros: Number(row.revenue),
  }));
}

/** What the fake holds for the same days, in the same shape. */
export function fakeDays(fake: MetaGraphFake | GoogleAdsFake, accountId: string, level: 'campaign' | 'ad', days: string[]): StoredDay[] {
  const account = fake.data.account(accountId)!;
  const rows: StoredDay[] = [];
  for (const date of days) {
    for (const campaign of account.campaigns) {
      const objects = level === 'campaign' ? [{ id: campaign.id, day: fake.data.campaignDay(accountId, campaign, date) }] : campaign.ads.map((ad) => ({ id: ad.id, day: fake.data.adDay(accountId, ad.id, date) }));
      for (const object of objects) rows.push({ externalId: object.id, date, ...object.day });
    }
  }
  return rows.sort((a, b) => (a.date === b.date ? a.externalId.localeCompare(b.externalId) : a.date.localeCompare(b.date)));
}

/**
 * Separate campaigns processes with the ad-sync worker on (short locks, quick polls), on the testbed's database,
 * NATS and Redis key prefix, for tests that kill or starve them; `kill()` ends the ones still running.
 */
export function syncWorkers(bed: CampaignsTestbed) {
  const started: ServiceProcess[] = [];
  const output = () => started.map((each) => each.output()).join('\n---\n');
  return {
    start: async (env: Record<string, string | undefined> = {}) => {
      const worker = await spawnService('campaigns', {
        ...bed.env,
        AD_SYNC_WORKER: 'on',
        META_POLL_INTERVAL_MS: '40',
        AD_SYNC_LOCK_MS: '1500',
        DATABASE_URL: bed.harness.databaseUrl,
        NATS_URL: bed.harness.natsUrl,
        REDIS_URL: process.env.REDIS_URL,
        REDIS_KEY_PREFIX: bed.harness.redisKeyPrefix,
        ...env,
      });
      started.push(worker);
      return worker;
    },
    kill: () => {
      for (const worker of started) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    },
    /** Polls until `done`; the error names the last value and what the workers printed. */
    waitFor: async <T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 40_000): Promise<T> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await read();
        if (done(value)) return value;
        if (Date.now() > deadline) throw new Error(`not reached in time: last ${JSON.stringify(value)}; ${output()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

/** The day an account's backfill has committed through (null before its first chunk). */
export async function backfillCursor(prisma: PrismaService, accountId: string): Promise<string | null> {
  const account = await prisma.adAccount.findUniqueOrThrow({ where: { id: accountId } });
  return account.backfillCursor ? dateOnly(account.backfillCursor) : null;
}
