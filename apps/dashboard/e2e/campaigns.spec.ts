import { expect, type Page, test } from '@playwright/test';
import { admin, apiAs, signIn } from './support';

/**
 * Campaigns through the dashboard against the ad-platform fakes npm start runs with DEMO on
 * (packages/testkit/src/fakes): connect the spare Meta account, sync it now, then the campaigns table and the
 * spend vs revenue chart have its figures.
 */
test.describe.configure({ mode: 'serial' });

let page: Page;

test.beforeAll(async ({ browser }) => {
  const context = await browser.newContext();
  page = await context.newPage();
  await signIn(context, page, admin(), '/campaigns/accounts');
});

test('connect a Meta account from the fake, sync it now, see the run', async () => {
  await expect(page.getByRole('heading', { level: 1, name: 'Ad accounts' })).toBeVisible();
  await page.getByRole('button', { name: 'Connect Meta' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Ad account id').fill('1010101020');
  await dialog.getByLabel('Access token').fill('wrong-token-for-the-fake');
  await dialog.getByLabel('App secret').fill('fake-app-secret');
  await dialog.getByRole('button', { name: 'Connect' }).click();
  // The fake refuses the token: the form says so and nothing is connected.
  await expect(dialog.getByText(/Meta refused these credentials/)).toBeVisible();
  await dialog.getByLabel('Access token').fill('demo-meta-access-token');
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog).toBeHidden();
  const card = page.locator('[data-account="Spare Meta account"]');
  await expect(card).toBeVisible();
  await expect(card.getByText('credentials set (…oken)')).toBeVisible();
  // Connecting queued the backfill; its run first, so the manual run below can only be the button's.
  await expect(card.locator('[data-run-kind="backfill"][data-run-status="succeeded"]')).toBeVisible({ timeout: 60_000 });
  await expect(card.locator('[data-run-kind="manual"]')).toHaveCount(0);
  await card.getByRole('button', { name: 'Sync now' }).click();
  await expect(card.locator('[data-run-kind="manual"][data-run-status="succeeded"]')).toBeVisible({ timeout: 60_000 });
});

test('the campaigns table and the spend vs revenue chart are filled', async () => {
  await page.goto('/campaigns?days=90');
  await expect(page.getByRole('heading', { level: 1, name: 'Campaigns' })).toBeVisible();
  await expect(page.locator('[data-campaign^="Campaign 1 of 1010101020"]')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('spend-revenue-chart')).toBeVisible();
  await expect(page.getByTestId('spend-revenue-chart').locator('path.recharts-line-curve').first()).toBeVisible();
  await expect(page.getByTestId('campaign-cards')).not.toContainText('Spend—');
});

test("a campaign's detail page lists its creatives with their figures", async () => {
  await page.goto('/campaigns?days=90');
  const row = page.locator('[data-campaign^="Campaign 1 of 1010101020"]').first();
  await row.getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: /^Campaign 1 of 1010101020/ })).toBeVisible();
  await expect(page.getByTestId('campaign-facts')).toContainText('meta');
  await page.getByLabel('Range').click();
  await page.getByRole('option', { name: 'Last 90 days' }).click();
  await expect(page.getByTestId('creatives-table').locator('[data-creative]').first()).toBeVisible();
});

test('a Google manager account: find its client accounts, connect two of them', async () => {
  await page.goto('/campaigns/accounts');
  await page.getByRole('button', { name: 'Connect Google Ads' }).click();
  const dialog = page.getByRole('dialog');
  // The demo fake's credentials (packages/testkit/src/fakes/main.ts).
  await dialog.getByLabel('Refresh token').fill('demo-google-refresh-token');
  await dialog.getByLabel('OAuth client id').fill('fake-client-id');
  await dialog.getByLabel('OAuth client secret').fill('fake-client-secret');
  await dialog.getByLabel('Developer token').fill('fake-developer-token');
  await dialog.getByRole('button', { name: 'Find accounts' }).click();
  const found = dialog.getByTestId('google-customers');
  await expect(found).toContainText('Demo manager account (3030303030)');
  // A manager cannot be chosen itself; its clients can.
  await expect(found.locator('[data-google-customer="3030303030"] button[role="checkbox"]')).toHaveCount(0);
  await dialog.getByLabel(/Demo client \(EUR\)/).check();
  await dialog.getByLabel(/Demo client \(USD\)/).check();
  await expect(dialog.getByLabel('Customer id')).toHaveValue('3030303030');
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog).toBeHidden();
  const card = page.locator('[data-account="Demo manager account"]');
  await expect(card).toBeVisible();
});

