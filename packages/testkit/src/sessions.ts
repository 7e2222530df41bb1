import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** The admin every test gateway creates at start (ADMIN_EMAIL / ADMIN_PASSWORD). */
export const ADMIN = { email: 'admin@test.castline', password: 'admin-password-123' };
export const JWT_SECRET = 'test-secret-that-is-long-enough-0123456789';

export interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string; role: string };
}

/** Signs in through the gateway's HTTP API (an in-process gateway app). */
export async function login(app: NestFastifyApplication, email: string, password: string, ip = '10.0.0.1'): Promise<Session> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    headers: { 'x-forwarded-for': ip },
  });
  if (response.statusCode !== 200) throw new Error(`login ${email} failed: ${response.statusCode} ${response.body}`);
  return response.json<Session>();
}

/** Creates a user of the role with the admin's token and signs in as them. */
export async function userWithRole(app: NestFastifyApplication, adminToken: string, role: 'admin' | 'operator' | 'viewer'): Promise<Session> {
  const email = `${role}-${Math.random().toString(36).slice(2, 8)}@test.castline`;
  const password = `${role}-password-123`;
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: { authorization: `Bearer ${adminToken}` },
    payload: { email, password, role },
  });
  if (created.statusCode !== 201) throw new Error(`create ${role}: ${created.statusCode} ${created.body}`);
  return login(app, email, password, `10.1.0.${Math.floor(Math.random() * 250) + 1}`);
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Polls until the check gives a value (for effects written after the response, like audit rows). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
