import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@castline/testkit';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { parse } from 'yaml';

/**
 * Redis with the ACL of docker-compose.prod.yml (its `redis` command, as compose runs it): the default user
 * is off, the services' user may run BullMQ but neither administration nor FLUSHALL.
 */
const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? 'redis-server';
const password = randomBytes(24).toString('hex');

let server: ChildProcess;
let port: number;
let workDir: string;
const clients: Redis[] = [];

/** The prod compose file's redis command, with REDIS_PASSWORD substituted the way compose does. */
function composeRedisArgs(): string[] {
  const compose = parse(readFileSync(path.join(__dirname, '../../../docker-compose.prod.yml'), 'utf8')) as {
    services: { redis: { command: string[] } };
  };
  const [binary, ...args] = compose.services.redis.command;
  expect(binary).toBe('redis-server');
  return args.map((arg) => arg.replace(/\$\{REDIS_PASSWORD:\?[^}]*\}/g, password));
}

function client(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true, retryStrategy: () => null });
  redis.on('error', () => undefined); // refusals are asserted on the commands
  clients.push(redis);
  return redis;
}

/** One raw RESP command without authenticating (ioredis would send HELLO first). */
function anonymousReply(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1', () => socket.write(`${command}\r\n`));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString());
    });
    socket.once('error', reject);
  });
}

beforeAll(async () => {
  port = await freePort();
  workDir = mkdtempSync(path.join(tmpdir(), 'castline-redis-'));
  const args = [...composeRedisArgs(), '--port', String(port), '--bind', '127.0.0.1', '--dir', workDir];
  server = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<never>((_, reject) =>
    server.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`))),
  );
  const ready = (async () => {
    while (!/Ready to accept connections/.test(output)) await new Promise((resolve) => setTimeout(resolve, 50));
  })();
  await Promise.race([ready, exited]);
});

afterAll(async () => {
  clients.forEach((redis) => redis.disconnect());
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('Redis ACL of the production compose file', () => {
  it('refuses the passwordless default user and a wrong password', async () => {
    expect(await anonymousReply('PING')).toMatch(/^-NOAUTH/);
    expect(await anonymousReply('AUTH castline wrong')).toMatch(/^-WRONGPASS/);
    // The default user is on (for AOF replay) but has no password at all: no one signs in as it.
    expect(await anonymousReply(`AUTH default ${password}`)).toMatch(/^-WRONGPASS/);
    expect(await anonymousReply('AUTH default ""')).toMatch(/^-WRONGPASS/);
    expect(await anonymousReply(`AUTH castline ${password}`)).toBe('+OK\r\n');
  });

  it('runs a BullMQ job for the user in REDIS_URL', async () => {
    const url = `redis://castline:${password}@127.0.0.1:${port}`;
    const queue = new Queue('acl-check', { connection: client(url) });
    const events = new QueueEvents('acl-check', { connection: client(url) });
    const worker = new Worker('acl-check', async (job) => (job.data as { n: number }).n * 2, { connection: client(url) });
    try {
      await events.waitUntilReady();
      const job = await queue.add('double', { n: 21 });
      expect(await job.waitUntilFinished(events, 10_000)).toBe(42);
    } finally {
      await worker.close();
      await events.close();
      await queue.close();
    }
  });

  it('refuses administration and wiping the keyspace', async () => {
    const redis = client(`redis://castline:${password}@127.0.0.1:${port}`);
    await redis.connect();
    await redis.set('kept', '1');
    await expect(redis.flushall()).rejects.toThrow(/NOPERM/);
    await expect(redis.flushdb()).rejects.toThrow(/NOPERM/);
    await expect(redis.config('SET', 'requirepass', 'x')).rejects.toThrow(/NOPERM/);
    await expect(redis.call('ACL', 'SETUSER', 'default', 'on', 'nopass')).rejects.toThrow(/NOPERM/);
    expect(await redis.get('kept')).toBe('1');
  });
});
