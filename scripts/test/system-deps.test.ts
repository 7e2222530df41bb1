import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@castline/testkit';

/**
 * scripts/system-deps.sh decides what a host lacks. Dry runs (SYSTEM_DEPS_DRY_RUN=1) print the commands it would
 * run as root, so its decisions are checked here without installing anything; the real installs were checked once
 * on a bare Debian 12 (debootstrap) as root and as a user without sudo (see the README).
 */
const script = path.resolve(__dirname, '../system-deps.sh');
const workDir = mkdtempSync(path.join(os.tmpdir(), 'castline-system-deps-'));
const localEnv = path.join(workDir, 'local.env');

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function systemDeps(env: Record<string, string | undefined>, mode = 'run') {
  // The servers' URLs come only from `env`: absent there means the defaults (or the local env file).
  const inherited = { ...process.env };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'NATS_URL']) delete inherited[name];
  const outcome = spawnSync('bash', [script, mode], {
    env: { ...inherited, SYSTEM_DEPS_DRY_RUN: '1', CASTLINE_LOCAL_ENV: localEnv, ...env },
    encoding: 'utf8',
  });
  return { status: outcome.status, stdout: outcome.stdout, stderr: outcome.stderr };
}

describe('system-deps.sh', () => {
  it('starts each local server that does not answer, on the port its URL names', async () => {
    const [pg, redis, nats] = [await freePort(), await freePort(), await freePort()];
    const { status, stderr } = systemDeps({
      DATABASE_URL: `postgresql://someone:secret@127.0.0.1:${pg}/castline`,
      REDIS_URL: `redis://localhost:${redis}`,
      NATS_URL: `127.0.0.1:${nats},127.0.0.1:1`,
    });
    expect(status).toBe(0);
    expect(stderr).toContain('Run these as root, then start again:');
    expect(stderr).toContain(`pg_ctlcluster --skip-systemctl-redirect $v main start`);
    expect(stderr).toContain(`pg_createcluster $v main --port ${pg}`);
    expect(stderr).toContain(`redis-server --daemonize yes --bind 127.0.0.1 -::1 --port ${redis} `);
    expect(stderr).toContain(`--pidfile /run/castline-nats-${nats}.pid`);
    expect(stderr).toContain(`-a 127.0.0.1 -p ${nats} -js`);
    // A DATABASE_URL from the environment is the operator's: no role is made for it.
    expect(stderr).not.toContain('CREATE ROLE');
  });

  it('leaves servers that answer alone, and prints nothing to run', () => {
    const { status, stdout, stderr } = systemDeps({ DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL, NATS_URL: process.env.NATS_URL });
    expect({ status, stdout, stderr }).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('gives a PostgreSQL it starts a castline role, keeping the password an earlier printed run saved', async () => {
    const pg = await freePort();
    writeFileSync(localEnv, `DATABASE_URL=postgresql://castline:0123abcd@127.0.0.1:${pg}/castline\n`);
    const { status, stderr } = systemDeps({ REDIS_URL: process.env.REDIS_URL, NATS_URL: process.env.NATS_URL });
    expect(status).toBe(0);
    expect(stderr).toContain(`pg_ctlcluster --skip-systemctl-redirect $v main start`);
    expect(stderr).toContain(
      `runuser -u postgres -- createuser -p ${pg} castline 2>/dev/null; ` +
        `runuser -u postgres -- psql -p ${pg} -v ON_ERROR_STOP=1 -qc "ALTER ROLE castline LOGIN CREATEDB PASSWORD '0123abcd'"`,
    );
    expect(readFileSync(localEnv, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('says which server to start elsewhere when a remote URL does not answer', async () => {
    const port = await freePort();
    // 127.0.0.2 is loopback but not one of the names the script treats as this machine's own servers.
    const outcome = spawnSync('bash', [script, 'run'], {
      env: { ...process.env, CASTLINE_LOCAL_ENV: localEnv, DATABASE_URL: `postgresql://castline@127.0.0.2:${port}/castline` },
      encoding: 'utf8',
    });
    expect(outcome.status).toBe(1);
    expect(outcome.stderr).toContain(`PostgreSQL does not answer on 127.0.0.2:${port}: start it there, or set DATABASE_URL`);
  });
});
