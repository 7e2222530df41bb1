// `npm run bench:gateway`: autocannon against a gateway and a monitoring service started from their builds (run
// `npm run build` first), on a database of their own. Every case sends the same Bearer token, so each pays the
// same JWT check; what differs is who answers:
//   (a) GET /api/v1/auth/me           the gateway itself, over HTTP only: JWT + one row from Postgres
//   (b) GET /api/v1/monitoring/system  forwarded: gateway -> NATS -> monitoring (in-memory sample) -> NATS -> gateway,
//                                      the request and the reply checked against Rpc.monitoring.system
//   (c) GET /api/v1/activity           two NATS hops: gateway -> monitoring -> gateway.audit.recent (10 rows) and back
// Each at its maximum rate (autocannon, 100 connections) and at a fixed offered rate of 1,000 requests/s: an open
// model (openModel below: a request is sent every millisecond whether or not earlier ones returned, and its
// latency counts from when it was due, so queueing is not hidden; autocannon's overallRate instead sends each
// connection's quota in a burst at the start of every second). Contract validation on vs off: pairs of fresh
// gateways, one with CONTRACT_VALIDATION=off (NatsClient skips its request and reply checks); see benchValidation.
// Also the two checks timed in-process on a real reply, as a share of one request's time.
// The p50/p99 of the validation rows are the worst of their rounds.
// Revocation section: a gateway with REVOCATION_CHECK=false, side by side, on a pool of 50 users' tokens
// (GET /auth/me, one token per request in turn) and on an X-API-Key (a database read per request): the
// per-user token-version check must keep >= 0.95 of the rate without it.
// BENCH_DURATION (seconds, default 15) and BENCH_CONNECTIONS (default 100) override.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import http from 'node:http';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '../..');
const db = require(path.join(root, 'packages/db/dist/index.js'));

const duration = Number(process.env.BENCH_DURATION ?? 15);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 100);
const fixedRate = 1_000;
const databaseUrl = db.withDatabaseName(db.defaultDatabaseUrl(), 'castline_bench');
const admin = { email: 'bench@castline.local', password: 'bench-password-1234' };
const ports = { gateway: 3900, roundA: 3901, roundB: 3902, monitoring: 3903, unchecked: 3904 };
const TOKEN_POOL_SIZE = 50;

const env = {
  PATH: process.env.PATH,
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  DATABASE_URL: databaseUrl,
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  REDIS_KEY_PREFIX: 'castline-bench:',
  JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
  ADMIN_EMAIL: admin.email,
  ADMIN_PASSWORD: admin.password,
};

const children = [];
function start(service, port, extra = {}) {
  const child = spawn(process.execPath, [path.join(root, 'services', service, 'dist/main.js')], {
    env: { ...env, ...extra, PORT: String(port) },
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

/** One autocannon run at the maximum rate `connections` closed-loop clients get. */
function run(url, token, seconds = duration) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, connections, duration: seconds, headers: { authorization: `Bearer ${token}` } },
      (error, result) => (error ? reject(error) : resolve({ ...result, load: os.loadavg()[0] })),
    );
  });
}

const row = (label, result) => ({
  case: label,
  // The host's 1-minute load average when the case ended: the host is shared, and a busy moment shows here.
  load: result.load?.toFixed(1),
  'req/s': Math.round(result.requests.average),
  'p50 ms': result.latency.p50,
  'p99 ms': result.latency.p99,
  'non-2xx': result.non2xx,
  errors: result.errors + result.timeouts,
});

const ratio = (x, y) => (x.requests.average / y.requests.average).toFixed(2);

/**
 * Offers `rate` requests/s for `duration` seconds: request i is due at start + i/rate and is sent then, over a pool
 * of up to 256 keep-alive connections. Returns autocannon-shaped numbers (latency from the due time).
 */
