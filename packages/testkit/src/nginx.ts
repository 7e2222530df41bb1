import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './database';

const ROOT = path.resolve(__dirname, '../../..');
/** PLAYBACK_SIGNING_SECRET of every test nginx (secure_link of signed channels). */
export const TEST_PLAYBACK_SECRET = 'test-nginx-secret-test-nginx-secret-0123';

/** Debian keeps nginx in /usr/sbin, off a normal user's PATH. */
export const nginxBinary = () => ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find((file) => existsSync(file)) ?? 'nginx';

export interface TestNginx {
  baseUrl: string;
  /** The JSON access log (castline_json) this nginx writes. */
  accessLog: string;
  /** The rendered nginx.conf (for `nginx -c <conf> -s <signal>`). */
  conf: string;
  /** What `nginx -s reopen` does after a log rotation: every worker reopens the access log path. */
  reopenLogs(): void;
  stop(): Promise<void>;
}

/**
 * The real nginx with the local template (scripts/render-nginx.sh) on a free port, in its own temp directory,
 * serving HLS_ROOT at /live/. Its access log lies in that directory unless `env.NGINX_ACCESS_LOG` says otherwise.
 */
export async function startTestNginx(options: { hlsRoot: string; env?: Record<string, string> }): Promise<TestNginx> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'castline-test-nginx-'));
  const accessLog = options.env?.NGINX_ACCESS_LOG ?? path.join(dir, 'access.log');
  const conf = execFileSync('bash', [path.join(ROOT, 'scripts/render-nginx.sh'), 'local', dir], {
    env: {
      ...process.env,
      NGINX_PORT: String(port),
      HLS_ROOT: options.hlsRoot,
      PLAYBACK_SIGNING_SECRET: TEST_PLAYBACK_SECRET,
      NGINX_RESOLVER: '127.0.0.1',
      NGINX_ACCESS_LOG: accessLog,
      ...options.env,
    },
  })
    .toString()
    .trim();
  // As root, nginx's workers run as nobody: they must reach their temp paths and read the HLS files.
  chmodSync(dir, 0o711);
  const nginx: ChildProcess = spawn(nginxBinary(), ['-p', dir, '-c', conf, '-e', path.join(dir, 'error.log'), '-g', 'daemon off;'], { stdio: 'inherit' });
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (nginx.exitCode === null && nginx.signalCode === null) {
      const exited = once(nginx, 'exit');
      nginx.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (await fetch(`${baseUrl}/nginx-health`).then(() => true, () => false)) {
      return { baseUrl, accessLog, conf, reopenLogs: () => void nginx.kill('SIGUSR1'), stop };
    }
    await sleep(100);
  }
  await stop();
  throw new Error('nginx did not start');
}
