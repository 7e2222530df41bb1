import { once } from 'node:events';
import { createServer } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import {
  applyMigrations,
  defaultDatabaseUrl,
  dropDatabase,
  maintenanceUrlOf,
  quoteIdentifier,
  readMigrationsList,
  withDatabaseName,
  withPgClient,
} from '@castline/db';

export interface TestDatabase {
  /** Connection URL of a new database with every migration applied. */
  url: string;
  /** Drops the database, disconnecting whatever still uses it. */
  drop(): Promise<void>;
}

const TEMPLATE_PREFIX = 'castline_test_template_';
/** Serializes template builds across jest workers and parallel runs on one server. */
const TEMPLATE_LOCK_KEY = 0x63_61_73_74; // "cast"

/** The PostgreSQL server integration tests create their databases on. */
export function testServerUrl(): string {
  return process.env.TEST_DATABASE_URL || defaultDatabaseUrl();
}

function slug(label: string): string {
  return (
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 30) || 'test'
  );
}

function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

/** Named after the migrations' content, so a changed or added migration gets a fresh template. */
async function templateName(): Promise<string> {
  const hash = createHash('sha256');
  for (const { path, migrationFile } of (await readMigrationsList()).migrationDirectories) {
    hash.update(`${path}\0${migrationFile.content.value}\0`);
  }
  return TEMPLATE_PREFIX + hash.digest('hex').slice(0, 16);
}

/**
 * Creates castline_test_<label>_<random> on the server of TEST_DATABASE_URL (else DATABASE_URL, else the
 * local default) as a copy of a template database that has every migration applied. The template is
 * built once per set of migrations, so each test database costs one CREATE DATABASE instead of a
 * migration run.
 */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  const template = await templateName();
  const name = `castline_test_${slug(label)}_${uniqueSuffix()}`;

  await withPgClient(maintenanceUrlOf(serverUrl), async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
    try {
      const existing = await client.query<{ datname: string; datistemplate: boolean }>(
        'SELECT datname, datistemplate FROM pg_database WHERE starts_with(datname, $1)',
        [TEMPLATE_PREFIX],
      );
      // Templates of other migration sets, and one whose build died half-way (never marked as template).
      for (const stale of existing.rows.filter((row) => row.datname !== template || !row.datistemplate)) {
        await client.query(`ALTER DATABASE ${quoteIdentifier(stale.datname)} IS_TEMPLATE false`);
        await client.query(`DROP DATABASE ${quoteIdentifier(stale.datname)} WITH (FORCE)`);
      }
      if (!existing.rows.some((row) => row.datname === template && row.datistemplate)) {
        await applyMigrations(withDatabaseName(serverUrl, template));
        await client.query(`ALTER DATABASE ${quoteIdentifier(template)} IS_TEMPLATE true`);
      }
      await client.query(`CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(template)}`);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]);
    }
  });

  const url = withDatabaseName(serverUrl, name);
  return { url, drop: () => dropDatabase(url) };
}

/** A Redis key prefix no other test (or parallel run) uses: castline:test:<label>:<random>: */
export function redisKeyPrefix(label: string): string {
  return `castline:test:${slug(label)}:${uniqueSuffix()}:`;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
