import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { SERVICE_NAMES, type ServiceName } from '@castline/contracts';
import { createTestDatabase, freePort, redisKeyPrefix } from '@castline/testkit';

/**
 * The seven services as real processes (their built dist/main.js), as `npm start` runs them: the gateway's
 * /api/v1/health must see every one, notice a killed one within 5 s, and drain in-flight requests on SIGTERM.
 */
const root = path.resolve(__dirname, '../../..');
const processes = new Map<ServiceName, ChildProcess>();
const output = new Map<ServiceName, string>();
let gatewayUrl: string;
let drop: () => Promise<void>;

type HealthBody = { status: string; services: Array<{ name: string; status: string; pid?: number }> };

/** An admin's access token: the details (pids, versions, errors) need monitoring:read. */
let token: string | undefined;

async function health(anonymous = false): Promise<{ statusCode: number; body: HealthBody }> {
  const response = await fetch(`${gatewayUrl}/api/v1/health`, { headers: token && !anonymous ? { authorization: `Bearer ${token}` } : {} });
  return { statusCode: response.status, body: (await response.json()) as HealthBody };
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out; service output:\n${[...output].map(([n, o]) => `[${n}] ${o.slice(-2000)}`).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  const database = await createTestDatabase('health');
  drop = database.drop;
  const prefix = redisKeyPrefix('health');
  for (const name of SERVICE_NAMES) {
    const port = await freePort();
    if (name === 'gateway') gatewayUrl = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, [path.join(root, 'services', name, 'dist', 'main.js')], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        DATABASE_URL: database.url,
        REDIS_KEY_PREFIX: prefix,
        NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        JWT_SECRET: 'health-test-secret-long-enough-0123456789',
        ADMIN_EMAIL: 'admin@test.castline',
        ADMIN_PASSWORD: 'health-test-password',
        HEALTH_TIMEOUT_MS: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    output.set(name, '');
    const collect = (chunk: Buffer) => output.set(name, (output.get(name) + chunk.toString()).slice(-20_000));
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    processes.set(name, child);
  }
  await until(async () => ((await health()).statusCode === 200 ? true : undefined), 45_000);
  const login = await fetch(`${gatewayUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@test.castline', password: 'health-test-password' }),
  });
  token = ((await login.json()) as { accessToken: string }).accessToken;
}, 60_000);

afterAll(async () => {
  for (const child of processes.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await drop?.();
});

it('reports Postgres, Redis, NATS and all seven services, each answered by the process we started', async () => {
  const { statusCode, body } = await health();
  expect(statusCode).toBe(200);
  expect(body.status).toBe('up');
  expect(body).toMatchObject({
    dependencies: expect.arrayContaining([
      expect.objectContaining({ name: 'postgres', status: 'up' }),
      expect.objectContaining({ name: 'redis', status: 'up' }),
      expect.objectContaining({ name: 'nats', status: 'up' }),
    ]),
  });
  expect(body.services.map((service) => service.name)).toEqual([...SERVICE_NAMES]);
  for (const service of body.services) {
    expect(service).toMatchObject({ status: 'up', pid: processes.get(service.name as ServiceName)!.pid });
  }
  // Without a credential: up/down per component, nothing else.
  const anonymous = await health(true);
  expect(anonymous.statusCode).toBe(200);
  for (const component of [...anonymous.body.services, ...(anonymous.body as unknown as { dependencies: object[] }).dependencies]) {
    expect(Object.keys(component).sort()).toEqual(['name', 'status']);
  }
});

it('exposes Prometheus metrics with the request histogram labelled by route template', async () => {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  expect(text).toContain('process_cpu_seconds_total');
  expect(text).toMatch(/castline_request_duration_seconds_count\{[^}]*transport="http",route="\/api\/v1\/health",method="GET",status="200"\}/);
});

it('shows a killed service as down within 5 s, with HTTP 503', async () => {
  const killedAt = Date.now();
  processes.get('media')!.kill('SIGKILL');
  const report = await until(async () => {
    const result = await health();
    return result.body.services.find((service) => service.name === 'media')?.status === 'down' ? result : undefined;
  }, 5_000);
  expect(Date.now() - killedAt).toBeLessThan(5_000);
  expect(report.statusCode).toBe(503);
  expect(report.body.status).toBe('down');
});

it('shows a hung service (stopped, still subscribed) as down once its deadline passes', async () => {
  processes.get('backup')!.kill('SIGSTOP');
  const started = Date.now();
  const { statusCode, body } = await health();
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(statusCode).toBe(503);
  expect(body.services.find((service) => service.name === 'backup')).toMatchObject({ status: 'down', error: expect.stringContaining('1000 ms') });
});

it('finishes in-flight requests on SIGTERM, then exits cleanly', async () => {
  // backup is stopped, so a health check waits its full 1 s deadline: a request reliably in flight.
  const gateway = processes.get('gateway')!;
  const exited = once(gateway, 'exit');
  const started = Date.now();
  const inFlight = health();
  await new Promise((resolve) => setTimeout(resolve, 200));
  gateway.kill('SIGTERM');
  const answered = await inFlight;
  expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  expect(answered.statusCode).toBe(503);
  expect(answered.body.services).toHaveLength(7);
  const [code, signal] = await exited;
  expect({ code, signal }).toEqual({ code: 0, signal: null });
  await expect(fetch(`${gatewayUrl}/api/v1/health`)).rejects.toThrow();
});

it('stops every other service gracefully on SIGTERM', async () => {
  processes.get('backup')!.kill('SIGCONT');
  const others = SERVICE_NAMES.filter((name) => name !== 'gateway' && name !== 'media');
  const exits = others.map((name) => once(processes.get(name)!, 'exit'));
  for (const name of others) processes.get(name)!.kill('SIGTERM');
  const codes = (await Promise.all(exits)).map(([code]) => code);
  expect(codes).toEqual(others.map(() => 0));
});
