import { SignJWT } from 'jose';
import { ADMIN, bearer, JWT_SECRET, login, startTestGateway, type TestGateway, userWithRole } from '@castline/testkit';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway('auth', { LOGIN_LIMIT_PER_ACCOUNT: '20', LOGIN_LIMIT_PER_IP: '12' });
});
afterAll(() => gateway.close());

const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
  gateway.app.inject({ method: 'POST', url, payload, headers: { 'x-forwarded-for': '10.9.9.9', ...headers } });

describe('login', () => {
  it('signs in the first admin and returns an access token, a refresh token and the user', async () => {
    const response = await post('/api/v1/auth/login', ADMIN, { 'x-forwarded-for': '10.2.0.1' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { email: ADMIN.email, role: 'admin' } });
    expect(body.user.passwordHash).toBeUndefined();
    expect(body.refreshToken).toMatch(/^[\w-]{43}$/);
    const me = await gateway.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(body.accessToken) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ kind: 'user', email: ADMIN.email, role: 'admin' });
  });

  it('answers a wrong password and an unknown user with the same response', async () => {
    const wrong = await post('/api/v1/auth/login', { email: ADMIN.email, password: 'not-the-password' }, { 'x-forwarded-for': '10.2.0.2' });
    const unknown = await post('/api/v1/auth/login', { email: 'nobody@test.castline', password: 'whatever-password' }, { 'x-forwarded-for': '10.2.0.3' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const strip = (body: { error: { requestId?: string } }) => ({ ...body.error, requestId: undefined });
    expect(strip(wrong.json())).toEqual(strip(unknown.json()));
    expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');
  });

  it('rejects a malformed body with 400 and names the field', async () => {
    const response = await post('/api/v1/auth/login', { email: 'not-an-email', password: '' }, { 'x-forwarded-for': '10.2.0.4' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
    expect(response.json().error.message).toContain('email');
  });

  it('never locks an account: failures from many addresses only slow it down, and the right password still signs in', async () => {
    const admin = await login(gateway.app, ADMIN.email, ADMIN.password, '10.3.9.9');
    const email = 'lockme@test.castline';
    const password = 'lockme-password-123';
    const created = await gateway.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(admin.accessToken),
      payload: { email, password, role: 'viewer' },
    });
    expect(created.statusCode).toBe(201);
    for (let attempt = 0; attempt < 22; attempt += 1) {
      const response = await post('/api/v1/auth/login', { email, password: 'wrong-password-x' }, { 'x-forwarded-for': `10.3.0.${attempt}` });
      expect(response.statusCode).toBe(401);
    }
    const owner = await post('/api/v1/auth/login', { email, password }, { 'x-forwarded-for': '10.3.1.1' });
    expect(owner.statusCode).toBe(200);
  });

  it('blocks one address guessing one account, with a clear 429, and not the same account from another address', async () => {
    const admin = await login(gateway.app, ADMIN.email, ADMIN.password, '10.3.9.8');
    const email = 'guessed@test.castline';
    const password = 'guessed-password-123';
    await gateway.app.inject({ method: 'POST', url: '/api/v1/users', headers: bearer(admin.accessToken), payload: { email, password, role: 'viewer' } });
    // LOGIN_LIMIT_PER_IP is 12 in this file.
    for (let attempt = 0; attempt < 12; attempt += 1) {
      expect((await post('/api/v1/auth/login', { email, password: 'wrong-password-x' }, { 'x-forwarded-for': '10.3.2.1' })).statusCode).toBe(401);
    }
    const locked = await post('/api/v1/auth/login', { email, password }, { 'x-forwarded-for': '10.3.2.1' });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error).toMatchObject({ code: 'RATE_LIMITED' });
    expect(locked.json().error.message).toMatch(/Too many failed login attempts; try again in \d+ s/);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await post('/api/v1/auth/login', { email, password }, { 'x-forwarded-for': '10.3.2.2' })).statusCode).toBe(200);
  });

  it('never limits successful sign-ins: 25 in a row from one address', async () => {
    for (let attempt = 0; attempt < 25; attempt += 1) {
      expect((await post('/api/v1/auth/login', ADMIN, { 'x-forwarded-for': '10.3.3.3' })).statusCode).toBe(200);
    }
  });

  it('limits attempts per IP across different accounts', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 13; attempt += 1) {
      const response = await post('/api/v1/auth/login', { email: `ip-${attempt}@test.castline`, password: 'wrong-password-x' }, { 'x-forwarded-for': '10.4.4.4' });
      statuses.push(response.statusCode);
    }
    expect(statuses.slice(0, 12).every((status) => status === 401)).toBe(true);
    expect(statuses[12]).toBe(429);
  });
});

