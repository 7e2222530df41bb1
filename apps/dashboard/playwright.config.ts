import path from 'node:path';
import { defineConfig } from '@playwright/test';


/**
 * Browser tests of the dashboard against the whole platform run natively (scripts/start.mjs, own database), in
 * Debian's Chromium: this machine cannot download Playwright's browsers. E2E_BASE_URL points them at a platform
 * that is already running instead (admin from E2E_ADMIN_EMAIL/E2E_ADMIN_PASSWORD or .cache/local.env).
 */
const root = path.resolve(__dirname, '../..');

export default defineConfig({
  testDir: 'e2e',
  // One platform, one live channel at a time on 2 cores: files run one after another.
  workers: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  retries: 0,
  reporter: [['list'], ['json', { outputFile: path.join(root, 'reports/playwright.json') }]],
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/global-teardown.ts',
  outputDir: path.join(root, 'reports/playwright-artifacts'),
  use: {
    // Set by global-setup before the workers start.
    baseURL: process.env.E2E_BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // The machine's network is closed: without these Chromium keeps trying Google's services.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1',
        '--autoplay-policy=no-user-gesture-required',
      ],
    },
  },
});
