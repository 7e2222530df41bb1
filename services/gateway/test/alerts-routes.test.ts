import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADMIN, bearer, inProcessServiceEnv, login, type ServiceProcess, spawnService, startTestGateway, type TestGateway, userWithRole } from '@castline/testkit';

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
  hook = createServer((_request, response) => response.end('received'));
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook?token=very-secret-token`;
  gateway = await startTestGateway('alerts-routes');
  monitoring = await spawnService('monitoring', { ...inProcessServiceEnv(gateway.databaseUrl), ALERTS_ALLOWED_TARGETS: '127.0.0.1/32', NGINX_HEALTH_URL: 'off', CHECKS_TICK_MS: '0' });
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
  const audit = await call('GET', '/audit?action=silences.create', admin);
  expect(audit.json().items[0]).toMatchObject({ action: 'silences.create', targetId: silence.json().id });
});
