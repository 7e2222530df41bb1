import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { type APIRequestContext, expect, type Page, test } from '@playwright/test';
import { admin, apiAs, signIn } from './support';

/**
 * "Live" tells the truth: absent while a channel starts on a source that sends nothing yet, present once new
 * segments of this run arrive, and after a restart the preview never plays the previous run's segments.
 * The source is a live encoder this test starts and stops itself (on a port of its own).
 */
const SEGMENT_SECONDS = 4;
const port = randomInt(5600, 5900);
const source = `udp://127.0.0.1:${port}?pkt_size=1316`;
const name = `E2E On air ${randomBytes(2).toString('hex')}`;

test.describe.configure({ mode: 'serial' });

let api: APIRequestContext;
let page: Page;
let channelId = '';
let encoder: ChildProcess | undefined;
/** Every HLS segment the browser asked for, in order. */
const segmentsRequested: string[] = [];

function startEncoder(): void {
  encoder = spawn(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-nostats', '-re'],
      ...['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=1000:sample_rate=48000'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '50', '-c:a', 'aac', '-f', 'mpegts', source],
    ],
    { stdio: 'ignore' },
  );
}

async function stopEncoder(): Promise<void> {
  const running = encoder;
  encoder = undefined;
  if (!running || running.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    running.once('exit', () => resolve());
    running.kill('SIGTERM');
  });
}

async function apiStatus(): Promise<string> {
  return ((await (await api.get(`/api/v1/channels/${channelId}`)).json()) as { status: string }).status;
}

const liveBadge = () => page.locator('[data-on-air="true"]');
const card = () => page.getByTestId('channel-card').filter({ has: page.getByRole('link', { name }) });

/** While the API says `starting` (or `waiting`: the source sends nothing), neither page shows "Live" nor plays. */
async function expectNotLiveWhileStarting(): Promise<void> {
  // Checked several times over a few seconds: a badge that appears on the first metrics frame is caught too.
  for (let check = 0; check < 4; check += 1) {
    await page.goto(`/channels/${channelId}`);
    await expect(page.locator('[data-status]').first()).toHaveAttribute('data-status', /^(starting|waiting)$/);
    await page.waitForTimeout(1_500);
    expect(await apiStatus()).toMatch(/^(starting|waiting)$/);
    await expect(liveBadge()).toHaveCount(0);
    await expect(page.getByText('Live', { exact: true })).toHaveCount(0);
    await expect(page.getByLabel('Live preview')).toHaveCount(0);
    await page.goto('/channels');
    await expect(card().locator('[data-status]').first()).toHaveAttribute('data-status', /^(starting|waiting)$/);
    await page.waitForTimeout(1_500);
    await expect(card().locator('[data-on-air="true"]')).toHaveCount(0);
    await expect(card().getByText('Live', { exact: true })).toHaveCount(0);
  }
}

/** Starts the encoder, waits for the first segment of the run (the API turns `running`), then "Live" within one segment. */
async function expectLiveOnFirstSegment(): Promise<void> {
  await page.goto(`/channels/${channelId}`);
  startEncoder();
  await expect.poll(apiStatus, { timeout: 45_000 }).toBe('running');
  await expect(liveBadge()).toHaveText('Live', { timeout: SEGMENT_SECONDS * 1_000 });
}

test.beforeAll(async ({ browser }) => {
  api = await apiAs(admin());
  const created = await api.post('/api/v1/channels', { data: { name, sources: [{ url: source }], hls: { segmentSeconds: SEGMENT_SECONDS, listSize: 6 } } });
  expect(created.status(), await created.text()).toBe(201);
  channelId = ((await created.json()) as { id: string }).id;
  const context = await browser.newContext();
  page = await context.newPage();
  page.on('request', (request) => {
    const file = new URL(request.url()).pathname;
    if (/\.(ts|m4s)$/.test(file)) segmentsRequested.push(file);
  });
  await signIn(context, page, admin(), '/channels');
});

test.afterAll(async () => {
  await stopEncoder();
  if (channelId) {
    await api.post(`/api/v1/channels/${channelId}/stop`);
    await expect.poll(async () => (await api.delete(`/api/v1/channels/${channelId}`)).status(), { timeout: 20_000 }).toBeLessThan(500);
  }
  await api.dispose();
  await page.context().close();
});

test('"Live" is absent on the detail page and the channels card while the channel starts on a silent source', async () => {
  expect((await api.post(`/api/v1/channels/${channelId}/start`)).status()).toBeLessThan(300);
  await expectNotLiveWhileStarting();
});

test('"Live" appears within one segment of the first new segment, on the detail page and the card', async () => {
  await expectLiveOnFirstSegment();
  await expect.poll(async () => Number(await page.getByLabel('Live preview').getAttribute('data-fragments-loaded')), { timeout: 45_000 }).toBeGreaterThanOrEqual(2);
  await page.goto('/channels');
  await expect(card().locator('[data-on-air="true"]')).toHaveText('Live', { timeout: 15_000 });
});

test('once the source stops sending, "Live" goes', async () => {
  await page.goto(`/channels/${channelId}`);
  await expect(liveBadge()).toHaveText('Live', { timeout: 15_000 });
  await stopEncoder();
  // "No new segments" while the run lasts, no badge once it has ended: never "Live".
  await expect(liveBadge()).toHaveCount(0, { timeout: 30_000 });
});

// FFmpeg runs with append_list: the new run's playlist still lists the previous run's segments, and hls.js
// would start liveSyncDurationCount segments from the live edge, inside the previous run. The player starts at
// this run's first segment instead.
test('after a restart the preview waits for this run and never plays the previous run\'s segments', async () => {
  const previousRun = new Set(segmentsRequested);
  expect(previousRun.size).toBeGreaterThanOrEqual(2);
  // The previous run's playlist and segments are still served while the new run starts.
  expect((await api.post(`/api/v1/channels/${channelId}/restart`)).status()).toBeLessThan(300);
  await expect.poll(apiStatus, { timeout: 30_000 }).toMatch(/^(starting|waiting)$/);
  const firstOfThisRun = segmentsRequested.length;
  await expectNotLiveWhileStarting();

  await expectLiveOnFirstSegment();
  await expect.poll(async () => Number(await page.getByLabel('Live preview').getAttribute('data-fragments-loaded')), { timeout: 45_000 }).toBeGreaterThanOrEqual(2);
  const thisRun = segmentsRequested.slice(firstOfThisRun);
  expect(thisRun.length).toBeGreaterThanOrEqual(2);
  expect(thisRun.filter((segment) => previousRun.has(segment))).toEqual([]);
});
