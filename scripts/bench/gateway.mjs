// `npm run bench:gateway`: autocannon, 100 connections, 20 s per case, against a gateway and a monitoring
// service started from their builds (run `npm run build` first), on a database of their own.
//   (a) GET /api/v1/auth/me      answered by the gateway itself: JWT check + one row from Postgres
//   (b) GET /api/v1/activity     answered by the monitoring service over NATS: JWT check + NATS round trip
//                                + 10 rows from Postgres
//   (c) GET /api/v1/audit        answered by the gateway itself: 10 rows + a count (two queries)
// Prints requests/s, p50, p99 and the ratio b/a. BENCH_DURATION (seconds) and BENCH_CONNECTIONS override.
// Revocation section: a second gateway with REVOCATION_CHECK=false, side by side, on a pool of 50 users' tokens
// (GET /auth/me, one token per request in turn) and on an X-API-Key (a database read per request): the
// per-user token-version check must keep >= 0.95 of the rate without it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import path from 'node:path';
import autocannon from 'autocannon';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '../..');
const db = require(path.join(root, 'packages/db/dist/index.js'));

const duration = Number(process.env.BENCH_DURATION ?? 20);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 100);
const databaseUrl = db.withDatabaseName(db.defaultDatabaseUrl(), 'castline_bench');
const admin = { email: 'bench@castline.local', password: 'bench-password-1234' };
const gatewayPort = 3900;
const uncheckedGatewayPort = 3901;
const TOKEN_POOL_SIZE = 50;

const env = {
  PATH: process.env.PATH,
  NODE_ENV: 'production',
  LOG_LEVEL: 'info',
  DATABASE_URL: databaseUrl,
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  REDIS_KEY_PREFIX: 'castline-bench:',
  JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
  ADMIN_EMAIL: admin.email,
  ADMIN_PASSWORD: admin.password,
};

const children = [];
function start(service, port, extraEnv = {}) {
  const child = spawn(process.execPath, [path.join(root, 'services', service, 'dist/main.js')], {
    env: { ...env, PORT: String(port), ...extraEnv },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

async function waitFor(url, ok, init) {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    try {
      if (await ok(await fetch(url, init))) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up`);
}

function run(title, url, token) {
  return new Promise((resolve, reject) => {
    autocannon(
      { title, url, connections, duration, headers: { authorization: `Bearer ${token}` } },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/** Like run(), but each request takes the next of `headerSets` (a pool of credentials). */
function runPool(title, url, headerSets) {
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        title,
        url,
        connections,
        duration,
        requests: [
          {
            setupRequest: (request) => {
              request.headers = { ...request.headers, ...headerSets[next] };
              next = (next + 1) % headerSets.length;
              return request;
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

const row = (label, result) => ({
  case: label,
  'req/s': Math.round(result.requests.average),
  'p50 ms': result.latency.p50,
  'p99 ms': result.latency.p99,
  'non-2xx': result.non2xx,
  errors: result.errors + result.timeouts,
});

/**
 * The cost of revocation at once: the same requests against a gateway with the token-version check and
 * one without (REVOCATION_CHECK=false), both warmed up first, alternating which goes first.
 */
async function revocationSection(base, adminToken) {
  start('gateway', uncheckedGatewayPort, { REVOCATION_CHECK: 'false' });
  const unchecked = `http://127.0.0.1:${uncheckedGatewayPort}`;
  await waitFor(`${unchecked}/healthz`, (r) => r.ok);
  const pool = [];
  for (let index = 0; index < TOKEN_POOL_SIZE; index += 1) {
    const email = `pool${index}@bench.castline`;
    await fetch(`${base}/api/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ email, password: 'bench-user-password', role: 'viewer' }),
    });
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'bench-user-password' }),
    });
    pool.push({ authorization: `Bearer ${(await login.json()).accessToken}` });
  }
  const created = await fetch(`${base}/api/v1/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ name: 'bench', role: 'viewer' }),
  });
  const apiKey = [{ 'x-api-key': (await created.json()).key }];

  console.log(`\nrevocation check: ${TOKEN_POOL_SIZE} users' tokens in turn, and an X-API-Key; with vs without the check`);
  // The second gateway has served nothing yet: warm both up (JIT, pools, caches) before measuring.
  for (const url of [unchecked, base]) await runPool('warm-up', `${url}/api/v1/auth/me`, [...pool, ...apiKey]);
  const tokensWithout = await runPool('tokens without', `${unchecked}/api/v1/auth/me`, pool);
  const tokensWith = await runPool('tokens with', `${base}/api/v1/auth/me`, pool);
  const keyWith = await runPool('key with', `${base}/api/v1/auth/me`, apiKey);
  const keyWithout = await runPool('key without', `${unchecked}/api/v1/auth/me`, apiKey);
  console.table([
    row(`(d) ${TOKEN_POOL_SIZE} tokens, with check: GET /auth/me`, tokensWith),
    row(`(e) ${TOKEN_POOL_SIZE} tokens, without check`, tokensWithout),
    row('(f) X-API-Key, with check: GET /auth/me', keyWith),
    row('(g) X-API-Key, without check', keyWithout),
  ]);
  console.log(`ratio d/e (tokens, with/without check): ${(tokensWith.requests.average / tokensWithout.requests.average).toFixed(2)} (goal >= 0.95)`);
  console.log(`ratio f/g (API key, with/without check): ${(keyWith.requests.average / keyWithout.requests.average).toFixed(2)} (goal >= 0.95)`);
}

try {
  await db.dropDatabase(databaseUrl).catch(() => {});
  await db.applyMigrations(databaseUrl);
  start('gateway', gatewayPort);
  start('monitoring', 3903);
  const base = `http://127.0.0.1:${gatewayPort}`;
  await waitFor(`${base}/healthz`, (r) => r.ok);
  await waitFor(`${base}/api/v1/health`, async () => true);
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(admin),
  });
  const { accessToken } = await login.json();
  // Some audit rows to read: 30 user creations.
  for (let index = 0; index < 30; index += 1) {
    await fetch(`${base}/api/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ email: `user${index}@bench.castline`, password: 'bench-user-password', role: 'viewer' }),
    });
  }
  await waitFor(`${base}/api/v1/activity?limit=10`, (r) => r.ok, { headers: { authorization: `Bearer ${accessToken}` } });

  console.log(`autocannon: ${connections} connections, ${duration} s per case, Node ${process.version}`);
  const a = await run('a', `${base}/api/v1/auth/me`, accessToken);
  const b = await run('b', `${base}/api/v1/activity?limit=10`, accessToken);
  const c = await run('c', `${base}/api/v1/audit?pageSize=10`, accessToken);
  console.table([
    row('(a) gateway itself: GET /auth/me', a),
    row('(b) monitoring via NATS: GET /activity', b),
    row('(c) gateway itself: GET /audit (2 queries)', c),
  ]);
  console.log(`ratio b/a (req/s): ${(b.requests.average / a.requests.average).toFixed(2)}`);
  console.log(`ratio b/c (req/s): ${(b.requests.average / c.requests.average).toFixed(2)}`);
  await revocationSection(base, accessToken);
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : null)));
  await db.dropDatabase(databaseUrl).catch(() => {});
}