async function openModel(url, token, rate) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const get = () =>
    new Promise((resolve, reject) => {
      const request = http.get(url, { agent, headers: { authorization: `Bearer ${token}` } }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode));
      });
      request.on('error', reject);
    });
  const total = rate * duration;
  const latencies = [];
  let non2xx = 0;
  let errors = 0;
  const started = performance.now();
  const inFlight = [];
  for (let index = 0; index < total; index += 1) {
    const due = started + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(
      get()
        .then((status) => {
          latencies.push(performance.now() - due);
          if (status < 200 || status >= 300) non2xx += 1;
        })
        .catch(() => {
          errors += 1;
        }),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((x, y) => x - y);
  const at = (q) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] * 10) / 10;
  return {
    requests: { average: latencies.length / elapsed },
    latency: { p50: at(0.5), p99: at(0.99) },
    non2xx,
    errors,
    timeouts: 0,
    load: os.loadavg()[0],
  };
}

/** Each route at the most the machine gives it. */
async function benchMaxRate(urls, token) {
  const a = await run(urls.a, token);
  const b = await run(urls.b, token);
  const c = await run(urls.c, token);
  return { a, b, c };
}

/** Each route offered a steady 1,000 requests/s: latency under a realistic load instead of saturation. */
async function benchFixedRate(urls, token) {
  const a = await openModel(urls.a, token, fixedRate);
  const b = await openModel(urls.b, token, fixedRate);
  return { a, b };
}

/** A gateway of its own for the validation rounds; resolves once it forwards (b). */
async function startGateway(port, validation, token) {
  const child = start('gateway', port, { CONTRACT_VALIDATION: validation });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/api/v1/monitoring/system`, (r) => r.ok, { headers: { authorization: `Bearer ${token}` } });
  return { child, url: `${base}/api/v1/monitoring/system` };
}

async function stop(child) {
  child.kill('SIGTERM');
  if (child.exitCode === null) await once(child, 'exit');
  children.splice(children.indexOf(child), 1);
}

/**
 * (b) with contract validation on and off (CONTRACT_VALIDATION=off: NatsClient skips its request and reply
 * checks). Each round starts two fresh gateways, one each way, swapping ports and the order of the runs every
 * round, so that neither side always gets the same process slot or the host's quieter moment; rounds are averaged.
 */
async function benchValidation(token, rounds = 4) {
  const seconds = Math.max(2, Math.round(duration / 2));
  const on = [];
  const off = [];
  for (let round = 0; round < rounds; round += 1) {
    const [portOn, portOff] = round % 2 === 0 ? [ports.roundA, ports.roundB] : [ports.roundB, ports.roundA];
    const gateways = { on: await startGateway(portOn, 'on', token), off: await startGateway(portOff, 'off', token) };
    await run(gateways.on.url, token, 2);
    await run(gateways.off.url, token, 2);
    for (const side of round % 2 === 0 ? ['on', 'off'] : ['off', 'on']) {
      (side === 'on' ? on : off).push(await run(gateways[side].url, token, seconds));
    }
    await stop(gateways.on.child);
    await stop(gateways.off.child);
  }
  const merge = (results) => ({
    requests: { average: results.reduce((sum, result) => sum + result.requests.average, 0) / results.length },
    latency: {
      p50: Math.max(...results.map((result) => result.latency.p50)),
      p99: Math.max(...results.map((result) => result.latency.p99)),
    },
    non2xx: results.reduce((sum, result) => sum + result.non2xx, 0),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    timeouts: results.reduce((sum, result) => sum + result.timeouts, 0),
    load: Math.max(...results.map((result) => result.load)),
  });
  return { on: merge(on), off: merge(off), rounds, seconds };
}

/** The checks themselves, timed in this process on a real (b) reply: what validation adds to one request. */
async function checkCost(url, token) {
  const contracts = require(path.join(root, 'packages/contracts/dist/index.js'));
  const reply = await (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).json();
  const rpc = contracts.Rpc.monitoring.system;
  const check = () => {
    contracts.checkMessage(rpc.request, {});
    contracts.checkMessage(rpc.response, reply);
  };
  for (let index = 0; index < 5_000; index += 1) check();
  const started = performance.now();
  for (let index = 0; index < 20_000; index += 1) check();
  return ((performance.now() - started) / 20_000) * 1000;
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
      (error, result) => (error ? reject(error) : resolve({ ...result, load: os.loadavg()[0] })),
    );
  });
}

/**
 * The cost of revocation at once: the same requests against a gateway with the token-version check and
 * one without (REVOCATION_CHECK=false), both warmed up first, alternating which goes first.
 */
async function revocationSection(base, adminToken) {
  start('gateway', ports.unchecked, { REVOCATION_CHECK: 'false' });
  const unchecked = `http://127.0.0.1:${ports.unchecked}`;
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

async function login(base) {
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(admin),
  });
  return (await response.json()).accessToken;
}

