import { randomBytes } from 'node:crypto';
import { expect, type Page, test } from '@playwright/test';
import { admin, apiAs, logoPng, signIn } from './support';

/** The demo source start.mjs runs: FFmpeg's test pattern as MPEG-TS over UDP. */
const SOURCE = 'udp://127.0.0.1:5004?pkt_size=1316';
const name = `E2E News ${randomBytes(2).toString('hex')}`;

test.describe.configure({ mode: 'serial' });

let page: Page;
let channelId: string;

test.beforeAll(async ({ browser }) => {
  const context = await browser.newContext();
  page = await context.newPage();
  await signIn(context, page, admin(), '/channels');
});

test.afterAll(async () => {
  // Whatever happened above, leave no FFmpeg running.
  const api = await apiAs(admin());
  if (channelId) await api.post(`/api/v1/channels/${channelId}/stop`);
  await api.dispose();
  await page.context().close();
});

test('an operator creates a channel with a backup source and a logo from the dialog', async () => {
  await page.getByRole('button', { name: 'New channel' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  await dialog.getByLabel('Primary source URL').fill(SOURCE);
  await dialog.getByLabel('Backup source URL').first().fill('udp://127.0.0.1:5099?pkt_size=1316');
  await dialog.getByLabel('Logo', { exact: true }).setInputFiles({ name: 'brand.png', mimeType: 'image/png', buffer: await logoPng() });
  await expect(dialog.getByText('brand.png')).toBeVisible();
  await dialog.getByRole('button', { name: 'Create channel' }).click();

  await expect(dialog).toBeHidden();
  await expect(page.getByRole('link', { name })).toBeVisible();
  const api = await apiAs(admin());
  const { items } = (await (await api.get(`/api/v1/channels?search=${encodeURIComponent(name)}`)).json()) as {
    items: Array<{ id: string; sources: Array<{ url: string }>; logo: { x: number; y: number } | null; status: string }>;
  };
  await api.dispose();
  expect(items).toHaveLength(1);
  expect(items[0]!.sources.map((source) => source.url)).toEqual([SOURCE, 'udp://127.0.0.1:5099?pkt_size=1316']);
  expect(items[0]!.logo).not.toBeNull();
  expect(items[0]!.status).toBe('stopped');
  channelId = items[0]!.id;
});

test('the API refusal of a bad source is shown in the dialog, which keeps what was typed', async () => {
  await page.getByRole('button', { name: 'New channel' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name', { exact: true }).fill('Bad source');
  await dialog.getByLabel('Primary source URL').fill('file:///etc/passwd');
  await dialog.getByRole('button', { name: 'Create channel' }).click();
  await expect(dialog.getByText(/file/i).filter({ hasNotText: 'file:///etc/passwd' }).first()).toBeVisible();
  await expect(dialog.getByLabel('Name', { exact: true })).toHaveValue('Bad source');
  await dialog.getByRole('button', { name: 'Cancel' }).or(dialog.getByRole('button', { name: 'Close' })).first().click();
  await expect(dialog).toBeHidden();
});

test('starting it turns its status to running', async () => {
  await page.getByRole('button', { name: `Start ${name}` }).click();
  const card = page.locator('[data-channel-id]', { has: page.getByRole('link', { name }) });
  await expect(card.getByText('running', { exact: true })).toBeVisible({ timeout: 30_000 });
});

test('the grid takes its live numbers from one WebSocket following every channel, without polling per card', async () => {
  const card = page.locator('[data-channel-id]', { has: page.getByRole('link', { name }) });
  let subscribedToAll = false;
  let pushedMetrics = 0;
  page.on('websocket', (socket) => {
    if (!socket.url().endsWith('/api/v1/ws/metrics')) return;
    socket.on('framesent', ({ payload }) => {
      if (String(payload) === '{"subscribe":["*"]}') subscribedToAll = true;
    });
    socket.on('framereceived', ({ payload }) => {
      const text = String(payload);
      if (text.startsWith('{"type":"metrics"') && text.includes(channelId)) pushedMetrics += 1;
    });
  });
  await page.reload();
  await expect.poll(() => subscribedToAll).toBe(true);
  await expect(card.locator('[data-metric="fps"] dd')).not.toHaveText('—', { timeout: 15_000 });
  await expect.poll(() => pushedMetrics, { timeout: 15_000 }).toBeGreaterThan(0);

  const polls: string[] = [];
  page.on('request', (request) => {
    if (/\/api\/v1\/channels\/[^/]+\/metrics$/.test(new URL(request.url()).pathname)) polls.push(request.url());
  });
  const pushedBefore = pushedMetrics;
  // Polling ran every 2.5 s per card; pushes arrive every second.
  await page.waitForTimeout(6_000);
  expect(polls).toEqual([]);
  expect(pushedMetrics - pushedBefore).toBeGreaterThanOrEqual(3);
});

test('the detail page plays the live output with hls.js', async () => {
  await page.getByRole('link', { name }).first().click();
  await expect(page).toHaveURL(new RegExp(`/channels/${channelId}$`));
  const video = page.getByLabel('Live preview');
  await expect(video).toBeVisible();
  // Fragments arrive through hls.js and the element's clock moves: Chromium decodes the H.264/AAC output.
  await expect.poll(async () => Number(await video.getAttribute('data-fragments-loaded')), { timeout: 45_000 }).toBeGreaterThanOrEqual(2);
  // The initial seek to the live edge alone moves currentTime: read it twice 3 s apart, and it must grow while
  // the video plays.
  const clock = () => video.evaluate((element: HTMLVideoElement) => ({ time: element.currentTime, paused: element.paused }));
  await expect.poll(async () => (await clock()).time, { timeout: 45_000 }).toBeGreaterThan(0);
  const first = await clock();
  await page.waitForTimeout(3_000);
  const second = await clock();
  expect(second.paused).toBe(false);
  expect(second.time).toBeGreaterThan(first.time);
});

test('one status on the channels page, the detail page, the processes page and the API; "Live" only on new segments', async () => {
  // On the detail page (the previous test opened it): running, and Live because new segments arrive.
  await expect(page.locator('[data-on-air="true"]')).toHaveText('Live', { timeout: 30_000 });
  const detail = await page.locator('[data-status]').first().getAttribute('data-status');
  const api = await apiAs(admin());
  const fromApi = (await (await api.get(`/api/v1/channels/${channelId}`)).json()).status as string;
  await api.dispose();
  await page.goto('/channels');
  const card = page.getByTestId('channel-card').filter({ has: page.getByRole('link', { name }) });
  const onCard = await card.locator('[data-status]').first().getAttribute('data-status');
  await page.goto('/monitoring/processes');
  const row = page.getByTestId('process-row').filter({ has: page.getByRole('link', { name }) });
  await expect(row.first()).toBeVisible({ timeout: 15_000 });
  const inProcesses = await row.first().locator('[data-status]').first().getAttribute('data-status');
  expect({ detail, onCard, inProcesses }).toEqual({ detail: fromApi, onCard: fromApi, inProcesses: fromApi });
  expect(fromApi).toBe('running');
  await page.goto(`/channels/${channelId}`);
});

test('dragging the logo and saving stores the new coordinates', async () => {
  // The page was just loaded: wait for its tabs instead of finding none yet and skipping the click.
  const logoTab = page.getByRole('tab', { name: 'Logo' });
  await expect(logoTab).toBeVisible();
  await logoTab.click();
  const logo = page.getByLabel('Logo position');
  await expect(logo).toBeVisible();
  // The editor's frame is the size of the output, as its worker measured it on the running output.
  const metricsApi = await apiAs(admin());
  let measured = '';
  await expect
    .poll(
      async () => {
        const metrics = (await (await metricsApi.get(`/api/v1/channels/${channelId}/metrics`)).json()) as { outputWidth: number | null; outputHeight: number | null };
        measured = metrics.outputWidth ? `${metrics.outputWidth}×${metrics.outputHeight}` : '';
        return measured;
      },
      { timeout: 15_000 },
    )
    .not.toBe('');
  await metricsApi.dispose();
  await expect(page.getByText(new RegExp(`corner of a ${measured} output`))).toBeVisible();
  const readout = page.getByText(/x \d+ · y \d+/);
  const before = (await readout.textContent())!;

  const box = (await logo.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 - 120, box.y + box.height / 2 + 60, { steps: 12 });
  await page.mouse.up();
  await expect(readout).not.toHaveText(before);
  // Keyboard users move it too: one arrow press is one output pixel.
  await logo.focus();
  await page.keyboard.press('ArrowDown');
  const [, x, y] = (await readout.textContent())!.match(/x (\d+) · y (\d+)/)!.map(Number);

  await page.getByRole('button', { name: 'Save position' }).click();
  await expect(page.getByText('Logo position saved')).toBeVisible();
  const api = await apiAs(admin());
  const channel = (await (await api.get(`/api/v1/channels/${channelId}`)).json()) as { logo: { x: number; y: number } };
  await api.dispose();
  expect(channel.logo).toMatchObject({ x, y });
  expect(before).not.toContain(`x ${x} · y ${y}`);
});

test('stopping and deleting it from the dashboard, each after a confirmation', async () => {
  await page.getByRole('button', { name: 'Stop channel' }).click();
  await expect(page.getByText('stopped', { exact: true }).first()).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: /delete/i }).click();
  await expect(page).toHaveURL(/\/channels$/);
  await expect(page.getByRole('link', { name })).toHaveCount(0);
  channelId = '';
});
