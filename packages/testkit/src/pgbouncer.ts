import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withPgClient } from '@castline/db';
import { freePort } from './database';

/** Debian keeps pgbouncer in /usr/sbin (scripts/system-deps.sh test installs it). */
export const pgbouncerBinary = () => ['/usr/sbin/pgbouncer', '/usr/local/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((file) => existsSync(file)) ?? 'pgbouncer';

export interface TestPgBouncer {
  /** `databaseUrl` with host and port replaced by PgBouncer's (same user, same database name). */
  url: string;
  /** The admin console (database `pgbouncer`), as the URL's user, who is an admin_user. */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * A real PgBouncer in transaction pooling in front of the server of `databaseUrl`: every database name is passed
 * through (`* =`), so a database renamed on the server is found under its new name by the next server connection.
 * Clients authenticate as the URL's user without a password (auth_type trust: tests only); that user is an
 * admin_user for PAUSE/RESUME. As root, PgBouncer refuses to run: it is started as `postgres` (-u).
 */
export async function startTestPgBouncer(databaseUrl: string): Promise<TestPgBouncer> {
  const server = new URL(databaseUrl);
  const user = decodeURIComponent(server.username || 'postgres');
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'castline-test-pgbouncer-'));
  const asRoot = userInfo().uid === 0;
  writeFileSync(path.join(dir, 'userlist.txt'), `"${user}" ""\n`);
  writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      "unix_socket_dir = ''",
      'auth_type = trust',
      `auth_file = ${path.join(dir, 'userlist.txt')}`,
      `admin_users = ${user}`,
      'pool_mode = transaction',
      'default_pool_size = 5',
      'max_client_conn = 100',
      // Releases a server connection as soon as its transaction ends, and checks one idle for a second before reuse.
      'server_check_delay = 1',
      'ignore_startup_parameters = extra_float_digits,options',
      `logfile = ${path.join(dir, 'pgbouncer.log')}`,
      `pidfile = ${path.join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
  );
  if (asRoot) {
    chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), 0);
    for (const file of ['userlist.txt', 'pgbouncer.ini']) chmodSync(path.join(dir, file), 0o644);
  }
  const args = [...(asRoot ? ['-u', 'postgres'] : []), path.join(dir, 'pgbouncer.ini')];
  // Its log goes to pgbouncer.log in its directory (kept quiet: it logs every connection).
  const child: ChildProcess = spawn(pgbouncerBinary(), args, { stdio: 'ignore' });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const credentials = `${encodeURIComponent(user)}@127.0.0.1:${port}`;
  const url = `${server.protocol}//${credentials}${server.pathname}`;
  const adminUrl = `${server.protocol}//${credentials}/pgbouncer`;
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (await withPgClient(adminUrl, (client) => client.query('SHOW VERSION')).then(() => true, () => false)) return { url, adminUrl, port, stop };
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  await stop();
  throw new Error(`pgbouncer did not start (${pgbouncerBinary()}; scripts/system-deps.sh test installs it)`);
}
