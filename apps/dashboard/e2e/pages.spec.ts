import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { ROOT } from './platform';
import { admin, apiAs, seriousViolations, signIn } from './support';

/**
 * Every page, signed in as the admin: it renders its heading, axe-core finds no serious or critical WCAG 2.1
 * A/AA violation in light or dark, the browser reports no Content-Security-Policy violation (the dashboard
 * sends a nonce-based policy without unsafe-eval), and its screenshots go to docs/screenshots/ (shown in the README).
 */
const SCREENSHOTS = path.join(ROOT, 'docs/screenshots');

const PAGES: Array<{ name: string; path: string | (() => string); heading: string }> = [
  { name: 'overview', path: '/', heading: 'Overview' },
  { name: 'channels', path: '/channels', heading: 'Channels' },
  { name: 'channel-detail', path: () => `/channels/${demoId}`, heading: 'Demo' },
  { name: 'media', path: '/media', heading: 'Media' },
  { name: 'monitoring-system', path: '/monitoring', heading: 'System' },
  { name: 'monitoring-processes', path: '/monitoring/processes', heading: 'Processes' },
  { name: 'monitoring-health', path: '/monitoring/health', heading: 'Health' },
  { name: 'monitoring-logs', path: '/monitoring/logs', heading: 'Logs' },
  { name: 'monitoring-api', path: '/monitoring/api', heading: 'API' },
  { name: 'alerts', path: '/alerts', heading: 'Alerts' },
  { name: 'alerts-rules', path: '/alerts/rules', heading: 'Rules' },
  { name: 'alerts-silences', path: '/alerts/silences', heading: 'Silences' },
  { name: 'alerts-receivers', path: '/alerts/receivers', heading: 'Receivers' },
  { name: 'settings-users', path: '/settings/users', heading: 'Users' },
  { name: 'settings-api-keys', path: '/settings/api-keys', heading: 'API keys' },
  { name: 'settings-presets', path: '/settings/presets', heading: 'Encoding presets' },
  { name: 'settings-audit', path: '/settings/audit', heading: 'Audit log' },
  { name: 'settings-backups', path: '/settings/backups', heading: 'Backups' },
  { name: 'campaigns', path: '/campaigns', heading: 'Campaigns' },
  { name: 'campaigns-accounts', path: '/campaigns/accounts', heading: 'Ad accounts' },
  { name: 'campaigns-links', path: '/campaigns/links', heading: 'Tracking links' },
  { name: 'traffic', path: '/traffic', heading: 'Traffic' },
  { name: 'analytics', path: '/analytics', heading: 'Analytics' },
  { name: 'settings-sites', path: '/settings/sites', heading: 'Sites' },
];

test.describe.configure({ mode: 'serial' });

let page: Page;
let demoId = '';
/** Every CSP violation any page reported (Chromium logs each one as a console error). */
const cspViolations: string[] = [];
const recordCsp = (target: Page) =>
  target.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(`${target.url()}: ${message.text()}`);
  });

/** The page's policy: a fresh nonce, no unsafe-eval. */
async function expectPolicy(target: Page, url: string): Promise<void> {
  const response = await target.request.get(url);
  const policy = response.headers()['content-security-policy'] ?? '';
  expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(policy).not.toContain('unsafe-eval');
}

test.beforeAll(async ({ browser }) => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const api = await apiAs(admin());
  const { items } = (await (await api.get('/api/v1/channels?search=demo')).json()) as { items: Array<{ id: string; slug: string }> };
  demoId = items.find((channel) => channel.slug === 'demo')!.id;
  // A running channel makes the pages show what operators see: thumbnails, charts, a process.
  await api.post(`/api/v1/channels/${demoId}/start`);
  // A tracked site, so Analytics and Settings -> Sites show theirs.
  const sites = (await (await api.get('/api/v1/sites')).json()) as { items: Array<{ domain: string }> };
  if (!sites.items.some((site) => site.domain === 'www.example.com')) {
    await api.post('/api/v1/sites', { data: { name: 'Example', domain: 'www.example.com', allowedOrigins: ['https://www.example.com'] } });
  }
  await api.dispose();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  recordCsp(page);
  await signIn(context, page, admin());
});

test.afterAll(async () => {
  const api = await apiAs(admin());
  await api.post(`/api/v1/channels/${demoId}/stop`);
  await api.dispose();
  await page.context().close();
});

test('the login page is accessible in light and dark', async ({ browser }) => {
  for (const colorScheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 800 } });
    const anonymous = await context.newPage();
    recordCsp(anonymous);
    await anonymous.goto('/login');
    await expect(anonymous.getByRole('heading', { level: 1 })).toBeVisible();
    expect(await seriousViolations(anonymous)).toEqual([]);
    await anonymous.screenshot({ path: path.join(SCREENSHOTS, `login-${colorScheme}.png`) });
    await expectPolicy(anonymous, '/login');
    await context.close();
  }
  expect(cspViolations).toEqual([]);
});

for (const entry of PAGES) {
  test(`${entry.name}: renders, no serious accessibility violation, screenshots`, async () => {
    // Two full passes (light, dark) with axe each: the channel page with its live charts needs over a minute on 2 busy cores.
    test.setTimeout(180_000);
    const target = typeof entry.path === 'function' ? entry.path() : entry.path;
    for (const colorScheme of ['light', 'dark'] as const) {
      // Reduced motion: the channel page's live preview waits for a click instead of decoding video, which in
      // headless Chromium without a GPU starved the renderer (axe and screenshots took minutes).
      await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
      await page.goto(target);
      await expect(page.getByRole('heading', { level: 1, name: entry.heading })).toBeVisible();
      // Let live data arrive and skeletons give way. Bounded: a page following an event stream (Traffic and
      // Analytics' live feed) keeps a request open, so the network never goes idle there.
      await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined);
      await page.waitForTimeout(2_500);
      expect(await seriousViolations(page), `${entry.name} (${colorScheme})`).toEqual([]);
      await page.screenshot({ path: path.join(SCREENSHOTS, `${entry.name}-${colorScheme}.png`) });
    }
    await expectPolicy(page, target);
    expect(cspViolations).toEqual([]);
  });
}

test('with reduced motion asked for, the live preview starts on a click, not by itself', async () => {
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
  await page.goto(`/channels/${demoId}`);
  await expect(page.getByRole('button', { name: 'Play live preview' })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByLabel('Live preview')).toHaveCount(0);
  await page.getByRole('button', { name: 'Play live preview' }).click();
  await expect(page.getByLabel('Live preview')).toBeVisible();
  await page.goto('/channels');
});

test('the layout works at phone width: the menu opens from the hamburger', async () => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/channels');
  await page.getByRole('button', { name: 'Open menu' }).click();
  await page.getByRole('dialog').getByRole('link', { name: 'System' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'System' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto('/channels');
  await page.waitForTimeout(2_000);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'channels-phone.png') });
  expect(cspViolations).toEqual([]);
});
