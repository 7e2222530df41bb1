import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { localEnvFile, REPORTS, startPlatform } from './platform';

export const STATE_FILE = path.join(REPORTS, 'playwright-platform.json');

/** Starts the platform (or adopts E2E_BASE_URL's) and publishes its address to the tests. */
export default async function globalSetup(): Promise<void> {
  mkdirSync(REPORTS, { recursive: true });
  if (process.env.E2E_BASE_URL) {
    const local = localEnvFile();
    process.env.E2E_ADMIN_EMAIL ??= local.ADMIN_EMAIL;
    process.env.E2E_ADMIN_PASSWORD ??= local.ADMIN_PASSWORD;
    writeFileSync(STATE_FILE, JSON.stringify({ adopted: true }));
    return;
  }
  const started = await startPlatform();
  process.env.E2E_BASE_URL = started.baseUrl;
  process.env.E2E_GATEWAY_URL = started.gatewayUrl;
  process.env.E2E_ADMIN_EMAIL = started.adminEmail;
  process.env.E2E_ADMIN_PASSWORD = started.adminPassword;
  writeFileSync(STATE_FILE, JSON.stringify({ adopted: false, pid: started.child.pid, databaseName: started.databaseName, workDir: started.workDir }));
  started.child.unref();
}
