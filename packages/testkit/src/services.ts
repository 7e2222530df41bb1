import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { z } from 'zod';
import { defineRpc, type RpcContract, type RpcRequest, type RpcResponse } from '@castline/contracts';
import { type BaseConfig, connectNats, NatsClient } from '@castline/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import { createTestDatabase, freePort, redisKeyPrefix } from './database';

/** The NATS server integration tests share: NATS_URL, else the local default. */
export const testNatsUrl = (): string => process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** What every service started inside a test process shares: quiet logs, a free port, the local stores. */
export const inProcessServiceEnv = (databaseUrl: string, natsUrl = testNatsUrl()) => ({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  PORT: '0',
  // The traffic-logger's internal export port: a free one, not the fixed default other tests may hold.
  TRAFFIC_INTERNAL_PORT: '0',
  DATABASE_URL: databaseUrl,
  NATS_URL: natsUrl,
  REDIS_URL: process.env.REDIS_URL,
  // Test sources (FFmpeg on udp://127.0.0.1, local HTTP servers) are on loopback, which the SSRF guard refuses by default.
  SOURCE_ALLOWED_NETWORKS: '127.0.0.0/8',
});

/** How a service starts from an environment (`startChannels`, `startGateway`, ...), as its main.ts does. */
export type ServiceStarter = (env: Record<string, string | undefined>, options: { handleSignals?: boolean }) => Promise<NestFastifyApplication>;

export interface TestNats {
  url: string;
  stop(): Promise<void>;
}

/**
 * A NATS server of its own (nats-server on a free port, JetStream in a temp dir), so a test's subjects reach
 * only the services it started. Without the nats-server binary (e.g. TESTCONTAINERS runs) it is the shared
 * NATS_URL, and subjects are shared with whatever else runs there.
 */
export async function startTestNats(): Promise<TestNats> {
  const shared = { url: testNatsUrl(), stop: async () => undefined };
  if (process.env.TESTCONTAINERS === '1') return shared;
  const port = await freePort();
  const store = await mkdtemp(path.join(tmpdir(), 'castline-test-nats-'));
  const server = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr!.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const failed = await Promise.race([
    once(server, 'error').then(([error]) => error as NodeJS.ErrnoException),
    waitFor(() => log.includes('Server is ready'), 10_000).then(() => undefined),
  ]);
  if (failed?.code === 'ENOENT') {
    await rm(store, { recursive: true, force: true });
    return shared;
  }
  if (failed) throw failed;
  return {
    url: `nats://127.0.0.1:${port}`,
    stop: async () => {
      if (server.exitCode === null) {
        const exited = once(server, 'exit');
        server.kill('SIGTERM');
        await exited;
      }
      await rm(store, { recursive: true, force: true });
    },
  };
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface ServiceHarness {
  /** The service's Nest app (HTTP inject for /metrics and /healthz; its NATS handlers are what tests call). */
  app: NestFastifyApplication;
  databaseUrl: string;
  redisKeyPrefix: string;
  natsUrl: string;
  /** Calls the service through its contract (request and reply checked), as the gateway or another service does. */
  /** `timeoutMs` replaces the contract's deadline, for a test about the answer rather than its speed. */
  call<R extends RpcContract>(rpc: R, payload: RpcRequest<R>, options?: { timeoutMs?: number }): Promise<RpcResponse<R>>;
  /** Request/reply by subject (for a subject without a contract, or a reply a test wants unchecked). */
  request<T>(subject: string, payload?: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * One service in this process, without the gateway: its own database (every migration applied), its own Redis
 * key prefix and its own NATS server, called over NATS through its contracts' subjects. For tests of a
 * service's own behaviour; whole-path tests (HTTP -> gateway -> NATS -> service) stay for the gateway's edge.
 */
export async function startServiceHarness(label: string, start: ServiceStarter, env: Record<string, string | undefined> = {}): Promise<ServiceHarness> {
  const database = await createTestDatabase(label);
  const nats = await startTestNats();
  const prefix = redisKeyPrefix(label);
  let app: NestFastifyApplication | undefined;
  let connection: NatsConnection | undefined;
  try {
    app = await start({ ...inProcessServiceEnv(database.url, nats.url), REDIS_KEY_PREFIX: prefix, ...env }, { handleSignals: false });
    connection = await connectNats(nats.url, `harness-${label}`);
  } catch (error) {
    await app?.close();
    await nats.stop();
    await database.drop();
    throw error;
  }
  const started = app;
  const link = connection;
  const caller = new NatsClient(link, { CONTRACT_VALIDATION: 'on' } as BaseConfig);
  // A contract that only names the subject: the reply goes through NatsClient's transport and error handling.
  const bySubject = (subject: string) => defineRpc(subject, z.unknown(), z.unknown());
  return {
    app: started,
    databaseUrl: database.url,
    redisKeyPrefix: prefix,
    natsUrl: nats.url,
    call: (rpc, payload, options) => caller.call(rpc, payload, options),
    request: async <T>(subject: string, payload?: unknown) => (await caller.call(bySubject(subject), (payload ?? {}) as never)) as T,
    close: async () => {
      await link.drain();
      await started.close();
      await nats.stop();
      await database.drop();
    },
  };
}

export interface CollectedProcess {
  readonly child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
}

/**
 * Spawns `node <script>` with exactly `env` (plus PATH), collecting its stdout and stderr. The IPC channel is
 * how a service notices that the test process died without stopping it (packages/platform bootstrap.ts); it is
 * unref'd, so it never keeps the test process alive.
 */
export function spawnNode(script: string, env: Record<string, string | undefined>): CollectedProcess {
  const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  child.channel?.unref();
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  return { child, output: () => output };
}

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** http://127.0.0.1:<port> of the service. */
  readonly url: string;
  /** stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Runs another service as its own process from its build (services/<name>/dist/main.js), the way a test of one
 * service reaches another without importing its code. Resolves once GET /healthz answers.
 */
export async function spawnService(name: string, env: Record<string, string | undefined>): Promise<ServiceProcess> {
  const port = await freePort();
  const main = path.resolve(__dirname, '../../../services', name, 'dist/main.js');
  const { child, output } = spawnNode(main, { NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${output()}`);
    const healthy = await fetch(`${url}/healthz`).then((response) => response.ok, () => false);
    if (healthy) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not answer ${url}/healthz within 20 s: ${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    child,
    url,
    output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
