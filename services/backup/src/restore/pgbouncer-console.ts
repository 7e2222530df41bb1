import { Client } from 'pg';

/** PgBouncer's admin console error when RESUME finds nothing paused. */
const NOT_PAUSED = /not paused/i;

/**
 * PgBouncer's admin console (BACKUP_PGBOUNCER_ADMIN_URL, database `pgbouncer`, as one of its admin_users): the
 * switch pauses the live database's pools so clients wait instead of failing, and resumes them after the renames.
 * The console speaks only the simple query protocol: every command here is a parameterless query.
 */
export class PgBouncerConsole {
  constructor(
    readonly adminUrl: string,
    /** The database's name in PgBouncer's [databases] (usually the server's name). */
    readonly database: string,
    readonly pauseTimeoutMs = 10_000,
  ) {
    // The console takes a bare word (no quoting): refuse anything else rather than build a command from it.
    if (!/^[A-Za-z0-9_]+$/.test(database)) throw new Error(`PgBouncer database name ${JSON.stringify(database)} is not a plain word`);
  }

  private async connect(): Promise<Client> {
    const client = new Client({ connectionString: this.adminUrl });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  private async command(sql: string): Promise<void> {
    const client = await this.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /**
   * PAUSE <db>: returns once every server connection of the database is released (transactions in flight
   * finish; new ones wait in PgBouncer). Taking longer than `pauseTimeoutMs` (a long transaction) resumes and
   * throws: the switch is abandoned before anything was renamed.
   */
  async pause(): Promise<void> {
    const client = await this.connect();
    let timer: NodeJS.Timeout | undefined;
    try {
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.pauseTimeoutMs)));
      const paused = client.query(`PAUSE ${this.database}`).then(() => 'paused' as const);
      paused.catch(() => undefined);
      if ((await Promise.race([paused, timedOut])) === 'timeout') {
        await this.resume();
        throw new Error(`PgBouncer could not pause ${this.database} within ${this.pauseTimeoutMs} ms (a long transaction?): the switch was abandoned, nothing renamed`);
      }
    } finally {
      clearTimeout(timer);
      await client.end().catch(() => undefined);
    }
  }

  /**
   * RECONNECT then RESUME: server connections still open to the renamed-away database (there should be none,
   * they were terminated) are replaced on their next release; waiting clients proceed on the new database.
   * Resuming a database that is not paused (recovery after a crash) is fine.
   */
  async resume(): Promise<void> {
    await this.command(`RECONNECT ${this.database}`).catch(() => undefined);
    await this.command(`RESUME ${this.database}`).catch((error: Error) => {
      if (!NOT_PAUSED.test(error.message)) throw error;
    });
  }
}
