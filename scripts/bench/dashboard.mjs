/* global document, location -- the page.evaluate/waitForFunction callbacks run in the browser */
// `npm run bench:dashboard`: how fast the operator dashboard is for a person, in Debian's Chromium against
// the platform `npm start` runs (production build: `next start`), signed in as the admin from .cache/local.env.
//  1. Every page, cold (new browser context: empty cache) and warm (reload): time to the page's h1, time
//     until no skeleton is left (its data is on screen), and the JavaScript transferred.
//  2. Client-side navigation (sidebar link click) to each page: time to its h1.
//  3. Live push: with the Demo channel running, the delay from a worker's metrics sample (sampledAt) to its
//     arrival in the browser over the WebSocket, median and p95 of BENCH_SAMPLES (default 30).
//  4. The channels page's steady request load with the Demo channel running, over BENCH_WATCH_SECONDS (default
//     20): with its live socket, and with the socket refused (the page falls back to polling), side by side.
// BASE_URL (default http://localhost:8080) and GATEWAY_URL (http://localhost:3000) point elsewhere.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const require = createRequire(path.join(root, 'apps/dashboard/package.json'));
const { chromium } = require('@playwright/test');

const baseUrl = process.env.BASE_URL ?? 'http://localhost:8080';
const gatewayUrl = process.env.GATEWAY_URL ?? 'http://localhost:3000';
const samplesWanted = Number(process.env.BENCH_SAMPLES ?? 30);
const local = Object.fromEntries(
  readFileSync(path.join(root, '.cache/local.env'), 'utf8')
    .split('\n')
    .filter((line) => line.includes('='))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);
const admin = { email: process.env.ADMIN_EMAIL ?? local.ADMIN_EMAIL, password: process.env.ADMIN_PASSWORD ?? local.ADMIN_PASSWORD };

const PAGES = [
  ['/', 'Overview', 'Overview'],
  ['/channels', 'Channels', 'Channels'],
  ['/monitoring', 'System', 'System'],
  ['/monitoring/processes', 'Processes', 'Processes'],
  ['/settings/users', 'Users', 'Users'],
  ['/settings/api-keys', 'API keys', 'API keys'],
  ['/settings/presets', 'Encoding presets', 'Encoding presets'],
  ['/settings/audit', 'Audit log', 'Audit log'],
];

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];
const ms = (value) => `${Math.round(value)} ms`;

async function api(method, url, token, body) {
  const response = await fetch(`${gatewayUrl}/api/v1${url}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// One admin sign-in for the API calls; each browser context signs in as a throwaway admin of its own, so the
// per-account login limit (10 per 15 min) is not what the run measures. They are deleted at the end.
const { accessToken: adminToken } = await api('POST', '/auth/login', undefined, admin);
const benchUsers = [];

async function signedInContext() {
  const user = { email: `bench-${benchUsers.length}-${Date.now()}@castline.local`, password: `bench-${Math.random().toString(36).slice(2)}-pass` };
  benchUsers.push((await api('POST', '/users', adminToken, { ...user, role: 'admin', name: 'bench:dashboard' })).id);
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const login = await context.request.post(`${gatewayUrl}/api/v1/auth/login`, { data: { ...user, session: 'cookie' } });
  if (login.status() !== 200) throw new Error(`login: ${login.status()} ${await login.text()}`);
  return context;
}

/** Runs `measure` with the Demo channel running (started for it, and stopped again, when it was not). */
async function withDemoRunning(measure) {
  const { items } = await api('GET', '/channels?search=demo', adminToken);
  const demo = items.find((channel) => channel.slug === 'demo');
  if (!demo) {
    console.log('  no Demo channel (DEMO=false?): skipped');
    return;
  }
  const wasRunning = demo.status === 'running';
  if (!wasRunning) await api('POST', `/channels/${demo.id}/start`, adminToken);
  try {
    await measure(demo);
  } finally {
    if (!wasRunning) await api('POST', `/channels/${demo.id}/stop`, adminToken);
  }
}

/** Loads `pagePath` and times it; JavaScript bytes as transferred (compressed; 0 when served from the cache). */
async function timeLoad(page, pagePath, heading, reload = false) {
  let scriptBytes = 0;
  const onResponse = async (response) => {
    if (response.request().resourceType() !== 'script') return;
    if (response.fromServiceWorker() || response.status() === 304) return;
    const sizes = await response.request().sizes().catch(() => undefined);
    scriptBytes += Math.max(0, sizes?.responseBodySize ?? 0);
  };
  page.on('response', onResponse);
  const started = performance.now();
  if (reload) await page.reload();
  else await page.goto(`${baseUrl}${pagePath}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  const toHeading = performance.now() - started;
  await page.waitForFunction(() => document.querySelectorAll('[data-slot="skeleton"]').length === 0, undefined, { timeout: 30_000 });
  const toData = performance.now() - started;
  page.off('response', onResponse);
  return { toHeading, toData, scriptBytes };
}

console.log(`dashboard at ${baseUrl} (${process.env.BENCH_LABEL ?? 'next start'}), Chromium ${browser.version()}\n`);
console.log('1. page loads: cold = new context (empty cache, session from the refresh cookie), warm = reload');
console.log('page                    cold h1   cold data  warm h1   warm data  JS cold    JS warm');
const cold = [];
const warm = [];
for (const [pagePath, heading] of PAGES) {
  const context = await signedInContext();
  const page = await context.newPage();
  const first = await timeLoad(page, pagePath, heading);
  const second = await timeLoad(page, pagePath, heading, true);
  cold.push(first.toData);
  warm.push(second.toData);
  console.log(
    `${pagePath.padEnd(24)}${ms(first.toHeading).padEnd(10)}${ms(first.toData).padEnd(11)}${ms(second.toHeading).padEnd(10)}${ms(second.toData).padEnd(11)}` +
      `${(first.scriptBytes / 1024).toFixed(0).padStart(5)} KB  ${(second.scriptBytes / 1024).toFixed(0).padStart(5)} KB`,
  );
  await context.close();
}
console.log(`median time to data: cold ${ms(median(cold))}, warm ${ms(median(warm))} (warm/cold ${(median(warm) / median(cold)).toFixed(2)})\n`);

console.log('2. client-side navigation (sidebar click) -> h1 and data');
{
  const context = await signedInContext();
  const page = await context.newPage();
  await page.goto(`${baseUrl}/`);
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  const times = [];
  for (const [pagePath, heading, linkName] of [...PAGES.slice(1), PAGES[0]]) {
    const started = performance.now();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: linkName, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-slot="skeleton"]').length === 0, undefined, { timeout: 30_000 });
    const elapsed = performance.now() - started;
    times.push(elapsed);
    console.log(`  -> ${pagePath.padEnd(24)}${ms(elapsed)}`);
  }
  console.log(`median ${ms(median(times))}; vs a cold load: ${(median(times) / median(cold)).toFixed(2)}\n`);
  await context.close();
}

