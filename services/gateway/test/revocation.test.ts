import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import WebSocket from 'ws';
import { AccessTokenService } from '../src/auth/access-token.service';
import { startGateway } from '../src/gateway';
import { ADMIN, bearer, inProcessServiceEnv, JWT_SECRET, login, type Session, startTestGateway, type TestGateway, userWithRole } from '@castline/testkit';

/**
 * Revocation takes effect at once: a disabled, demoted or deleted user, a password change and "sign out
 * everywhere" end the user's access tokens on the next request, on this replica and on another one (the
 * cached token version is forgotten over NATS); a disabled user's API keys stop working; API key creation
 * wants the password again after 5 minutes; the WebSocket refuses revoked tokens and API keys in ?token=.
 */
let gateway: TestGateway;
let replica: NestFastifyApplication;
let admin: Session;

beforeAll(async () => {
  gateway = await startTestGateway('revocation');
  replica = await startGateway(
    { ...inProcessServiceEnv(gateway.databaseUrl), REDIS_KEY_PREFIX: 'castline-test-revocation-replica:', JWT_SECRET, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password },
    { handleSignals: false },
  );
  admin = await login(gateway.app, ADMIN.email, ADMIN.password);
});
afterAll(async () => {
  await replica?.close();
  await gateway?.close();
});

const me = (app: NestFastifyApplication, token: string) => app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) });
const patchUser = (id: string, payload: object) =>
  gateway.app.inject({ method: 'PATCH', url: `/api/v1/users/${id}`, headers: bearer(admin.accessToken), payload });

/** The user's token works on both replicas (so both have cached its version) before the change. */
async function warmed(session: Session): Promise<void> {
  expect((await me(gateway.app, session.accessToken)).statusCode).toBe(200);
  expect((await me(replica, session.accessToken)).statusCode).toBe(200);
}

async function expectRevoked(token: string): Promise<void> {
  for (const app of [gateway.app, replica]) {
    const response = await me(app, token);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('TOKEN_REVOKED');
  }
}

describe('access tokens end at once', () => {
  it.each([
    ['disabling', { disabled: true }],
    ['demoting', { role: 'viewer' }],
    ['a password change', { password: 'a-brand-new-password-1' }],
  ])('%s the user', async (_what, change) => {
    const user = await userWithRole(gateway.app, admin.accessToken, 'operator');
    await warmed(user);
    expect((await patchUser(user.user.id, change)).statusCode).toBe(200);
    await expectRevoked(user.accessToken);
  });

  it('deleting the user', async () => {
    const user = await userWithRole(gateway.app, admin.accessToken, 'viewer');
    await warmed(user);
    const deleted = await gateway.app.inject({ method: 'DELETE', url: `/api/v1/users/${user.user.id}`, headers: bearer(admin.accessToken) });
    expect(deleted.statusCode).toBe(204);
    await expectRevoked(user.accessToken);
  });

  it('signing out everywhere, while a fresh sign-in works', async () => {
    const user = await userWithRole(gateway.app, admin.accessToken, 'operator');
    await warmed(user);
    const logout = await replica.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refreshToken: user.refreshToken, everywhere: true } });
    expect(logout.statusCode).toBe(204);
    await expectRevoked(user.accessToken);
    const again = await login(gateway.app, user.user.email, 'operator-password-123', '10.9.0.1');
    expect((await me(replica, again.accessToken)).statusCode).toBe(200);
  });

  it('a role change to the same role keeps the tokens', async () => {
    const user = await userWithRole(gateway.app, admin.accessToken, 'operator');
    expect((await patchUser(user.user.id, { role: 'operator', name: 'Same' })).statusCode).toBe(200);
    expect((await me(gateway.app, user.accessToken)).statusCode).toBe(200);
  });
});

