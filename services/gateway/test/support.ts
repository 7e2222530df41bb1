import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase, redisKeyPrefix } from '@castline/testkit';
import { startGateway } from '../src/gateway';

export const ADMIN = { email: 'admin@test.castline', password: 'admin-password-123' };
export const JWT_SECRET = 'test-secret-that-is-long-enough-0123456789';

export interface TestGateway {
  app: NestFastifyApplication;
  databaseUrl: string;
  close(): Promise<void>;
}

/** What every service started inside a test process shares: quiet logs, a free port, the local stores. */
export const inProcessServiceEnv = (databaseUrl: string) => ({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  PORT: '0',
  DATABASE_URL: databaseUrl,
  NATS_URL: process.env.NATS_URL,
  REDIS_URL: process.env.REDIS_URL,
  // Test sources (FFmpeg on udp://127.0.0.1, local HTTP servers) are on loopback, which the SSRF guard refuses by default.
  SOURCE_ALLOWED_NETWORKS: '127.0.0.0/8',
});

/** A gateway in this process on its own database and Redis key prefix, listening on a free port. */
export async function startTestGateway(label: string, env: Record<string, string> = {}): Promise<TestGateway> {
  const database = await createTestDatabase(label);
  const app = await startGateway(
    {
      ...inProcessServiceEnv(database.url),
      REDIS_KEY_PREFIX: redisKeyPrefix(label),
      JWT_SECRET,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      HEALTH_TIMEOUT_MS: '300',
      ...env,
    },
    { handleSignals: false },
  );
  return {
    app,
    databaseUrl: database.url,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string; role: string };
}

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

/** Polls until the check passes (for effects written after the response, like audit rows). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
