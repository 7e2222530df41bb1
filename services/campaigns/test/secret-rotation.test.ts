import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { inProcessServiceEnv } from '@castline/testkit';
import { SecretBox } from '@castline/platform';
import { credentialsAad } from '../src/accounts/account-credentials';
import { AccountsRepository } from '../src/accounts/accounts.repository';
import { startCampaigns } from '../src/campaigns-app';
import { AdSyncService } from '../src/sync/ad-sync.service';
import { type CampaignsTestbed, META_APP_SECRET, META_TOKEN, seedAccount, startTestbed } from './campaigns-harness';

const KEY_A = 'campaigns-rotation-test-key-a-0123456789';
const KEY_B = 'campaigns-rotation-test-key-b-0123456789';
const KEY_LOST = 'campaigns-rotation-test-key-lost-0123456';

/**
 * Key rotation: credentials sealed with key A are sealed again with key B when the service starts with
 * SECRETS_ENCRYPTION_KEY=B and SECRETS_ENCRYPTION_KEYS_OLD=A, so A can be removed afterwards.
 */
describe('SECRETS_ENCRYPTION_KEY rotation', () => {
  let bed: CampaignsTestbed;
  let rotated: NestFastifyApplication | undefined;

  beforeAll(async () => {
    bed = await startTestbed('campaigns-secret-rotation', { env: { SECRETS_ENCRYPTION_KEY: KEY_A } });
  });
  afterAll(async () => {
    await rotated?.close();
    await bed?.close();
  });

  it('re-seals with the new key at startup, leaves a value no key opens alone, and syncs with the re-sealed credentials', async () => {
    bed.meta.addAccount({ id: '7171', campaigns: 1, adsPerCampaign: 1 });
    const account = await seedAccount(bed, 'meta', '7171');
    const lost = await seedAccount(bed, 'meta', '7272');
    const lostValue = new SecretBox(KEY_LOST).seal(JSON.stringify({ accessToken: 'x', appSecret: 'y' }), credentialsAad(lost.id));
    await bed.prisma.adAccount.update({ where: { id: lost.id }, data: { credentials: lostValue } });

    const env = { ...inProcessServiceEnv(bed.harness.databaseUrl, bed.harness.natsUrl), REDIS_KEY_PREFIX: bed.harness.redisKeyPrefix, ...bed.env };
    rotated = await startCampaigns({ ...env, SECRETS_ENCRYPTION_KEY: KEY_B, SECRETS_ENCRYPTION_KEYS_OLD: KEY_A }, { handleSignals: false });

    const stored = await bed.prisma.adAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(stored.credentials).not.toBe(account.credentials);
    expect(JSON.parse(new SecretBox(KEY_B).open(stored.credentials, credentialsAad(account.id)))).toEqual({ accessToken: META_TOKEN, appSecret: META_APP_SECRET });
    // The value no configured key opens is as it was (and the service started).
    expect((await bed.prisma.adAccount.findUniqueOrThrow({ where: { id: lost.id } })).credentials).toBe(lostValue);

    // The service started with the new key (the old one still configured) syncs with the re-sealed credentials.
    const outcome = await rotated.get(AdSyncService).run({ platform: 'meta', accountId: account.id, since: '2025-03-01', until: '2025-03-02' });
    expect(outcome.status).toBe('succeeded');
  }, 60_000);

  it('writes a re-sealed value only while the row still holds the value it was made from', async () => {
    const account = await seedAccount(bed, 'meta', '7373');
    const accounts = bed.harness.app.get(AccountsRepository);
    // Someone changed the credentials after the value was read: the stale write changes nothing.
    expect(await accounts.replaceCredentials(account.id, 'v2.stale.value.read.before', 'v2.resealed')).toBe(false);
    expect((await bed.prisma.adAccount.findUniqueOrThrow({ where: { id: account.id } })).credentials).toBe(account.credentials);
    expect(await accounts.replaceCredentials(account.id, account.credentials, 'v2.resealed')).toBe(true);
    expect((await bed.prisma.adAccount.findUniqueOrThrow({ where: { id: account.id } })).credentials).toBe('v2.resealed');
  });
});
