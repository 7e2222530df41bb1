import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPrismaClient } from '@castline/db';
import { eventually, type ServiceHarness, startServiceHarness, startTestNginx, type TestNginx } from '@castline/testkit';
import { type Browser, chromium } from 'playwright';
import { PostgresTrafficStore } from '../src/store/postgres-traffic-store';
import { startTrafficLogger } from '../src/traffic-logger-app';

/**
 * The tracker for real: Chromium loads a page behind a real nginx, which serves the page (as the dashboard
 * upstream) and routes /api/v1/collect (the script and its beacons) to the traffic-logger.
 */
const work = mkdtempSync(path.join(tmpdir(), 'castline-tracker-'));
const siteId = randomUUID();
let harness: ServiceHarness;
let nginx: TestNginx;
let pages: Server;
let browser: Browser;
let store: PostgresTrafficStore;

const PAGE = `<!doctype html><html><head><title>TV</title>
<script defer data-site="${siteId}" src="/api/v1/collect/tracker.js"></script></head>
<body><button id="spa" onclick="history.pushState({}, '', '/schedule')">Schedule</button>
<button id="custom" onclick="castline('event', 'play', { channel: 'news', hd: true })">Play</button></body></html>`;

beforeAll(async () => {
  harness = await startServiceHarness('traffic-tracker', startTrafficLogger);
  pages = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE)).listen(0, '127.0.0.1');
  await new Promise((resolve) => pages.once('listening', resolve));
  const loggerAddress = new URL(await harness.app.getUrl()).host.replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
  nginx = await startTestNginx({
    hlsRoot: work,
    env: { DASHBOARD_UPSTREAM: `127.0.0.1:${(pages.address() as AddressInfo).port}`, TRAFFIC_UPSTREAM: loggerAddress },
  });
  const prisma = createPrismaClient(harness.databaseUrl);
  await prisma.site.create({ data: { id: siteId, domain: '127.0.0.1', name: 'Test page', allowedOrigins: [new URL(nginx.baseUrl).origin] } });
  await prisma.$disconnect();
  store = new PostgresTrafficStore(harness.databaseUrl);
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await store?.close();
  await nginx?.stop();
  pages?.close();
  await harness?.close();
  rmSync(work, { recursive: true, force: true });
});

const stored = async () => {
  const events = await store.eventsOf(siteId, new Date(Date.now() - 3_600_000), new Date(Date.now() + 3_600_000));
  const views = events.filter((event) => event.name === 'page_view');
  return { events, views, visitors: new Set(events.map((event) => event.visitorId)).size };
};
const until = (check: (now: Awaited<ReturnType<typeof stored>>) => boolean) =>
  eventually(async () => {
    const now = await stored();
    return check(now) ? now : undefined;
  }, 10_000);

it('load = 1 visitor and 1 page view; 2 reloads = 3 page views, 1 visitor; SPA navigation and custom events stored', async () => {
  const page = await browser.newPage();
  await page.goto(`${nginx.baseUrl}/live?utm_source=newsletter`);
  const first = await until((now) => now.views.length === 1);
  expect(first.visitors).toBe(1);
  expect(first.views[0]).toMatchObject({ path: '/live', utmSource: 'newsletter' });

  await page.reload();
  await page.reload();
  const reloaded = await until((now) => now.views.length === 3);
  expect(reloaded.visitors).toBe(1);

  await page.click('#spa');
  const navigated = await until((now) => now.views.length === 4);
  expect(navigated.views.map((view) => view.path).sort()).toEqual(['/live', '/live', '/live', '/schedule']);

  await page.click('#custom');
  const custom = await until((now) => now.events.some((event) => event.name === 'play'));
  expect(custom.events.find((event) => event.name === 'play')!.props).toEqual({ channel: 'news', hd: true });
  expect(custom.events.filter((event) => event.name === 'session_start')).toHaveLength(1);
  await page.close();
});
