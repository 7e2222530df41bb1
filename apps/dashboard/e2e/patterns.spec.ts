import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type APIRequestContext, expect, type Page, test } from '@playwright/test';
import { REPORTS } from './platform';
import { admin, apiAs, createUser, logoPng, signIn } from './support';

/**
 * The dashboard's shared patterns as an operator meets them: a table whose page, sort and filters survive a
 * reload; forms that show a server refusal on its field and refuse an oversized logo before uploading it;
 * and the first-hour papercuts (same-named channels, the default preset, one toast per double click, a
 * running channel stopped before it is deleted, read-only wording for viewers).
 */
const tag = randomBytes(2).toString('hex');
/** A UDP port nothing sends to: FFmpeg waits on it, so a channel on it "should run" without using the Demo source. */
const QUIET_SOURCE = 'udp://127.0.0.1:5097?pkt_size=1316';

let api: APIRequestContext;
const cleanup: string[] = [];

test.beforeAll(async () => {
  api = await apiAs(admin());
});

test.afterAll(async () => {
  for (const id of cleanup) {
    await api.post(`/api/v1/channels/${id}/stop`);
    // a channel's stop takes a moment; the delete is refused until it has happened
    await expect.poll(async () => (await api.delete(`/api/v1/channels/${id}`)).status(), { timeout: 20_000 }).toBeLessThan(500);
  }
  await api.dispose();
});

async function createChannel(name: string): Promise<string> {
  const created = await api.post('/api/v1/channels', { data: { name, sources: [{ url: QUIET_SOURCE }] } });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  cleanup.push(id);
  return id;
}

/** Every text the toasts showed, in order (a toast updated in place counts once per text). */
async function recordToasts(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __toasts: string[] }).__toasts = seen;
    const read = () => {
      for (const toast of document.querySelectorAll('[data-sonner-toast] [data-title]')) {
        const text = toast.textContent ?? '';
        if (seen[seen.length - 1] !== text && !seen.includes(text)) seen.push(text);
      }
    };
    new MutationObserver(read).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { __toasts: string[] }).__toasts);
}

test('a table keeps its page, sort and filters in the URL, and the server does the paging', async ({ page, context }) => {
  const emails: string[] = [];
  for (let index = 0; index < 12; index += 1) {
    const email = `table-${tag}-${String(index).padStart(2, '0')}@e2e.castline`;
    const created = await api.post('/api/v1/users', { data: { email, password: `table-password-${tag}`, role: 'viewer' } });
    expect(created.status()).toBe(201);
    emails.push(email);
  }
  // one operator among them: the role filter must leave it out
  await api.post('/api/v1/users', { data: { email: `table-${tag}-op@e2e.castline`, password: `table-password-${tag}`, role: 'operator' } });

  const userRequests: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === '/api/v1/users') userRequests.push(url.search);
  });
  await signIn(context, page, admin(), '/settings/users');
  await page.getByLabel('Search users').fill(`table-${tag}`);
  await page.getByRole('combobox', { name: 'Filter users' }).click();
  await page.getByRole('option', { name: 'Viewer' }).click();
  await expect(page.locator('[data-user-email]')).toHaveCount(12);
  await page.getByRole('combobox', { name: 'Rows per page' }).click();
  await page.getByRole('option', { name: '10 per page' }).click();
  const email = page.getByRole('columnheader', { name: 'Email' });
  await email.getByRole('button').click();
  await expect(email).toHaveAttribute('aria-sort', 'ascending');
  await email.getByRole('button').click();
  await expect(email).toHaveAttribute('aria-sort', 'descending');
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page).toHaveURL(/page=2/);
  const url = new URL(page.url());
  expect(Object.fromEntries(url.searchParams)).toEqual({ page: '2', pageSize: '10', sort: '-email', search: `table-${tag}`, role: 'viewer' });
  const onPage2 = [...emails].sort().reverse().slice(10);
  await expect(page.locator('[data-user-email]')).toHaveCount(2);
  // the server paged and sorted: the browser asked for exactly this page
  expect(userRequests.at(-1)).toContain('page=2&pageSize=10');
  expect(userRequests.at(-1)).toContain('sort=-email');

  await page.reload();
  await expect(page.getByLabel('Search users')).toHaveValue(`table-${tag}`);
  await expect(page.getByRole('combobox', { name: 'Filter users' })).toHaveText('Viewer');
  await expect(page.getByRole('columnheader', { name: 'Email' })).toHaveAttribute('aria-sort', 'descending');
  await expect(page.getByText('Page 2 of 2')).toBeVisible();
  expect(await page.locator('[data-user-email]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-user-email')))).toEqual(onPage2);

  // A filter change goes back to the first page; the defaults stay out of the URL.
  await page.getByRole('combobox', { name: 'Filter users' }).click();
  await page.getByRole('option', { name: 'All roles' }).click();
  await expect(page).not.toHaveURL(/page=2/);
  await expect(page).not.toHaveURL(/role=/);
  // A URL a person edited by hand falls back to the defaults for what is not valid.
  await page.goto(`/settings/users?search=table-${tag}&sort=passwordHash&pageSize=5000&role=root`);
  await expect(page.locator('[data-user-email]')).toHaveCount(13);
});

