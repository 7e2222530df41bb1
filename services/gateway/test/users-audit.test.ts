import { createPrismaClient } from '@castline/db';
import { ADMIN, bearer, eventually, login, startTestGateway, type TestGateway, userWithRole } from '@castline/testkit';
import { AuditRecorder } from '../src/audit/audit.recorder';

let gateway: TestGateway;
let adminToken: string;
let adminId: string;

beforeAll(async () => {
  gateway = await startTestGateway('users');
  const session = await login(gateway.app, ADMIN.email, ADMIN.password);
  adminToken = session.accessToken;
  adminId = session.user.id;
});
afterAll(() => gateway.close());

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, token = adminToken) =>
  gateway.app.inject({ method, url: `/api/v1${url}`, headers: bearer(token), payload });

type AuditRow = { action: string; actorType: string; actorId: string | null; actorLabel: string | null; targetId: string | null; result: string; statusCode: number; ip: string };

async function auditRows(query: string): Promise<AuditRow[]> {
  return (await api('GET', `/audit?${query}`)).json().items;
}

describe('users', () => {
  it('creates, reads, lists, updates and deletes a user', async () => {
    const created = await api('POST', '/users', { email: 'Op.One@Test.Castline', name: 'Op One', password: 'op-one-password', role: 'operator' });
    expect(created.statusCode).toBe(201);
    const user = created.json();
    expect(user).toMatchObject({ email: 'op.one@test.castline', role: 'operator', disabled: false });

    expect((await api('GET', `/users/${user.id}`)).json()).toMatchObject({ id: user.id });
    const listed = (await api('GET', '/users?role=operator&search=op.one')).json();
    expect(listed).toMatchObject({ total: 1, page: 1, pageSize: 20 });

    const promoted = await api('PATCH', `/users/${user.id}`, { role: 'admin', name: 'Op Admin' });
    expect(promoted.json()).toMatchObject({ role: 'admin', name: 'Op Admin' });

    expect((await api('DELETE', `/users/${user.id}`)).statusCode).toBe(204);
    expect((await api('GET', `/users/${user.id}`)).statusCode).toBe(404);
  });

  it('refuses a duplicate email with 409 and a weak password with 400', async () => {
    const duplicate = await api('POST', '/users', { email: ADMIN.email, password: 'another-password', role: 'viewer' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('CONFLICT');
    const weak = await api('POST', '/users', { email: 'weak@test.castline', password: 'short', role: 'viewer' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.message).toContain('password');
  });

  it('never demotes, disables or deletes the last active admin', async () => {
    expect((await api('PATCH', `/users/${adminId}`, { role: 'viewer' })).statusCode).toBe(409);
    expect((await api('PATCH', `/users/${adminId}`, { disabled: true })).statusCode).toBe(409);
    expect((await api('DELETE', `/users/${adminId}`)).statusCode).toBe(409);
    expect((await api('GET', `/users/${adminId}`)).json()).toMatchObject({ role: 'admin', disabled: false });
  });

  it('validates ids and query filters', async () => {
    expect((await api('GET', '/users/not-a-uuid')).statusCode).toBe(400);
    expect((await api('GET', '/users?pageSize=1000')).statusCode).toBe(400);
    expect((await api('GET', '/users?role=root')).statusCode).toBe(400);
  });
});

describe('audit log', () => {
  it('records successful and failed mutations with who, what, target, IP and result', async () => {
    const created = await api('POST', '/users', { email: 'audited@test.castline', password: 'audited-password', role: 'viewer' });
    const userId = created.json().id;
    const rows = await eventually(async () => {
      const found = await auditRows(`action=users.create&targetId=${userId}`);
      return found.length ? found : undefined;
    });
    expect(rows[0]).toMatchObject({ action: 'users.create', actorLabel: ADMIN.email, targetId: userId, result: 'success', statusCode: 201 });
    expect(rows[0]!.ip).toBeTruthy();

    await gateway.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'audited@test.castline', password: 'wrong-password' },
      headers: { 'x-forwarded-for': '10.20.30.40' },
    });
    // The failed attempt is anonymous: the email in its body proves nothing and is never the actor label.
    const failures = await eventually(async () => {
      const found = await auditRows('action=auth.login&result=failure');
      return found.find((row) => row.ip === '10.20.30.40');
    });
    expect(failures).toMatchObject({ statusCode: 401, actorType: 'anonymous', actorId: null, actorLabel: null });
  });

  it('records a refresh under its user, hidden unless asked for', async () => {
    const session = await login(gateway.app, ADMIN.email, ADMIN.password, '10.20.31.1');
    const refreshed = await gateway.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: session.refreshToken } });
    expect(refreshed.statusCode).toBe(200);
    const shown = await eventually(async () => (await auditRows('action=auth.refresh'))[0]);
    expect(shown).toMatchObject({ actorType: 'user', actorId: session.user.id, actorLabel: ADMIN.email, result: 'success' });
    const byDefault = (await api('GET', '/audit?pageSize=100')).json().items as Array<{ action: string }>;
    expect(byDefault.some((row) => row.action === 'auth.refresh')).toBe(false);
    const included = (await api('GET', '/audit?pageSize=100&includeRefreshes=true')).json().items as Array<{ action: string }>;
    expect(included.some((row) => row.action === 'auth.refresh')).toBe(true);
  });

  it('bounds what a flood of unauthenticated requests writes', async () => {
    const prisma = createPrismaClient(gateway.databaseUrl);
    const countAnonymous = () => prisma.auditLog.count({ where: { actorType: 'anonymous', ip: '10.66.66.66' } });
    const start = await countAnonymous();
    for (let attempt = 0; attempt < 40; attempt += 1) {
      const response = await gateway.app.inject({ method: 'DELETE', url: '/api/v1/users/00000000-0000-4000-8000-000000000000', headers: { 'x-forwarded-for': '10.66.66.66' } });
      expect(response.statusCode).toBe(401);
    }
    // At most ANONYMOUS_PER_ADDRESS_PER_MINUTE (10) per minute, whatever the flood (two minutes if the clock turned).
    // The rows are written after each reply: let the last ones land.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const written = (await countAnonymous()) - start;
    await prisma.$disconnect();
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThanOrEqual(20);
  });

  it('deletes rows older than the retention', async () => {
    const prisma = createPrismaClient(gateway.databaseUrl);
    try {
      await prisma.auditLog.create({ data: { actorType: 'user', action: 'old.thing', result: 'success', statusCode: 200, at: new Date(Date.now() - 400 * 86_400_000) } });
      expect(await gateway.app.get(AuditRecorder).prune()).toBeGreaterThanOrEqual(1);
      expect(await prisma.auditLog.count({ where: { action: 'old.thing' } })).toBe(0);
    } finally {
      await prisma.$disconnect();
    }
  });

  it('records requests the guard refused', async () => {
    const viewer = await userWithRole(gateway.app, adminToken, 'viewer');
    const refused = await api('POST', '/users', { email: 'x@test.castline', password: 'x-password-123', role: 'admin' }, viewer.accessToken);
    expect(refused.statusCode).toBe(403);
    const row = await eventually(async () => {
      const found = await auditRows('action=users.create&result=failure');
      return found.find((r) => r.actorLabel === viewer.user.email);
    });
    expect(row).toMatchObject({ statusCode: 403 });
  });

  it('paginates newest first and filters by time', async () => {
    const page = (await api('GET', '/audit?pageSize=2&page=1')).json();
    expect(page.items).toHaveLength(2);
    expect(page.total).toBeGreaterThan(2);
    expect(new Date(page.items[0].at).getTime()).toBeGreaterThanOrEqual(new Date(page.items[1].at).getTime());
    const future = (await api('GET', `/audit?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`)).json();
    expect(future.total).toBe(0);
  });
});
