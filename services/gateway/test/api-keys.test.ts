import { ADMIN, bearer, eventually, login, startTestGateway, type TestGateway } from '@castline/testkit';
import { createPrismaClient } from '@castline/db';

let gateway: TestGateway;
let adminToken: string;

beforeAll(async () => {
  gateway = await startTestGateway('apikeys');
  adminToken = (await login(gateway.app, ADMIN.email, ADMIN.password)).accessToken;
});
afterAll(() => gateway.close());

const createKey = (role: string, name = `key-${role}`) =>
  gateway.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: bearer(adminToken), payload: { name, role } });

it('shows a new key once, stores only its hash, and lists it without the secret', async () => {
  const created = await createKey('operator', 'ingest-bot');
  expect(created.statusCode).toBe(201);
  const body = created.json();
  expect(body.key).toMatch(/^cl_[0-9a-f]{8}_[\w-]{43}$/);
  expect(body.key.slice(3, 11)).toBe(body.prefix);

  const list = await gateway.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: bearer(adminToken) });
  const listed = list.json().items.find((item: { id: string }) => item.id === body.id);
  expect(listed).toMatchObject({ name: 'ingest-bot', role: 'operator', prefix: body.prefix });
  expect(JSON.stringify(list.json())).not.toContain(body.key);

  const prisma = createPrismaClient(gateway.databaseUrl);
  try {
    const row = await prisma.apiKey.findUniqueOrThrow({ where: { id: body.id } });
    expect(row.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(body.key.slice(12));
  } finally {
    await prisma.$disconnect();
  }
});

it('authenticates with Authorization: Bearer and with X-API-Key, records last use, and carries its role', async () => {
  const { key, id } = (await createKey('viewer')).json();
  const viaBearer = await gateway.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(key) });
  expect(viaBearer.statusCode).toBe(200);
  expect(viaBearer.json()).toMatchObject({ kind: 'api-key', id, role: 'viewer' });
  const viaHeader = await gateway.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { 'x-api-key': key } });
  expect(viaHeader.statusCode).toBe(200);

  const forbidden = await gateway.app.inject({ method: 'GET', url: '/api/v1/users', headers: { 'x-api-key': key } });
  expect(forbidden.statusCode).toBe(403);

  const lastUsedAt = await eventually(async () => {
    const list = await gateway.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: bearer(adminToken) });
    return list.json().items.find((item: { id: string }) => item.id === id)?.lastUsedAt ?? undefined;
  });
  expect(new Date(lastUsedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
});

it('an admin key can manage users', async () => {
  const { key } = (await createKey('admin')).json();
  const users = await gateway.app.inject({ method: 'GET', url: '/api/v1/users', headers: { 'x-api-key': key } });
  expect(users.statusCode).toBe(200);
});

it('stops working once revoked', async () => {
  const { key, id } = (await createKey('operator')).json();
  expect((await gateway.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(key) })).statusCode).toBe(200);
  const revoked = await gateway.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${id}`, headers: bearer(adminToken) });
  expect(revoked.statusCode).toBe(204);
  const after = await gateway.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(key) });
  expect(after.statusCode).toBe(401);
  expect(after.json().error.code).toBe('TOKEN_INVALID');
});

it('rejects unknown keys and bad input', async () => {
  const unknown = await gateway.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { 'x-api-key': `cl_deadbeef_${'a'.repeat(43)}` } });
  expect(unknown.statusCode).toBe(401);
  const badRole = await gateway.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: bearer(adminToken), payload: { name: 'x', role: 'root' } });
  expect(badRole.statusCode).toBe(400);
  expect(badRole.json().error.code).toBe('VALIDATION_FAILED');
  const missing = await gateway.app.inject({ method: 'DELETE', url: '/api/v1/api-keys/00000000-0000-4000-8000-000000000000', headers: bearer(adminToken) });
  expect(missing.statusCode).toBe(404);
});
