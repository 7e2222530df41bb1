import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { admin, apiAs, signIn } from './support';

/**
 * Alerting in the browser against the native platform: "Send test" shows the receiver's reply, and the bell's
 * unread count rises live (pushed over the live feed) when a check goes DOWN.
 */
let hook: Server;
let hookBase = '';

test.beforeAll(async () => {
  hook = createServer((request, response) => {
    if (request.url === '/down') response.writeHead(500).end('down');
    else response.end('hello from the hook');
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  hookBase = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;
});
test.afterAll(() => {
  hook.close();
});

test('sends a test to a receiver and shows its reply', async ({ context, page }) => {
  const api = await apiAs(admin());
  const created = await api.post('/api/v1/alerts/receivers', { data: { name: `e2e hook ${Date.now()}`, kind: 'webhook', config: { url: `${hookBase}/hook` } } });
  expect(created.status()).toBe(201);
  const { name } = (await created.json()) as { name: string };
  await api.dispose();
  await signIn(context, page, admin(), '/alerts/receivers');
  await expect(page.getByRole('heading', { level: 1, name: 'Receivers' })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: name });
  await row.getByRole('button', { name: 'Send test' }).click();
  await expect(row.getByTestId('test-result')).toContainText('200 hello from the hook');
});

test('raises the bell count live when a check goes down', async ({ context, page }) => {
  await signIn(context, page, admin(), '/monitoring/health');
  await expect(page.getByRole('heading', { level: 1, name: 'Health' })).toBeVisible();
  const bell = page.getByTestId('notification-bell');
  await expect(bell).toBeVisible();
  const before = Number((await page.getByTestId('notification-count').textContent({ timeout: 1_000 }).catch(() => '0')) ?? '0');
  const api = await apiAs(admin());
  const created = await api.post('/api/v1/monitoring/checks', { data: { kind: 'http', name: `e2e down ${Date.now()}`, target: `${hookBase}/down`, intervalSeconds: 10 } });
  expect(created.status()).toBe(201);
  await api.dispose();
  // No reload: the count changes when the live feed announces the notification.
  await expect
    .poll(async () => Number((await page.getByTestId('notification-count').textContent({ timeout: 500 }).catch(() => '0')) ?? '0'), { timeout: 30_000 })
    .toBeGreaterThan(before);
  await bell.click();
  await expect(page.getByRole('menuitem').filter({ hasText: 'service DOWN: 1 firing' }).first()).toBeVisible();
});

test('creates a rule with the form and refuses a bad one on its field', async ({ context, page }) => {
  await signIn(context, page, admin(), '/alerts/rules');
  await expect(page.getByRole('heading', { level: 1, name: 'Rules' })).toBeVisible();
  const form = page.getByRole('form', { name: 'New rule' });
  const name = `slow checks ${Date.now()}`;
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Threshold').fill('0');
  await form.getByRole('button', { name: 'Create rule' }).click();
  await expect(form.locator('[data-field-error]').first()).toBeVisible();
  await form.getByLabel('Threshold').fill('1500');
  await form.getByRole('button', { name: 'Create rule' }).click();
  await expect(page.getByRole('row').filter({ hasText: name })).toBeVisible();
});

test('shows a new log row live', async ({ context, page }) => {
  await signIn(context, page, admin(), '/monitoring/logs');
  await expect(page.getByRole('heading', { level: 1, name: 'Logs' })).toBeVisible();
  await page.getByLabel('Service').fill('gateway');
  await page.getByLabel('Status').fill('404');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('switch', { name: 'Live tail' }).click();
  // A request the gateway answers 404 is logged at warn, shipped to monitoring and pushed to this page.
  await expect
    .poll(
      async () => {
        const api = await apiAs(admin());
        await api.get(`/api/v1/channels/${crypto.randomUUID()}`);
        await api.dispose();
        return page.getByRole('row').filter({ hasText: '/api/v1/channels/:id' }).count();
      },
      { timeout: 20_000 },
    )
    .toBeGreaterThan(0);
  // The whole record in the drawer, opened from the keyboard.
  await page.getByRole('row').filter({ hasText: '/api/v1/channels/:id' }).first().getByRole('button').focus();
  await page.keyboard.press('Enter');
  const drawer = page.getByRole('dialog');
  await expect(drawer).toBeVisible();
  await expect(drawer.getByRole('heading')).toContainText('gateway');
  await expect(drawer).toContainText('/api/v1/channels/');
  await expect(drawer).toContainText('404');
  await page.keyboard.press('Escape');
  await expect(drawer).toHaveCount(0);
});

test('deletes a check, a rule and a receiver after asking; built-in ones offer no Delete', async ({ context, page }) => {
  const api = await apiAs(admin());
  const stamp = Date.now();
  const created = await Promise.all([
    api.post('/api/v1/monitoring/checks', { data: { kind: 'http', name: `e2e gone ${stamp}`, target: `${hookBase}/ok`, intervalSeconds: 60 } }),
    api.post('/api/v1/alerts/rules', { data: { name: `e2e gone ${stamp}`, source: 'check_status', params: { status: 'down' } } }),
    api.post('/api/v1/alerts/receivers', { data: { name: `e2e gone ${stamp}`, kind: 'webhook', config: { url: `${hookBase}/hook` } } }),
  ]);
  expect(created.map((response) => response.status())).toEqual([201, 201, 201]);
  await api.dispose();
  const name = `e2e gone ${stamp}`;
  await signIn(context, page, admin(), '/monitoring/health');
  for (const [path, heading, builtIn] of [
    ['/monitoring/health', 'Health', 'postgres'],
    ['/alerts/rules', 'Rules', 'service DOWN'],
    ['/alerts/receivers', 'Receivers', null],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    if (builtIn) {
      const seeded = page.getByRole('row').filter({ has: page.getByText(builtIn, { exact: true }) });
      await expect(seeded).toHaveCount(1);
      await expect(seeded.getByRole('button', { name: /^Delete/ })).toHaveCount(0);
    }
    const row = page.getByRole('row').filter({ hasText: name });
    await row.getByRole('button', { name: `Delete ${name}` }).click();
    const confirm = page.getByRole('alertdialog');
    await expect(confirm).toContainText(`Delete "${name}"?`);
    // Cancel keeps it; Delete removes it.
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(row).toHaveCount(1);
    await row.getByRole('button', { name: `Delete ${name}` }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByText(`"${name}" deleted`)).toBeVisible();
    await expect(row).toHaveCount(0);
  }
});