console.log('3. live push: worker sample (sampledAt) -> browser, WebSocket /api/v1/ws/metrics');
await withDemoRunning(async (demo) => {
  const context = await signedInContext();
  const page = await context.newPage();
  await page.goto(`${baseUrl}/channels/${demo.id}`);
  await page.getByRole('status').filter({ hasText: /^Live$/ }).waitFor({ timeout: 30_000 });
  // A second socket in the page, next to the dashboard's own, records each metrics frame's arrival time.
  const delays = await page.evaluate(
    async ({ id, token, wanted }) =>
      new Promise((resolve, reject) => {
        const found = [];
        const socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/api/v1/ws/metrics`, ['bearer', token]);
        socket.onopen = () => socket.send(JSON.stringify({ subscribe: [id] }));
        socket.onmessage = (message) => {
          const frame = JSON.parse(message.data);
          if (frame.type !== 'metrics') return;
          found.push(Date.now() - Date.parse(frame.data.sampledAt));
          if (found.length >= wanted) {
            socket.close();
            resolve(found);
          }
        };
        socket.onerror = () => reject(new Error('socket error'));
        setTimeout(() => reject(new Error(`only ${found.length} samples in time`)), wanted * 3_000);
      }),
    { id: demo.id, token: adminToken, wanted: samplesWanted },
  );
  console.log(`  ${delays.length} samples: median ${ms(median(delays))}, p95 ${ms(percentile(delays, 0.95))}, max ${ms(Math.max(...delays))}`);
  await context.close();
});
console.log('\n4. channels page at rest, Demo running: HTTP requests per minute by kind, socket live vs socket refused');
await withDemoRunning(async (demo) => {
  const watchSeconds = Number(process.env.BENCH_WATCH_SECONDS ?? 20);
  const kindOf = (pathname) =>
    /\/channels\/[^/]+\/metrics$/.test(pathname) ? 'metrics' : /\/thumbnail$/.test(pathname) ? 'thumbnail' : /\/channels$/.test(pathname) ? 'list' : 'other';
  const rows = [];
  for (const socketRefused of [false, true]) {
    const context = await signedInContext();
    const page = await context.newPage();
    if (socketRefused) await page.routeWebSocket(/\/api\/v1\/ws\/metrics/, (socket) => socket.close({ code: 1011, reason: 'refused by the benchmark' }));
    let pushed = 0;
    page.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => String(payload).startsWith('{"type":"metrics"') && (pushed += 1)));
    await page.goto(`${baseUrl}/channels`);
    await page.locator(`[data-channel-id="${demo.id}"] [data-metric="fps"] dd`).filter({ hasNotText: '—' }).waitFor({ timeout: 30_000 });
    const counts = { list: 0, metrics: 0, thumbnail: 0, other: 0 };
    const count = (request) => {
      const { pathname } = new URL(request.url());
      if (pathname.startsWith('/api/v1/')) counts[kindOf(pathname)] += 1;
    };
    pushed = 0;
    page.on('request', count);
    await page.waitForTimeout(watchSeconds * 1000);
    page.off('request', count);
    const perMinute = (value) => ((value * 60) / watchSeconds).toFixed(0);
    rows.push([socketRefused ? 'socket refused (polling)' : 'socket live', counts, pushed]);
    console.log(
      `  ${(socketRefused ? 'socket refused (polling)' : 'socket live').padEnd(26)}metrics ${perMinute(counts.metrics).padStart(3)}/min  thumbnail ${perMinute(counts.thumbnail).padStart(3)}/min` +
        `  list ${perMinute(counts.list).padStart(3)}/min  other ${perMinute(counts.other).padStart(3)}/min  pushed metrics frames ${perMinute(pushed).padStart(3)}/min`,
    );
    await context.close();
  }
  const total = (counts) => counts.list + counts.metrics + counts.thumbnail + counts.other;
  console.log(`  HTTP requests, live/polling: ${(total(rows[0][1]) / Math.max(1, total(rows[1][1]))).toFixed(2)}\n`);
});
await browser.close();
for (const id of benchUsers) await api('DELETE', `/users/${id}`, adminToken);
