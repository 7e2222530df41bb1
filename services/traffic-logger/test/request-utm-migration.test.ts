import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, defaultDatabaseUrl, dropDatabase, withDatabaseName, withPgClient } from '@castline/db';
import { utmColumnsOf } from '../src/pipeline/access-rows';

/**
 * The migration that gave requests their utm columns parses the rows stored before it in SQL. Those rows must
 * read as if ingest had parsed them (utmColumnsOf, packages/attribution): same decoding, same name matching.
 */
const MIGRATION = '20261201130000_traffic_request_utm';
const QUERIES = [
  null,
  '',
  'q=tv',
  'utm_source=newsletter',
  'utm_source=news%20letter&utm_campaign=winter+sale',
  'UTM_Source=Mixed&utm_MEDIUM=cpc',
  'utm_source=&utm_source=second',
  'utm_source=%20%20padded%20&utm_term=a%2Bb',
  'utm_content=%E2%82%AC%20price',
  'utm_source=100%&utm_campaign=50%25',
  `utm_campaign=${'x'.repeat(300)}`,
  'utm_source',
  'a=1&utm_source=first&b=2&utm_source=again',
  'utm%5Fsource=encoded-name',
  'utm_medium=email&utm_medium=',
];
/** Not UTF-8 once decoded: ingest reads U+FFFD where the bytes were, the migration keeps the value as written. */
const NOT_UTF8 = 'utm_source=bad%FFbyte';

const work: string[] = [];
let databaseUrl = '';

afterAll(async () => {
  if (databaseUrl) await dropDatabase(databaseUrl).catch(() => undefined);
  for (const dir of work) await rm(dir, { recursive: true, force: true });
});

it('fills the utm columns of requests stored before it as ingest would have', async () => {
  const before = await mkdtemp(path.join(tmpdir(), 'castline-migrations-before-utm-'));
  work.push(before);
  await cp(DEFAULT_MIGRATIONS_DIR, before, { recursive: true });
  for (const name of await readdir(before)) if (/^\d+_/.test(name) && name >= MIGRATION) await rm(path.join(before, name), { recursive: true });
  databaseUrl = withDatabaseName(defaultDatabaseUrl(), `castline_test_utm_migration_${randomBytes(4).toString('hex')}`);
  await applyMigrations(databaseUrl, { migrationsDir: before });
  const ts = new Date();
  await withPgClient(databaseUrl, async (client) => {
    for (const [index, query] of [...QUERIES, NOT_UTF8].entries()) {
      await client.query(
        `INSERT INTO traffic.requests (ts, request_id, host, method, path, query, status, body_bytes, bytes_sent, request_time_ms)
         VALUES ($1, $2, 'tv.example.com', 'GET', '/', $3, 200, 0, 0, 1)`,
        [ts, `r${index}`, query],
      );
    }
  });

  expect(await applyMigrations(databaseUrl)).toContain(MIGRATION);

  const rows = await withPgClient(databaseUrl, async (client) =>
    (await client.query(`SELECT request_id, utm_source, utm_medium, utm_campaign, utm_term, utm_content FROM traffic.requests ORDER BY substr(request_id, 2)::int`)).rows,
  );
  const stored = rows.map((row) => ({ utmSource: row.utm_source, utmMedium: row.utm_medium, utmCampaign: row.utm_campaign, utmTerm: row.utm_term, utmContent: row.utm_content }));
  expect(stored.slice(0, QUERIES.length)).toEqual(QUERIES.map((query) => utmColumnsOf(query)));
  expect(stored.at(-1)!.utmSource).toBe('bad%FFbyte');
  // The cases mean what they say (not all null on both sides).
  const of = (query: string) => stored[QUERIES.indexOf(query)]!;
  expect(of('utm_source=news%20letter&utm_campaign=winter+sale')).toEqual({ utmSource: 'news letter', utmMedium: null, utmCampaign: 'winter sale', utmTerm: null, utmContent: null });
  expect(of('UTM_Source=Mixed&utm_MEDIUM=cpc')).toMatchObject({ utmSource: 'Mixed', utmMedium: 'cpc' });
  expect(of('utm_source=&utm_source=second').utmSource).toBe('second');
  expect(of('utm_content=%E2%82%AC%20price').utmContent).toBe('€ price');
  expect(of(`utm_campaign=${'x'.repeat(300)}`).utmCampaign).toHaveLength(255);
});
