import { expect, type Page, test } from '@playwright/test';
import { admin, signIn } from './support';

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
  await card.getByRole('button', { name: 'Sync now' }).click();
  await expect(card.locator('[data-run-status="succeeded"]').first()).toBeVisible({ timeout: 60_000 });
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
