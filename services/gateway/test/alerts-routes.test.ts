import { createServer, type Server } from 'node:http';
import WebSocket from 'ws';
import type { AddressInfo } from 'node:net';
import { ADMIN, bearer, eventually, inProcessServiceEnv, login, type ServiceProcess, spawnService, startTestGateway, type TestGateway, userWithRole } from '@castline/testkit';

/**
 * The alerting routes end to end (HTTP -> gateway -> NATS -> monitoring from its build): secrets never come
 * back, refusals keep their codes, acks name who acked, and the audit log records the writes.
 */
let gateway: TestGateway;
let monitoring: ServiceProcess;
let hook: Server;
let hookUrl: string;
let admin: string;
let operator: string;

beforeAll(async () => {
  hook = createServer((request, response) => {
    if (request.url === '/down') response.writeHead(500);
    response.end('received');
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook?token=very-secret-token`;
  gateway = await startTestGateway('alerts-routes');
  monitoring = await spawnService('monitoring', {
    ...inProcessServiceEnv(gateway.databaseUrl),
    ALERTS_ALLOWED_TARGETS: '127.0.0.1/32',
    NGINX_HEALTH_URL: 'off',
    CHECKS_TICK_MS: '200',
    ALERTS_EVAL_INTERVAL_MS: '300',
  });
  admin = (await login(gateway.app, ADMIN.email, ADMIN.password)).accessToken;
  operator = (await userWithRole(gateway.app, admin, 'operator')).accessToken;
});
afterAll(async () => {
  await monitoring.stop();
  await gateway.close();
  hook.close();
});

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string, payload?: unknown) =>
  gateway.app.inject({ method, url: `/api/v1${url}`, headers: bearer(token), payload: payload as never });

it('creates and tests a receiver without ever answering its secret', async () => {
  const created = await call('POST', '/alerts/receivers', admin, { name: 'ops', kind: 'webhook', config: { url: hookUrl, secret: 'a-signing-secret-0123' } });
  expect(created.statusCode).toBe(201);
  expect(created.body).not.toContain('very-secret-token');
  expect(created.body).not.toContain('a-signing-secret');
  const listed = await call('GET', '/alerts/receivers', operator);
  expect(listed.json()).toMatchObject({ items: [{ name: 'ops', kind: 'webhook', targetHost: new URL(hookUrl).host, signed: true }] });
  expect(listed.body).not.toContain('very-secret-token');
  const tested = await call('POST', `/alerts/receivers/${created.json().id}/test`, admin);
  expect(tested.statusCode).toBe(200);
  expect(tested.json()).toMatchObject({ ok: true, statusCode: 200, reply: 'received' });
  const unsaved = await call('POST', '/alerts/receivers/test', admin, { kind: 'slack', config: { url: 'http://169.254.169.254/' } });
  expect(unsaved.statusCode).toBe(400);
  expect(unsaved.json().error.code).toBe('TARGET_FORBIDDEN');
});

it('refuses a check on a forbidden target with 400 TARGET_FORBIDDEN naming the field', async () => {
  const response = await call('POST', '/monitoring/checks', operator, { kind: 'http', name: 'meta', target: 'http://169.254.169.254/latest/meta-data', intervalSeconds: 30 });
  expect(response.statusCode).toBe(400);
  expect(response.json().error).toMatchObject({ code: 'TARGET_FORBIDDEN', details: { fields: [{ path: 'target' }] } });
  const tooOften = await call('POST', '/monitoring/checks', operator, { kind: 'tcp', name: 'db', target: '127.0.0.1:5432', intervalSeconds: 5 });
  expect(tooOften.statusCode).toBe(400);
  expect(tooOften.json().error.details.fields[0].path).toBe('intervalSeconds');
});

it('records silences with who made them and audits alerting writes', async () => {
  const silence = await call('POST', '/alerts/silences', operator, { matchers: [{ label: 'check', value: 'nginx' }], endsAt: new Date(Date.now() + 3_600_000).toISOString(), comment: 'upgrade' });
  expect(silence.statusCode).toBe(201);
  expect(silence.json()).toMatchObject({ active: true, comment: 'upgrade', createdBy: expect.stringContaining('@') });
  // The audit row is written after the response.
  const entry = await eventually(async () => (await call('GET', '/audit?action=silences.create', admin)).json().items[0], 5_000);
  expect(entry).toMatchObject({ action: 'silences.create', targetId: silence.json().id });
});

it('pushes a new notification to open dashboards and keeps read state per user', async () => {
  const baseUrl = (await gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/v1/ws/metrics`, ['bearer', operator]);
  const frames: Array<{ type: string; data?: { title?: string; kind?: string } }> = [];
  socket.on('message', (raw) => frames.push(JSON.parse(raw.toString())));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  try {
    const created = await call('POST', '/monitoring/checks', operator, { kind: 'http', name: 'storefront', target: `http://${new URL(hookUrl).host}/down`, intervalSeconds: 10 });
    expect(created.statusCode).toBe(201);
    const deadline = Date.now() + 10_000;
    const isOurs = (frame: (typeof frames)[number]) => frame.type === 'notification' && frame.data?.title === 'service DOWN: 1 firing';
    while (!frames.some(isOurs) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(frames.find(isOurs)?.data).toMatchObject({ kind: 'alert' });
  } finally {
    socket.terminate();
  }
  const mine = await call('GET', '/notifications?unreadOnly=true', operator);
  expect(mine.json().unread).toBeGreaterThan(0);
  expect((await call('POST', '/notifications/read', operator, { all: true })).json()).toEqual({ unread: 0 });
  expect((await call('GET', '/notifications', admin)).json().unread).toBeGreaterThan(0);
  expect((await call('POST', '/notifications/read', operator, {})).statusCode).toBe(400);
});
