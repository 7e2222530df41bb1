import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { inProcessServiceEnv } from '@castline/testkit';
import { PrismaService, SecretBox } from '@castline/platform';
import { AlertsRepository } from '../src/alerts/alerts.repository';
import { AlertsService, receiverAad } from '../src/alerts/alerts.service';
import { startMonitoring } from '../src/monitoring-app';
import { ALERTING_ENV, type AlertingHarness, startAlertingHarness } from './alerting-harness';

const KEY_A = 'monitoring-rotation-test-key-a-0123456789';
const KEY_B = 'monitoring-rotation-test-key-b-0123456789';
const KEY_LOST = 'monitoring-rotation-test-key-lost-012345';

/**
 * Key rotation: receiver configs sealed with key A are sealed again with key B when monitoring starts with
 * SECRETS_ENCRYPTION_KEY=B and SECRETS_ENCRYPTION_KEYS_OLD=A, so A can be removed afterwards.
 */
describe('SECRETS_ENCRYPTION_KEY rotation', () => {
  let alerting: AlertingHarness;
  let rotated: NestFastifyApplication | undefined;
  const prisma = () => alerting.monitoring.app.get(PrismaService);

  beforeAll(async () => {
    alerting = await startAlertingHarness('monitoring-secret-rotation', { SECRETS_ENCRYPTION_KEY: KEY_A });
  });
  afterAll(async () => {
    await rotated?.close();
    await alerting?.close();
  });

  it('re-seals receiver configs with the new key at startup, leaves a value no key opens alone, and still delivers', async () => {
    const hook = await prisma().alertReceiver.findUniqueOrThrow({ where: { name: 'hook' } });
    const lostId = crypto.randomUUID();
    const lostValue = new SecretBox(KEY_LOST).seal(JSON.stringify({ url: 'http://127.0.0.1:9/' }), receiverAad(lostId));
    await prisma().alertReceiver.create({ data: { id: lostId, name: 'lost', kind: 'webhook', config: lostValue } });

    const { monitoring } = alerting;
    const env = { ...inProcessServiceEnv(monitoring.databaseUrl, monitoring.natsUrl), REDIS_KEY_PREFIX: monitoring.redisKeyPrefix, ...ALERTING_ENV };
    rotated = await startMonitoring({ ...env, SECRETS_ENCRYPTION_KEY: KEY_B, SECRETS_ENCRYPTION_KEYS_OLD: KEY_A }, { handleSignals: false });

    const stored = await prisma().alertReceiver.findUniqueOrThrow({ where: { id: hook.id } });
    expect(stored.config).not.toBe(hook.config);
    expect(JSON.parse(new SecretBox(KEY_B).open(stored.config, receiverAad(hook.id)))).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/) });
    expect((await prisma().alertReceiver.findUniqueOrThrow({ where: { id: lostId } })).config).toBe(lostValue);
    await prisma().alertReceiver.delete({ where: { id: lostId } });

    // Monitoring with the new key sends to the receiver with its re-sealed config.
    alerting.received.length = 0;
    expect(await rotated.get(AlertsService).testReceiver({ id: hook.id })).toMatchObject({ ok: true, statusCode: 200 });
    expect(alerting.received).toHaveLength(1);
  }, 60_000);

  it('writes a re-sealed config only while the row still holds the value it was made from', async () => {
    const hook = await prisma().alertReceiver.findUniqueOrThrow({ where: { name: 'hook' } });
    const receivers = alerting.monitoring.app.get(AlertsRepository);
    expect(await receivers.replaceReceiverConfig(hook.id, 'v2.stale.value.read.before', 'v2.resealed')).toBe(false);
    expect((await prisma().alertReceiver.findUniqueOrThrow({ where: { id: hook.id } })).config).toBe(hook.config);
    expect(await receivers.replaceReceiverConfig(hook.id, hook.config, 'v2.resealed')).toBe(true);
    expect((await prisma().alertReceiver.findUniqueOrThrow({ where: { id: hook.id } })).config).toBe('v2.resealed');
  });
});