try {
  await db.dropDatabase(databaseUrl).catch(() => {});
  await db.applyMigrations(databaseUrl);
  start('gateway', ports.gateway);
  start('monitoring', ports.monitoring);
  const base = `http://127.0.0.1:${ports.gateway}`;
  await waitFor(`${base}/healthz`, (r) => r.ok);
  const accessToken = await login(base);
  // Some audit rows to read: 30 user creations.
  for (let index = 0; index < 30; index += 1) {
    await fetch(`${base}/api/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ email: `user${index}@bench.castline`, password: 'bench-user-password', role: 'viewer' }),
    });
  }
  const auth = { headers: { authorization: `Bearer ${accessToken}` } };
  // The monitoring service has its first host sample after a second.
  await waitFor(`${base}/api/v1/monitoring/system`, (r) => r.ok, auth);
  await waitFor(`${base}/api/v1/activity?limit=10`, (r) => r.ok, auth);
  const urls = {
    a: `${base}/api/v1/auth/me`,
    b: `${base}/api/v1/monitoring/system`,
    c: `${base}/api/v1/activity?limit=10`,
  };

  // Warm both gateways up (JIT, connection pools) before anything is measured.
  await run(urls.b, accessToken, 3);
  await run(urls.a, accessToken, 3);
  console.log(`autocannon: ${connections} connections, ${duration} s per case, Node ${process.version}, ${os.cpus().length} CPUs`);
  const max = await benchMaxRate(urls, accessToken);
  const fixed = await benchFixedRate(urls, accessToken);
  const validation = await benchValidation(accessToken);
  const checkMicros = await checkCost(urls.b, accessToken);
  console.table([
    row('(a) gateway itself: GET /auth/me, max rate', max.a),
    row('(b) via NATS: GET /monitoring/system, max rate', max.b),
    row('(c) two NATS hops: GET /activity, max rate', max.c),
    row(`(a) GET /auth/me at ${fixedRate}/s offered`, fixed.a),
    row(`(b) GET /monitoring/system at ${fixedRate}/s offered`, fixed.b),
    row(`(b) validation on, max rate (${validation.rounds} x ${validation.seconds} s)`, validation.on),
    row(`(b) validation off, max rate (${validation.rounds} x ${validation.seconds} s)`, validation.off),
  ]);
  console.log(`ratio b/a at max rate (req/s): ${ratio(max.b, max.a)}   (goal >= 0.55)`);
  console.log(`ratio c/a at max rate (req/s): ${ratio(max.c, max.a)}`);
  console.log(`p99 of (b) at ${fixedRate}/s offered: ${fixed.b.latency.p99} ms   (goal < 50 ms)`);
  const cost = 1 - validation.on.requests.average / validation.off.requests.average;
  console.log(`validation cost on (b)'s max rate: ${(cost * 100).toFixed(1)}%   (goal <= 5%; on/off ${ratio(validation.on, validation.off)})`);
  // One gateway core's time per request at (b)'s max rate, against what the two checks take.
  const perRequestMicros = 1e6 / max.b.requests.average;
  console.log(
    `contract checks per (b) request, timed in-process: ${checkMicros.toFixed(1)} µs = ${((checkMicros / perRequestMicros) * 100).toFixed(1)}% of ${perRequestMicros.toFixed(0)} µs per request at (b)'s max rate`,
  );
  await revocationSection(base, accessToken);
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : null)));
  await db.dropDatabase(databaseUrl).catch(() => {});
}
