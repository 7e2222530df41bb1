import { Client } from 'pg';
import { quoteIdentifier } from '@castline/db';

export interface DatabaseSnapshot {
  /** pg_export_snapshot()'s id: pg_dump --snapshot sees exactly what the counts saw. */
  snapshotId: string;
  serverVersionNum: number;
  rowCounts: Record<string, number>;
  /** Applied migrations, oldest first. */
  migrations: string[];
  /** Ends the exporting transaction; the snapshot is valid until then. */
  release(): Promise<void>;
}

/** Tables of the public schema, sorted. */
export async function listTables(client: Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
  return rows.map((row) => row.name);
}

export async function countRows(client: Client, tables: readonly string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await client.query<{ count: string }>(`SELECT count(*) AS count FROM public.${quoteIdentifier(table)}`);
    counts[table] = Number(rows[0]!.count);
  }
  return counts;
}

export async function appliedMigrations(client: Client): Promise<string[]> {
  const exists = await client.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = '_prisma_migrations'`);
  if (!exists.rowCount) return [];
  const { rows } = await client.query<{ name: string }>(
    `SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
  );
  return rows.map((row) => row.name);
}

/**
 * Opens a REPEATABLE READ transaction, exports its snapshot, counts the rows of every table in it and keeps
 * it open: a pg_dump given the snapshot id dumps exactly the rows counted, whatever is written meanwhile.
 * Tables whose data is excluded from the dump count as 0.
 */
export async function openSnapshot(databaseUrl: string, excludedTableData: readonly string[] = []): Promise<DatabaseSnapshot> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'castline-backup-snapshot' });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await client.query<{ id: string; version: string }>(`SELECT pg_export_snapshot() AS id, current_setting('server_version_num') AS version`);
    const tables = await listTables(client);
    const rowCounts = await countRows(client, tables.filter((table) => !excludedTableData.includes(table)));
    for (const table of excludedTableData) if (tables.includes(table)) rowCounts[table] = 0;
    const migrations = await appliedMigrations(client);
    return {
      snapshotId: rows[0]!.id,
      serverVersionNum: Number(rows[0]!.version),
      rowCounts,
      migrations,
      release: async () => {
        await client.query('COMMIT').catch(() => undefined);
        await client.end();
      },
    };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

export async function serverVersionNum(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string }>(`SELECT current_setting('server_version_num') AS version`);
    return Number(rows[0]!.version);
  } finally {
    await client.end();
  }
}