describe('API keys', () => {
  it("stop working while their creator is disabled, and work again once re-enabled", async () => {
    const creator = await userWithRole(gateway.app, admin.accessToken, 'admin');
    const created = await gateway.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: bearer(creator.accessToken), payload: { name: 'ci', role: 'viewer' } });
    expect(created.statusCode).toBe(201);
    const key = created.json().key as string;
    const withKey = (app: NestFastifyApplication) => app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { 'x-api-key': key } });
    expect((await withKey(replica)).statusCode).toBe(200);

    expect((await patchUser(creator.user.id, { disabled: true })).statusCode).toBe(200);
    for (const app of [gateway.app, replica]) {
      const refused = await withKey(app);
      expect(refused.statusCode).toBe(401);
      expect(refused.json().error.message).toMatch(/^API key invalid/);
    }
    expect((await patchUser(creator.user.id, { disabled: false })).statusCode).toBe(200);
    expect((await withKey(gateway.app)).statusCode).toBe(200);
  });

  it('a wrong X-API-Key says "API key invalid"', async () => {
    for (const value of ['cl_live_nonsense', 'not-even-a-key', 'eyJhbGciOiJIUzI1NiJ9.e30.x']) {
      const response = await gateway.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { 'x-api-key': value } });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.message).toBe('API key invalid');
    }
  });

  it('creation wants the password again when the sign-in is older than 5 minutes', async () => {
    const tokens = gateway.app.get(AccessTokenService);
    const stale = await tokens.sign({
      userId: admin.user.id,
      email: admin.user.email,
      role: 'admin',
      version: 0,
      authTime: Math.floor(Date.now() / 1000) - 600,
    });
    const create = (payload: object) => gateway.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: bearer(stale), payload: { name: 'late', role: 'viewer', ...payload } });
    const before = (await gateway.app.inject({ method: 'GET', url: '/api/v1/api-keys?pageSize=100', headers: bearer(admin.accessToken) })).json().total;

    const without = await create({});
    expect(without.statusCode).toBe(403);
    expect(without.json().error.code).toBe('REAUTHENTICATION_REQUIRED');
    const wrong = await create({ password: 'not-the-password' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');
    expect((await gateway.app.inject({ method: 'GET', url: '/api/v1/api-keys?pageSize=100', headers: bearer(admin.accessToken) })).json().total).toBe(before);
    expect((await create({ password: ADMIN.password })).statusCode).toBe(201);
    // A fresh sign-in needs no password.
    expect((await gateway.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: bearer(admin.accessToken), payload: { name: 'fresh', role: 'viewer' } })).statusCode).toBe(201);
  });
});

describe('the WebSocket', () => {
  const closeOf = async (query: string, protocols?: string[]) => {
    const url = `${(await gateway.app.getUrl()).replace('[::1]', '127.0.0.1').replace(/^http/, 'ws')}/api/v1/ws/metrics${query}`;
    const socket = new WebSocket(url, protocols);
    return new Promise<{ code: number; reason: string }>((resolve) => {
      socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
      socket.once('open', () => setTimeout(() => socket.close(1000, 'still open'), 500));
    });
  };

  it('refuses a revoked token on reconnect', async () => {
    const user = await userWithRole(gateway.app, admin.accessToken, 'viewer');
    expect(await closeOf('', ['bearer', user.accessToken])).toEqual({ code: 1000, reason: 'still open' });
    expect((await patchUser(user.user.id, { disabled: true })).statusCode).toBe(200);
    expect(await closeOf('', ['bearer', user.accessToken])).toEqual({ code: 4401, reason: expect.stringContaining('revoked') });
    expect((await closeOf(`?token=${user.accessToken}`)).code).toBe(4401);
  });

  it('refuses an API key in ?token= but takes it in the bearer subprotocol', async () => {
    const created = await gateway.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: bearer(admin.accessToken), payload: { name: 'wall', role: 'viewer' } });
    const key = created.json().key as string;
    expect(await closeOf(`?token=${key}`)).toEqual({ code: 4401, reason: expect.stringContaining('API keys are not accepted') });
    expect(await closeOf('', ['bearer', key])).toEqual({ code: 1000, reason: 'still open' });
  });
});

describe('login limits (defaults: 30 per address, 10 per account and address)', () => {
  it('blocks one address guessing one account after 10 failures, not the account from elsewhere', async () => {
    const user = await userWithRole(gateway.app, admin.accessToken, 'viewer');
    const attempt = (password: string, ip: string) =>
      gateway.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.user.email, password }, headers: { 'x-forwarded-for': ip } });
    for (let index = 0; index < 10; index += 1) expect((await attempt('wrong-password-x', '10.77.0.1')).statusCode).toBe(401);
    const blocked = await attempt('viewer-password-123', '10.77.0.1');
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await attempt('viewer-password-123', '10.77.0.2')).statusCode).toBe(200);
  });

  it('never counts successes: 12 sign-ins in a row', async () => {
    for (let index = 0; index < 12; index += 1) {
      expect((await gateway.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: ADMIN, headers: { 'x-forwarded-for': '10.77.1.1' } })).statusCode).toBe(200);
    }
  });
});