test('a server refusal lands on its field, and an oversized or fake logo is refused before any upload', async ({ page, context }) => {
  await signIn(context, page, admin(), '/channels');
  const sent: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (request.method() === 'POST' && ['/api/v1/uploads/logo', '/api/v1/channels'].includes(url.pathname)) sent.push(url.pathname);
  });

  await page.getByRole('button', { name: 'New channel' }).click();
  const dialog = page.getByRole('dialog');
  // The dialog starts from the preset its description calls the default.
  await expect(dialog.getByRole('combobox', { name: 'Preset' })).toHaveText('720p30');
  await dialog.getByLabel('Name', { exact: true }).fill(`Clash ${tag}`);
  await dialog.getByLabel('Primary source URL').fill(QUIET_SOURCE);
  await dialog.getByLabel('Slug').fill('demo');
  await dialog.getByRole('button', { name: 'Create channel' }).click();
  const slug = dialog.getByLabel('Slug');
  await expect(slug).toHaveAttribute('aria-invalid', 'true');
  await expect(slug).toHaveAccessibleDescription('The slug "demo" is taken');
  await expect(page.locator('[data-sonner-toast]', { hasText: 'is taken' })).toHaveCount(0);
  expect(sent).toEqual(['/api/v1/channels']);

  // 49 MB of "PNG": the browser refuses it against the contracts' 512 KiB, and nothing is uploaded.
  const dir = path.join(REPORTS, `e2e-logo-${tag}`);
  mkdirSync(dir, { recursive: true });
  const huge = Buffer.alloc(49 * 1024 * 1024);
  (await logoPng()).copy(huge);
  writeFileSync(path.join(dir, 'huge.png'), huge);
  writeFileSync(path.join(dir, 'logo.png'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  try {
    const logo = dialog.getByLabel('Logo', { exact: true });
    await logo.setInputFiles(path.join(dir, 'huge.png'));
    await expect(logo).toHaveAccessibleDescription('huge.png is 49.0 MiB; a logo may be at most 512 KiB');
    await logo.setInputFiles(path.join(dir, 'logo.png'));
    await expect(logo).toHaveAccessibleDescription('logo.png is not a PNG, JPEG or WebP image');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // The channel is not created without the logo the user chose.
  await dialog.getByLabel('Slug').fill('');
  await dialog.getByRole('button', { name: 'Create channel' }).click();
  await expect(dialog.getByLabel('Logo', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog).toBeVisible();
  expect(sent).toEqual(['/api/v1/channels']);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  const { total } = (await (await api.get(`/api/v1/channels?search=${encodeURIComponent(`Clash ${tag}`)}`)).json()) as { total: number };
  expect(total).toBe(0);
});

test('a second channel named like an existing one is warned about, and the two stay apart', async ({ page, context }) => {
  const name = `Twin ${tag}`;
  const first = await createChannel(name);
  await signIn(context, page, admin(), '/channels');
  await page.getByRole('button', { name: 'New channel' }).click();
  const dialog = page.getByRole('dialog');
  const nameField = dialog.getByLabel('Name', { exact: true });
  await nameField.fill(name.toUpperCase());
  await expect(nameField).toHaveAccessibleDescription(new RegExp(`A channel named “${name}” already exists \\(twin-${tag}\\)`));
  await nameField.fill(`${name} east`);
  await expect(dialog.locator('[data-field-warning]')).toHaveCount(0);
  await nameField.fill(name);
  await dialog.getByLabel('Primary source URL').fill(QUIET_SOURCE);
  await dialog.getByRole('button', { name: 'Create channel' }).click();
  await expect(dialog).toBeHidden();

  const { items } = (await (await api.get(`/api/v1/channels?search=${encodeURIComponent(name)}`)).json()) as { items: Array<{ id: string; slug: string }> };
  cleanup.push(...items.map((item) => item.id).filter((id) => id !== first));
  expect(items.map((item) => item.slug).sort()).toEqual([`twin-${tag}`, `twin-${tag}-2`]);
  await expect(page.getByRole('link', { name: `${name} (twin-${tag})`, exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: `${name} (twin-${tag}-2)`, exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: `Start ${name} (twin-${tag}-2)`, exact: true })).toBeVisible();
});

test('a double click on Start sends one request and gives one toast', async ({ page, context }) => {
  const name = `Double ${tag}`;
  const id = await createChannel(name);
  const starts: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === `/api/v1/channels/${id}/start`) starts.push(request.url());
  });
  await signIn(context, page, admin(), `/channels?search=${encodeURIComponent(name)}`);
  await page.getByRole('button', { name: `Start ${name}`, exact: true }).dblclick();
  const toast = page.locator('[data-sonner-toast]', { hasText: `Starting ${name}` });
  await expect(toast).toHaveCount(1);
  // a second request would have answered by now; toasts stay 4 s, so both would still show
  await page.waitForTimeout(1_000);
  expect(await toast.count()).toBe(1);
  expect(starts).toHaveLength(1);
});