describe('refresh tokens', () => {
  it('rotates on every use, and reuse of a rotated token revokes the whole family', async () => {
    const first = await login(gateway.app, ADMIN.email, ADMIN.password, '10.5.0.1');
    const rotated = await post('/api/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(rotated.statusCode).toBe(200);
    const second = rotated.json();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).toEqual(expect.any(String));

    const reuse = await post('/api/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json().error.code).toBe('REFRESH_TOKEN_REUSED');

    const afterReuse = await post('/api/v1/auth/refresh', { refreshToken: second.refreshToken });
    expect(afterReuse.statusCode).toBe(401);
  });

  it('lets only one of two concurrent rotations of the same token win', async () => {
    const session = await login(gateway.app, ADMIN.email, ADMIN.password, '10.5.0.2');
    const results = await Promise.all([
      post('/api/v1/auth/refresh', { refreshToken: session.refreshToken }),
      post('/api/v1/auth/refresh', { refreshToken: session.refreshToken }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
  });

  it('delivers the refresh token as an httpOnly Secure SameSite=Strict cookie for the dashboard', async () => {
    const response = await post('/api/v1/auth/login', { ...ADMIN, session: 'cookie' }, { 'x-forwarded-for': '10.5.0.3' });
    expect(response.statusCode).toBe(200);
    expect(response.json().refreshToken).toBeUndefined();
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/^castline_refresh=[\w-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('Secure');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/api/v1/auth');

    const token = cookie.split(';')[0]!;
    const refreshed = await gateway.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', headers: { cookie: token } });
    expect(refreshed.statusCode).toBe(200);
    expect(refreshed.json().refreshToken).toBeUndefined();
    expect(String(refreshed.headers['set-cookie'])).not.toContain(token);

    // A script in the page (an XSS) asking for the cookie session's refresh token in a body gets a 400, and
    // the cookie's token is not rotated (the session goes on).
    const next = String(refreshed.headers['set-cookie']).split(';')[0]!;
    const asked = await gateway.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', headers: { cookie: next }, payload: { session: 'body' } });
    expect(asked.statusCode).toBe(400);
    expect(asked.body).not.toContain(next.split('=')[1]!);
    expect((await gateway.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', headers: { cookie: next } })).statusCode).toBe(200);
  });

  it('logout revokes the session', async () => {
    const session = await login(gateway.app, ADMIN.email, ADMIN.password, '10.5.0.4');
    const out = await post('/api/v1/auth/logout', { refreshToken: session.refreshToken });
    expect(out.statusCode).toBe(204);
    const refresh = await post('/api/v1/auth/refresh', { refreshToken: session.refreshToken });
    expect(refresh.statusCode).toBe(401);
  });

  it('logout everywhere ends every session of the user, and only that user', async () => {
    const laptop = await login(gateway.app, ADMIN.email, ADMIN.password, '10.5.0.5');
    const phone = await login(gateway.app, ADMIN.email, ADMIN.password, '10.5.0.6');
    const other = await userWithRole(gateway.app, laptop.accessToken, 'viewer');
    const out = await post('/api/v1/auth/logout', { refreshToken: laptop.refreshToken, everywhere: true });
    expect(out.statusCode).toBe(204);
    expect((await post('/api/v1/auth/refresh', { refreshToken: laptop.refreshToken })).statusCode).toBe(401);
    expect((await post('/api/v1/auth/refresh', { refreshToken: phone.refreshToken })).statusCode).toBe(401);
    expect((await post('/api/v1/auth/refresh', { refreshToken: other.refreshToken })).statusCode).toBe(200);
  });

  it('rejects an unknown refresh token', async () => {
    const response = await post('/api/v1/auth/refresh', { refreshToken: 'x'.repeat(43) });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('TOKEN_INVALID');
  });
});

describe('access tokens', () => {
  const key = new TextEncoder().encode(JWT_SECRET);
  const me = (token: string) => gateway.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) });
  let valid: string;
  let adminId: string;

  beforeAll(async () => {
    const session = await login(gateway.app, ADMIN.email, ADMIN.password, '10.6.0.1');
    valid = session.accessToken;
    adminId = session.user.id;
  });

  const claims = () => ({ email: ADMIN.email, role: 'admin' });
  const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('accepts the token it issued', async () => {
    expect((await me(valid)).statusCode).toBe(200);
  });

  it('rejects an expired token with TOKEN_EXPIRED', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(adminId)
      .setIssuer('castline')
      .setAudience('castline-api')
      .setIssuedAt(now - 1000)
      .setExpirationTime(now - 100)
      .sign(key);
    const response = await me(expired);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('TOKEN_EXPIRED');
  });

  it('rejects a tampered token', async () => {
    const [header, , signature] = valid.split('.');
    const payload = JSON.parse(Buffer.from(valid.split('.')[1]!, 'base64url').toString());
    const tampered = `${header}.${base64url({ ...payload, role: 'admin', email: 'evil@test.castline' })}.${signature}`;
    const response = await me(tampered);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('TOKEN_INVALID');
  });

  it('rejects alg=none', async () => {
    const payload = JSON.parse(Buffer.from(valid.split('.')[1]!, 'base64url').toString());
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`;
    const response = await me(unsigned);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('TOKEN_INVALID');
  });

  it('rejects a token signed with another key', async () => {
    const forged = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(adminId)
      .setIssuer('castline')
      .setAudience('castline-api')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('another-secret-that-is-also-long-enough'));
    const response = await me(forged);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('TOKEN_INVALID');
  });

  it('rejects a token with another algorithm (HS512) even with the right key', async () => {
    const otherAlg = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject(adminId)
      .setIssuer('castline')
      .setAudience('castline-api')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
    expect((await me(otherAlg)).statusCode).toBe(401);
  });

  it('rejects requests without credentials and malformed Authorization headers', async () => {
    const none = await gateway.app.inject({ method: 'GET', url: '/api/v1/auth/me' });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('UNAUTHENTICATED');
    const basic = await gateway.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: 'Basic abc' } });
    expect(basic.statusCode).toBe(401);
  });
});

describe('disabled accounts', () => {
  it('cannot sign in and lose their refresh tokens', async () => {
    const admin = await login(gateway.app, ADMIN.email, ADMIN.password, '10.7.0.1');
    const email = 'disable-me@test.castline';
    const created = await gateway.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(admin.accessToken),
      payload: { email, password: 'disable-me-password', role: 'operator' },
    });
    expect(created.statusCode).toBe(201);
    const session = await login(gateway.app, email, 'disable-me-password', '10.7.0.2');
    const disabled = await gateway.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${created.json().id}`,
      headers: bearer(admin.accessToken),
      payload: { disabled: true },
    });
    expect(disabled.statusCode).toBe(200);
    const again = await post('/api/v1/auth/login', { email, password: 'disable-me-password' }, { 'x-forwarded-for': '10.7.0.3' });
    expect(again.statusCode).toBe(401);
    const refresh = await post('/api/v1/auth/refresh', { refreshToken: session.refreshToken });
    expect(refresh.statusCode).toBe(401);
  });
});
