import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { STATE_FILE } from './global-setup';
import { removeWorkDir, REPLACEMENT_GATEWAY_PID_FILE, stopPlatform } from './platform';

/** The gateway the reconnect test started, if it did. */
async function stopReplacementGateway(): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(REPLACEMENT_GATEWAY_PID_FILE, 'utf8'));
  } catch {
    return;
  }
  rmSync(REPLACEMENT_GATEWAY_PID_FILE, { force: true });
  await stopPlatform(pid);
}

/** Stops the platform global-setup started, drops its database and removes its files. An adopted one stays. */
export default async function globalTeardown(): Promise<void> {
  await stopReplacementGateway();
  const state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as { adopted: boolean; pid?: number; databaseName?: string; workDir?: string };
  if (state.adopted || !state.pid) return;
  await stopPlatform(state.pid);
  const adminUrl = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/castline');
  adminUrl.pathname = '/postgres';
  execFileSync('psql', [adminUrl.toString(), '-qc', `DROP DATABASE IF EXISTS "${state.databaseName}" WITH (FORCE)`], { stdio: 'inherit' });
  if (state.workDir) removeWorkDir(state.workDir);
}
