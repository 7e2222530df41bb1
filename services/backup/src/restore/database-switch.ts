import { Client } from 'pg';
import { databaseNameOf, maintenanceUrlOf, quoteIdentifier, withDatabaseName, withPgClient } from '@castline/db';
import { countRows, listTables } from '../database/snapshot';
import { backupDatabaseUrl, type BackupConfig } from '../config';
import { PgBouncerConsole } from './pgbouncer-console';

/** The backup service's own tables: a restore copies them from the live database so catalogue and history survive. */
export const BACKUP_TABLES = ['backup_settings', 'system_backups', 'backup_components', 'restore_history'] as const;

const DATABASE_IN_USE = '55006';

/** Every outside touch of a restore on PostgreSQL: create, drop, count, copy and the switch (renames). */
export class DatabaseSwitch {
  readonly live: string;
  readonly maintenanceUrl: string;

  constructor(
    readonly liveUrl: string,
    /** With PgBouncer in front (production), its pools are paused across the renames: clients wait, see no error. */
    readonly pooler?: PgBouncerConsole,
  ) {
    this.live = databaseNameOf(liveUrl);
    this.maintenanceUrl = maintenanceUrlOf(liveUrl);
  }

  urlOf(name: string): string {
    return withDatabaseName(this.liveUrl, name);
  }

  async exists(name: string): Promise<boolean> {
    return withPgClient(this.maintenanceUrl, async (client) => ((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount ?? 0) > 0);
  }

  /** Creates an empty database (from template0, so nothing of template1 leaks in). */
  async create(name: string, owner?: string): Promise<void> {
    const ownedBy = owner ? ` OWNER ${quoteIdentifier(owner)}` : '';
    await withPgClient(this.maintenanceUrl, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE template0${ownedBy}`));
  }

  async drop(name: string): Promise<void> {
    await withPgClient(this.maintenanceUrl, async (client) => {
      await client.query(`ALTER DATABASE ${quoteIdentifier(name)} ALLOW_CONNECTIONS true`).catch(() => undefined);
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
    });
  }

  async allowConnections(name: string, allow: boolean): Promise<void> {
    await withPgClient(this.maintenanceUrl, (client) => client.query(`ALTER DATABASE ${quoteIdentifier(name)} ALLOW_CONNECTIONS ${allow ? 'true' : 'false'}`));
  }

  async rowCounts(name: string): Promise<Record<string, number>> {
    return withPgClient(this.urlOf(name), async (client) => countRows(client, await listTables(client)));
  }

  /** Replaces the backup service's tables in `target` with the live database's rows. */
  async copyBackupTables(target: string): Promise<void> {
    const rows: Record<string, unknown[]> = {};
    await withPgClient(this.liveUrl, async (client) => {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      for (const table of BACKUP_TABLES) {
        rows[table] = (await client.query<{ rows: unknown[] | null }>(`SELECT json_agg(t) AS rows FROM ${quoteIdentifier(table)} t`)).rows[0]!.rows ?? [];
      }
      await client.query('COMMIT');
    });
    await withPgClient(this.urlOf(target), async (client) => {
      await client.query('BEGIN');
      await client.query(`TRUNCATE ${BACKUP_TABLES.map(quoteIdentifier).join(', ')}`);
      for (const table of BACKUP_TABLES) {
        await client.query(`INSERT INTO ${quoteIdentifier(table)} SELECT * FROM json_populate_recordset(NULL::${quoteIdentifier(table)}, $1::json)`, [JSON.stringify(rows[table])]);
      }
      await client.query('COMMIT');
    });
  }

  /**
   * The switch, from the maintenance database: the live database stops taking connections, its sessions are
   * ended, and in one transaction live becomes `previous` and `incoming` becomes live. Pools reconnect to the
   * same name and find the restored database. With PgBouncer, its pools are paused first (PAUSE waits for the
   * transactions in flight; new ones queue in PgBouncer) and resumed last: its clients see a pause, not an error.
   * Returns how long the live name was unavailable (ms).
   */
  async swap(incoming: string, previous: string): Promise<number> {
    const client = new Client({ connectionString: this.maintenanceUrl, application_name: 'castline-backup-switch' });
    await client.connect();
    const started = performance.now();
    let paused = false;
    try {
      if (this.pooler) {
        await this.pooler.pause();
        paused = true;
      }
      await client.query(`ALTER DATABASE ${quoteIdentifier(this.live)} ALLOW_CONNECTIONS false`);
      try {
        for (let attempt = 0; ; attempt++) {
          await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ANY($1) AND pid <> pg_backend_pid()', [[this.live, incoming]]);
          try {
            await client.query('BEGIN');
            await client.query(`ALTER DATABASE ${quoteIdentifier(this.live)} RENAME TO ${quoteIdentifier(previous)}`);
            await client.query(`ALTER DATABASE ${quoteIdentifier(incoming)} RENAME TO ${quoteIdentifier(this.live)}`);
            await client.query('COMMIT');
            break;
          } catch (error) {
            await client.query('ROLLBACK');
            // A session that was still ending holds the database: terminate again (a few times at most).
            if ((error as { code?: string }).code !== DATABASE_IN_USE || attempt >= 50) throw error;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
      } catch (error) {
        await client.query(`ALTER DATABASE ${quoteIdentifier(this.live)} ALLOW_CONNECTIONS true`).catch(() => undefined);
        throw error;
      }
      if (paused) {
        paused = false;
        await this.pooler!.resume();
      }
      const windowMs = Math.round(performance.now() - started);
      // The old database keeps its name `previous`, reachable again for undo and inspection.
      await client.query(`ALTER DATABASE ${quoteIdentifier(previous)} ALLOW_CONNECTIONS true`);
      return windowMs;
    } finally {
      // A failure before the renames committed: the old database is live again, its clients proceed.
      if (paused) await this.pooler!.resume().catch(() => undefined);
      await client.end();
    }
  }
}

/** The switch for a configuration: through PgBouncer's console when BACKUP_PGBOUNCER_ADMIN_URL is set. */
export function databaseSwitchFor(config: BackupConfig): DatabaseSwitch {
  const liveUrl = backupDatabaseUrl(config);
  const pooler = config.BACKUP_PGBOUNCER_ADMIN_URL
    ? new PgBouncerConsole(config.BACKUP_PGBOUNCER_ADMIN_URL, config.BACKUP_PGBOUNCER_DATABASE ?? databaseNameOf(liveUrl), config.BACKUP_PGBOUNCER_PAUSE_TIMEOUT_MS)
    : undefined;
  return new DatabaseSwitch(liveUrl, pooler);
}
