import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { inProcessServiceEnv, type ServiceHarness } from '@castline/testkit';
import { PrismaService, SecretBox } from '@castline/platform';
import { startChannels } from '../src/channels-app';
import { ChannelsRepository } from '../src/channels/channels.repository';
import { SourcePolicy } from '../src/channels/source-policy';
import { DEV_SOURCE_SECRET_KEY } from '../src/config';
import { startChannelsHarness } from './channels-harness';

/** A source URL sealed the way values were before key ids (`v1.<iv>.<tag>.<body>`, no AAD). */
function sealV1(secret: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', createHash('sha256').update(secret, 'utf8').digest(), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

/** Sealed source URLs of the old format are sealed again (current key and format) when channels starts. */
describe('source secrets re-sealed at startup', () => {
  let harness: ServiceHarness;
  let again: NestFastifyApplication | undefined;
  const uploadsDir = mkdtempSync(path.join(tmpdir(), 'castline-uploads-reseal-'));
  const prisma = () => harness.app.get(PrismaService);

  beforeAll(async () => {
    harness = await startChannelsHarness('channels-source-reseal');
  });
  afterAll(async () => {
    await again?.close();
    await harness?.close();
    rmSync(uploadsDir, { recursive: true, force: true });
  });

  it('turns v1 values into current ones that open with the key alone; leaves a value no key opens', async () => {
    const full = 'rtmp://alice:s3cret@93.184.215.14/app/streamKEY1';
    const lost = new SecretBox('a-key-this-service-never-had-0123456789').seal('rtmp://bob:pw@93.184.215.14/app/k');
    const presetId = (await prisma().encodingPreset.findFirstOrThrow()).id;
    const channel = await prisma().channel.create({
      data: {
        name: 'Old seal', slug: 'old-seal', presetId,
        sources: { create: [{ position: 0, url: 'rtmp://***@93.184.215.14/app/***', secretUrl: sealV1(DEV_SOURCE_SECRET_KEY, full) }, { position: 1, url: 'rtmp://***@93.184.215.14/app/***', secretUrl: lost }] },
      },
    });

    again = await startChannels({ ...inProcessServiceEnv(harness.databaseUrl, harness.natsUrl), REDIS_KEY_PREFIX: harness.redisKeyPrefix, UPLOADS_DIR: uploadsDir }, { handleSignals: false });

    const [primary, backup] = await prisma().channelSource.findMany({ where: { channelId: channel.id }, orderBy: { position: 'asc' } });
    const box = new SecretBox(DEV_SOURCE_SECRET_KEY);
    expect(box.needsResealing(primary!.secretUrl!)).toBe(false);
    expect(box.open(primary!.secretUrl!)).toBe(full);
    expect(again.get(SourcePolicy).secrets.reveal(primary!)).toBe(full);
    expect(backup!.secretUrl).toBe(lost);
  });

  it('writes a re-sealed URL only while the row still holds the value it was made from', async () => {
    const source = await prisma().channelSource.findFirstOrThrow({ where: { position: 0, channel: { slug: 'old-seal' } } });
    const channels = harness.app.get(ChannelsRepository);
    expect(await channels.replaceSecretUrl(source.id, 'v1.stale.value.before', 'v2.resealed')).toBe(false);
    expect((await prisma().channelSource.findUniqueOrThrow({ where: { id: source.id } })).secretUrl).toBe(source.secretUrl);
    expect(await channels.replaceSecretUrl(source.id, source.secretUrl!, 'v2.resealed')).toBe(true);
  });
});