test('the traffic sources pie counts tracked clicks by source', async () => {
  const api = await apiAs(admin());
  const created = await api.post('/api/v1/campaigns/links', { data: { name: 'E2E sources', destinationUrl: 'https://shop.example/e2e' } });
  expect(created.status(), await created.text()).toBe(201);
  const { code } = (await created.json()) as { code: string };
  await api.dispose();
  // Through nginx, as a visitor's browser follows the link (the redirect itself is not followed).
  for (const query of ['?utm_source=e2e-newsletter', '?utm_source=e2e-newsletter', '?gclid=e2e']) {
    const visit = await page.request.get(`/r/${code}${query}`, { maxRedirects: 0, headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0' } });
    expect(visit.status()).toBe(302);
  }
  await page.goto('/campaigns?days=7');
  const chart = page.getByTestId('sources-chart');
  await expect(chart).toBeVisible();
  await expect(chart).toHaveAttribute('aria-label', /e2e-newsletter \d+/);
  await expect(chart).toHaveAttribute('aria-label', /google \d+/);
  await expect(chart.locator('.recharts-pie-sector').first()).toBeVisible();
});

test("a link made for a campaign, a shop's conversions-only key: the click's conversion counts for the campaign", async () => {
  await page.goto('/campaigns/links');
  await page.getByRole('button', { name: 'New link' }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill('E2E spring link');
  await dialog.getByLabel('Destination URL').fill('https://shop.example/spring');
  await dialog.getByLabel(/^Campaign/).click();
  await page.getByRole('option', { name: /^Campaign 1 of 1010101020/ }).first().click();
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole('row').filter({ hasText: 'E2E spring link' });
  const code = await row.getAttribute('data-link');
  expect(code).toBeTruthy();
  await expect(page.getByText('click=CL_CLICK').first()).toBeVisible();

  // A visitor through nginx: the redirect carries our click id to the shop.
  const visit = await page.request.get(`/r/${code}`, { maxRedirects: 0, headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0' } });
  expect(visit.status()).toBe(302);
  const clickId = new URL(visit.headers().location!).searchParams.get('cl_click');
  expect(clickId).toBeTruthy();
  await page.reload();
  await expect(page.getByRole('row').filter({ hasText: 'E2E spring link' }).getByRole('cell').last()).toHaveText('1');

  // The shop's key, made with the one-click "Conversions only".
  await page.goto('/settings/api-keys');
  await page.getByRole('button', { name: 'Create API key' }).first().click();
  const keyDialog = page.getByRole('dialog');
  await keyDialog.getByLabel('Name').fill('E2E shop');
  await keyDialog.getByLabel('Role').click();
  await page.getByRole('option', { name: 'Operator' }).click();
  await keyDialog.getByRole('button', { name: /Conversions only/ }).click();
  await keyDialog.getByRole('button', { name: 'Create API key' }).click();
  const key = await keyDialog.getByLabel('New API key').inputValue();
  expect(key).toMatch(/^cl_/);

  const api = await apiAs(admin());
  const stored = (await (await api.get('/api/v1/campaigns/links')).json()) as { items: Array<{ id: string; code: string; accountId: string | null; campaignId: string | null }> };
  await api.dispose();
  const link = stored.items.find((each) => each.code === code)!;
  expect(link.campaignId).toBeTruthy();
  const asShop = { 'x-api-key': key };
  const conversion = await page.request.post('/api/v1/campaigns/conversions', {
    headers: asShop,
    data: { accountId: link.accountId, type: 'purchase', value: 49.9, currency: 'EUR', orderId: `e2e-${Date.now()}`, clickId },
  });
  expect(conversion.status(), await conversion.text()).toBe(200);
  expect(await conversion.json()).toMatchObject({ duplicate: false, attributedBy: 'click_id', campaignId: link.campaignId });
  // The same key can do nothing else: deleting the link is refused.
  expect((await page.request.delete(`/api/v1/campaigns/links/${link.id}`, { headers: asShop })).status()).toBe(403);
});
