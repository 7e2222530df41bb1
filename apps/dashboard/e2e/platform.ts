/**
 * The platform under test: scripts/start.mjs on its own database, Redis prefix and HLS root, reached through
 * nginx. global-setup starts it and hands its address to the tests in E2E_* environment variables.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');
export const GATEWAY_PORT = 3000;
const STARTUP_DEADLINE_MS = 180_000;
export const REPORTS = path.join(ROOT, 'reports');
/** A gateway the reconnect test started in place of start.mjs's (global-teardown stops it). */
export const REPLACEMENT_GATEWAY_PID_FILE = path.join(REPORTS, 'playwright-gateway.pid');
/** start.mjs's output during the run: the first place to look when an e2e test fails. */
export const LOG_FILE = path.join(REPORTS, 'playwright-platform.log');

export interface PlatformInfo {
  baseUrl: string;
  gatewayUrl: string;
  adminEmail: string;
  adminPassword: string;
}

/** What the tests read: set by global-setup (its environment reaches the test workers). */
export function platform(): PlatformInfo {
  const { E2E_BASE_URL, E2E_GATEWAY_URL, E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD } = process.env;
  if (!E2E_BASE_URL || !E2E_ADMIN_EMAIL || !E2E_ADMIN_PASSWORD) throw new Error('the e2e platform is not set up (global-setup)');
  return { baseUrl: E2E_BASE_URL, gatewayUrl: E2E_GATEWAY_URL ?? `http://localhost:${GATEWAY_PORT}`, adminEmail: E2E_ADMIN_EMAIL, adminPassword: E2E_ADMIN_PASSWORD };
}

export function localEnvFile(): Record<string, string> {
  try {
    const text = readFileSync(path.join(ROOT, '.cache/local.env'), 'utf8');
    return Object.fromEntries(
      text
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
  } catch {
    return {};
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface StartedPlatform extends PlatformInfo {
  child: ChildProcess;
  databaseName: string;
  workDir: string;
}

export async function startPlatform(): Promise<StartedPlatform> {
  for (const port of [3000, 3001, 3002, 3003, 3004, 3005, 3006, 3007]) {
    if (!(await portIsFree(port))) {
      throw new Error(`port ${port} is in use: stop the running \`npm start\`, or set E2E_BASE_URL to test that platform instead`);
    }
  }
  mkdirSync(REPORTS, { recursive: true });
  const suffix = randomBytes(4).toString('hex');
  const databaseName = `castline_pw_${suffix}`;
  const databaseUrl = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/castline');
  databaseUrl.pathname = `/${databaseName}`;
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'castline-pw-'));
  chmodSync(workDir, 0o755);
  const nginxPort = await freePort();
  const admin = { email: `admin-${suffix}@e2e.castline`, password: randomBytes(15).toString('base64url') };

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl.toString(),
    REDIS_KEY_PREFIX: `castline:pw:${suffix}:`,
    NGINX_PORT: String(nginxPort),
    HLS_ROOT: path.join(workDir, 'hls'),
    NGINX_ACCESS_LOG: path.join(workDir, 'access.log'),
    // The traffic-logger tails the file nginx writes.
    TRAFFIC_ACCESS_LOG: path.join(workDir, 'access.log'),
    UPLOADS_DIR: path.join(workDir, 'uploads'),
    // The backups spec writes archives: into the run's directory, not the repository's data/.
    BACKUP_DIR: path.join(workDir, 'backups'),
    JWT_SECRET: randomBytes(48).toString('base64url'),
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    // The tests sign in more often than a person would; the limits themselves are tested in the gateway's suite.
    LOGIN_LIMIT_PER_ACCOUNT: '1000',
    LOGIN_LIMIT_PER_IP: '1000',
    THUMBNAIL_INTERVAL_MS: '2000',
    // The alert tests' checks and receivers are local HTTP servers; a quicker evaluation keeps them short.
    ALERTS_ALLOWED_TARGETS: '127.0.0.1/32',
    ALERTS_EVAL_INTERVAL_MS: '1000',
  };
  delete env.NODE_OPTIONS;
  delete env.NO_NGINX;
  delete env.DASHBOARD_DEV;

  // Its output goes to a file: the platform outlives this process's pipes (global-setup returns long before it stops).
  const log = openSync(LOG_FILE, 'w');
  const child = spawn(process.execPath, ['scripts/start.mjs'], { cwd: ROOT, env, detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  const output = () => readFileSync(LOG_FILE, 'utf8');

  const baseUrl = `http://localhost:${nginxPort}`;
  const deadline = Date.now() + STARTUP_DEADLINE_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`start.mjs exited while starting:\n${output().slice(-4_000)}`);
    if (Date.now() > deadline) {
      await stopPlatform(child.pid!);
      throw new Error(`the platform did not come up within ${STARTUP_DEADLINE_MS / 1000} s:\n${output().slice(-4_000)}`);
    }
    if (output().includes('Castline is up')) {
      const ok = await fetch(`${baseUrl}/api/v1/health`).then(
        (response) => response.status === 200,
        () => false,
      );
      if (ok) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { child, databaseName, workDir, baseUrl, gatewayUrl: `http://localhost:${GATEWAY_PORT}`, adminEmail: admin.email, adminPassword: admin.password };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Ctrl-C for the whole process group, like a terminal; SIGKILL for whatever is left after 20 s. */
export async function stopPlatform(pid: number): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // the group is gone
    }
  };
  signal('SIGINT');
  const deadline = Date.now() + 20_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
  signal('SIGKILL');
}

export function removeWorkDir(workDir: string): void {
  rmSync(workDir, { recursive: true, force: true });
}

/** The running gateway process: its pid, environment and working directory, read from /proc. */
export function findGateway(): { pid: number; env: NodeJS.ProcessEnv; cwd: string } {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!command.some((part) => part.endsWith('services/gateway/dist/main.js'))) continue;
      const env = Object.fromEntries(
        readFileSync(`/proc/${entry}/environ`, 'utf8')
          .split('\0')
          .filter((pair) => pair.includes('='))
          .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
      );
      return { pid: Number(entry), env: env as NodeJS.ProcessEnv, cwd: ROOT };
    } catch {
      // exited while we looked
    }
  }
  throw new Error('no gateway process (services/gateway/dist/main.js) is running');
}
