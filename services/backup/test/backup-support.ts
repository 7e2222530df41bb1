import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { quoteIdentifier, withPgClient } from '@castline/db';

export const TEST_BACKUP_KEY = 'backup-service-test-key-0123456789abcdef';

/** Directories and env of a backup service under test. */
export async function backupEnv(): Promise<{ work: string; env: Record<string, string> }> {
  const work = await mkdtemp(path.join(tmpdir(), 'castline-backup-'));
  await mkdir(path.join(work, 'uploads', 'logos'), { recursive: true });
  for (const directory of ['originals', 'vod/v1', 'incoming', 'work']) await mkdir(path.join(work, 'media', directory), { recursive: true });
  await mkdir(path.join(work, 'nginx', 'snippets'), { recursive: true });
  await writeFile(path.join(work, 'nginx', 'nginx.conf'), 'events {}\n');
  await writeFile(path.join(work, 'nginx', 'snippets', 'tls.conf'), 'ssl_protocols TLSv1.3;\n');
  await writeFile(path.join(work, 'local.env'), 'JWT_SECRET=test\nADMIN_EMAIL=admin@castline.local\n');
  return {
    work,
    env: {
      BACKUP_DIR: path.join(work, 'backups'),
      UPLOADS_DIR: path.join(work, 'uploads'),
      MEDIA_ROOT: path.join(work, 'media'),
      BACKUP_NGINX_DIR: path.join(work, 'nginx'),
      BACKUP_CONFIG_FILE: path.join(work, 'local.env'),
      BACKUP_ENCRYPTION_KEY: TEST_BACKUP_KEY,
    },
  };
}

export const SEEDED_TABLES = ['users', 'refresh_tokens', 'api_keys', 'audit_log', 'encoding_presets', 'uploads', 'channels', 'channel_sources', 'channel_events'];

/** Rows in the gateway's and channels' tables (SEEDED_TABLES). */
export async function seedEveryTable(databaseUrl: string): Promise<void> {
  await withPgClient(databaseUrl, async (client) => {
    const user = randomUUID();
    const upload = randomUUID();
    const preset = randomUUID();
    const channel = randomUUID();
    await client.query(`INSERT INTO users (id, email, password_hash, role, updated_at) VALUES ($1, 'admin@example.test', 'x', 'admin', now())`, [user]);
    await client.query(`INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at) VALUES (gen_random_uuid(), $1, $2, 'hash-1', now() + interval '1 day')`, [user, randomUUID()]);
    await client.query(`INSERT INTO api_keys (id, name, prefix, key_hash, role, created_by_id) VALUES (gen_random_uuid(), 'ci', 'cl_ab12', 'key-hash', 'operator', $1)`, [user]);
    await client.query(`INSERT INTO audit_log (actor_type, action, status_code, result, details) VALUES ('user', 'channels.create', 201, 'success', '{"a":1}')`);
    await client.query(`INSERT INTO encoding_presets (id, name, updated_at) VALUES ($1, 'backup-test', now())`, [preset]);
    await client.query(
      `INSERT INTO uploads (id, kind, original_name, stored_path, mime_type, size_bytes, width, height, sha256) VALUES ($1, 'logo', 'logo.png', 'logos/logo.png', 'image/png', 4, 1, 1, 'x')`,
      [upload],
    );
    await client.query(`INSERT INTO channels (id, name, slug, preset_id, logo_upload_id, updated_at) VALUES ($1, 'News', 'news', $2, $3, now())`, [channel, preset, upload]);
    await client.query(`INSERT INTO channel_sources (id, channel_id, position, url) VALUES (gen_random_uuid(), $1, 0, 'udp://239.0.0.1:1234')`, [channel]);
    await client.query(`INSERT INTO channel_events (channel_id, type, message) VALUES ($1, 'created', 'created')`, [channel]);
  });
}

export const BACKUP_TABLES = ['backup_settings', 'system_backups', 'backup_components', 'restore_history'];

/** Rows and a digest of the content of every table but the backup service's own, to compare two states. */
export async function tableDigests(databaseUrl: string): Promise<Record<string, { rows: number; md5: string }>> {
  return withPgClient(databaseUrl, async (client) => {
    const { rows: tables } = await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
    const digests: Record<string, { rows: number; md5: string }> = {};
    for (const { name } of tables) {
      if (BACKUP_TABLES.includes(name)) continue;
      const { rows } = await client.query<{ rows: string; md5: string }>(
        `SELECT count(*) AS rows, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS md5 FROM ${quoteIdentifier(name)} t`,
      );
      digests[name] = { rows: Number(rows[0]!.rows), md5: rows[0]!.md5 };
    }
    return digests;
  });
}

/**
 * Polls until `done`. A read that fails is retried: without PgBouncer the switch ends every session of the live
 * database, so the one request that meets it fails and the next one reconnects.
 */
export async function waitUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 25_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let value: T | Error;
    try {
      value = await read();
      if (done(value)) return value;
    } catch (error) {
      value = error as Error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms; last value: ${value instanceof Error ? value.message : JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
