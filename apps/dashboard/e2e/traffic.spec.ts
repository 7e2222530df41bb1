import { readFile } from 'node:fs/promises';
import { expect, type Page, request as playwrightRequest, test } from '@playwright/test';
import { platform } from './platform';
import { admin, apiAs, signIn } from './support';

/**
 * The Traffic page against the real platform: tracker events (a visit: /, signup, /join) sent through nginx to
 * collect, then search them (source events, UTM filter), save the search, export it as CSV, open a session's
 * journey, and watch the live feed show a page view as it is stored.
 */
test.describe.configure({ mode: 'serial' });

let page: Page;
const origin = 'https://shop.e2e-traffic.example';
const campaign = `e2e-${Date.now()}`;
let siteId = '';
const userAgent = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

test.beforeAll(async ({ browser }) => {
  const api = await apiAs(admin());
  const site = await api.post('/api/v1/sites', { data: { name: `E2E shop ${campaign}`, domain: 'shop.e2e-traffic.example', allowedOrigins: [origin] } });
  expect(site.status(), await site.text()).toBe(201);
  siteId = ((await site.json()) as { id: string }).id;
  await api.dispose();
  // As the tracker sends them: text/plain through nginx, from the site's Origin.
  const visitor = await playwrightRequest.newContext({ baseURL: platform().baseUrl });
  for (const event of [
    { name: 'page_view', url: `${origin}/?utm_source=${campaign}` },
    { name: 'signup', url: `${origin}/join?utm_source=${campaign}`, props: { plan: 'pro' } },
    { name: 'page_view', url: `${origin}/join?utm_source=${campaign}` },
  ]) {
    const sent = await visitor.post('/api/v1/collect', {
      headers: { origin, 'content-type': 'text/plain', 'user-agent': userAgent },
      data: JSON.stringify({ site: siteId, ...event }),
    });
    expect(sent.status(), await sent.text()).toBe(202);
  }
  await visitor.dispose();
  const context = await browser.newContext({ acceptDownloads: true });
  page = await context.newPage();
  await signIn(context, page, admin(), '/traffic');
});

test('search tracker events by UTM source', async () => {
  await expect(page.getByRole('heading', { level: 1, name: 'Traffic' })).toBeVisible();
  await page.getByLabel('Source', { exact: true }).click();
  await page.getByRole('option', { name: 'Events (tracker)' }).click();
  await page.getByLabel('UTM source', { exact: true }).fill(campaign);
  await expect(async () => {
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(page.getByTestId('traffic-count')).toHaveText(/^4 results$/, { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  const results = page.getByRole('table', { name: 'Traffic results' });
  await expect(results.getByText('signup /join')).toBeVisible();
  // A bad filter is refused on its field, not as a toast.
  await page.getByLabel('Session (events)').fill('not-a-session');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.locator('[data-field-error]').first()).toBeVisible();
  await page.getByLabel('Session (events)').fill('');
});

test('save the search; it is listed and in the history', async () => {
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('button', { name: 'Save search' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name', { exact: true }).fill(`Signups ${campaign}`);
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(page.locator(`[data-saved-search="Signups ${campaign}"]`)).toBeVisible();
  await expect(page.getByRole('list', { name: 'Search history' }).getByText(`utmSource: ${campaign}`).first()).toBeVisible();
});

test('export the results as CSV', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toBe('traffic-events.csv');
  const csv = await readFile((await download.path())!, 'utf8');
  const lines = csv.trim().split('\r\n');
  expect(lines[0]).toMatch(/^ts,source,id,host,method,path/);
  expect(lines).toHaveLength(5);
  expect(csv).toContain('signup');
});

test("open a session's journey", async () => {
  const results = page.getByRole('table', { name: 'Traffic results' });
  await results.getByRole('button', { name: 'Journey' }).first().click();
  const drawer = page.getByRole('dialog');
  await expect(drawer.getByText('Journey', { exact: true })).toBeVisible();
  await expect(drawer.getByTestId('journey-session')).toContainText('/ → /join');
  const steps = drawer.getByRole('list', { name: 'Journey steps' }).locator('li');
  // session_start and the first page_view share a timestamp; then signup, then the second page view.
  await expect(steps).toHaveCount(4);
  await expect(steps.nth(2)).toHaveAttribute('data-step', 'signup');
  await expect(steps.last()).toHaveAttribute('data-step', 'page_view');
});

test('the live feed shows a page view as it is stored', async () => {
  await page.goto('/traffic');
  await page.getByLabel('Site', { exact: true }).click();
  await page.getByRole('option', { name: new RegExp(`E2E shop ${campaign}`) }).click();
  const feed = page.getByTestId('live-feed');
  await expect(feed.getByText('connected', { exact: true })).toBeVisible();
  const path = `/live-${Date.now()}`;
  const visitor = await playwrightRequest.newContext({ baseURL: platform().baseUrl });
  const sent = await visitor.post('/api/v1/collect', {
    headers: { origin, 'content-type': 'text/plain', 'user-agent': userAgent },
    data: JSON.stringify({ site: siteId, name: 'page_view', url: `${origin}${path}` }),
  });
  expect(sent.status(), await sent.text()).toBe(202);
  await visitor.dispose();
  await expect(feed.getByRole('row').filter({ hasText: path })).toBeVisible({ timeout: 10_000 });
});