test('deleting a running channel stops it first, then deletes it, and says so in that order', async ({ page, context }) => {
  const name = `Doomed ${tag}`;
  const id = await createChannel(name);
  expect((await api.post(`/api/v1/channels/${id}/start`)).status()).toBe(200);
  await expect.poll(async () => ((await (await api.get(`/api/v1/channels/${id}`)).json()) as { status: string }).status).toMatch(/starting|running/);
  // The calls on the channel itself, in the order their answers arrived, with the status each GET read.
  const calls: Array<{ call: string; status?: string }> = [];
  page.on('response', async (response) => {
    const url = new URL(response.url());
    const call = `${response.request().method()} ${url.pathname.slice(`/api/v1/channels/${id}`.length) || '/'}`;
    if (!url.pathname.startsWith(`/api/v1/channels/${id}`) || !['POST /stop', 'GET /', 'DELETE /'].includes(call)) return;
    const entry: { call: string; status?: string } = { call };
    calls.push(entry);
    if (call === 'GET /') entry.status = ((await response.json().catch(() => ({}))) as { status?: string }).status;
  });
  await signIn(context, page, admin(), `/channels/${id}`);
  const toasts = await recordToasts(page);
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm).toContainText('it is stopped first, then deleted');
  await confirm.getByRole('button', { name: /delete/i }).click();
  await expect(page).toHaveURL(/\/channels$/);
  await expect.poll(toasts, { timeout: 30_000 }).toContain(`Stopped and deleted ${name}`);
  expect(await toasts()).toEqual([`Stopping ${name}…`, `Stopped ${name}. Deleting…`, `Stopped and deleted ${name}`]);
  // the DELETE went out only after the channel read back as stopped
  const stop = calls.findIndex((entry) => entry.call === 'POST /stop');
  const remove = calls.findIndex((entry) => entry.call === 'DELETE /');
  expect(stop).toBeGreaterThanOrEqual(0);
  expect(remove).toBeGreaterThan(stop);
  expect(calls.slice(stop + 1, remove).at(-1)).toEqual({ call: 'GET /', status: 'stopped' });
  expect((await api.get(`/api/v1/channels/${id}`)).status()).toBe(404);
  cleanup.splice(cleanup.indexOf(id), 1);
});

test('a viewer reads read-only wording on the Logo tab, and sizes are labelled in binary units', async ({ browser }) => {
  const viewer = await createUser('viewer');
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(context, page, viewer, '/channels');
  await page.getByRole('link', { name: 'Demo', exact: true }).click();
  await page.getByRole('tab', { name: 'Logo' }).click();
  await expect(page.getByText('Read-only: an operator or admin can move it.')).toBeVisible();
  await expect(page.getByText(/drag the logo/i)).toHaveCount(0);
  await expect(page.getByLabel('Logo position')).toHaveAccessibleDescription('The logo as it is placed on the output. Your role cannot move it.');

  await page.goto('/monitoring');
  // /proc reports memory in KiB: the page says GiB/MiB, never GB/MB.
  const memory = page.getByText(/^\d+(\.\d)? (MiB|GiB)$/).first();
  await expect(memory).toBeVisible();
  await expect(page.getByText(/\d (KB|MB|GB|TB)\b/)).toHaveCount(0);
  await context.close();
});
