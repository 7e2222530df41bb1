// `npm run bench:alerts` (run `npm run build` first): the alert evaluator and the delivery path on this machine.
//  1. Evaluation CPU per minute at the 15 s tick (4 evaluations), 1,000 vs 10,000 rules side by side: the
//     monitoring process's CPU (user + system) around the evaluations, as ms per minute and % of one core, and
//     the ratio. Rules are host and check rules that do not fire (the common case: an evaluation reads each
//     source once and steps every series). Postgres's own CPU is not counted.
//  2. Channel given up -> webhook received: BENCH_TRIALS (50) channels each publish a given-up event on
//     `channels.events`; the time until the local webhook receives the alert (p50, p95, max). Then
//     BENCH_KILL_TRIALS (10) more with monitoring (from its build) killed with SIGKILL right after the publish
//     and started again: how many were delivered, and each one once.
//  3. App logs: requests/s of a gateway route that logs a warn (an unauthenticated GET: 401), with the pino
//     shipper (LOG_SHIP_LEVEL=warn) vs plain stdout only (off), each gateway its own process from its build,
//     BENCH_LOAD_ROUNDS (4) rounds in ABBA order, and the gateway's own CPU per request (from /proc: the load
//     generator shares this 2-core box, so req/s swings with it; CPU per request much less); then ingest: BENCH_LOG_RECORDS (20,000) distinct warn records from a shipper at about
//     10,000/s -> JetStream -> monitoring -> app_logs: records/s stored, p95 log-to-row lag (ts -> stored_at),
//     lost (logged - stored - dropped) and dropped by the shipper's buffer.
//  4. API rollups: requests/s of the same route with API_ROLLUPS=on vs off.
// BENCH_PARTS (default 1,2,3,4) picks parts. Uses its own database, Redis key prefix and nats-server
// (JetStream), like the tests.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '../..');
const testkit = require(path.join(root, 'packages/testkit/dist/index.js'));
const { connectNats, LogShipper, processLoggerOptions } = require(path.join(root, 'packages/platform/dist/index.js'));
const pino = require('pino');
const http = require('node:http');
const { startMonitoring } = require(path.join(root, 'services/monitoring/dist/monitoring-app.js'));
const { AlertEvaluator } = require(path.join(root, 'services/monitoring/dist/alerts/evaluator.service.js'));
const { Client } = require('pg');

const trials = Number(process.env.BENCH_TRIALS ?? 50);
const killTrials = Number(process.env.BENCH_KILL_TRIALS ?? 10);
const ruleCounts = (process.env.BENCH_RULES ?? '1000,10000').split(',').map(Number);
const parts = new Set((process.env.BENCH_PARTS ?? '1,2,3,4').split(',').map((part) => part.trim()));
const loadSeconds = Number(process.env.BENCH_LOAD_SECONDS ?? 5);
const loadRounds = Number(process.env.BENCH_LOAD_ROUNDS ?? 4);
const clockTicks = Number(require('node:child_process').execFileSync('getconf', ['CLK_TCK']).toString());
/** CPU seconds (user + system) a process used so far. */
const cpuSecondsOf = (pid) => {
  const fields = require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
};
const logRecords = Number(process.env.BENCH_LOG_RECORDS ?? 20_000);

/**
 * What the shipper adds to one log call, without the load generator's noise: the gateway's own warn line logged
 * by pino into a no-op sink, directly vs through pino.multistream with the shipper (as LOG_SHIP_LEVEL=warn wires it),
 * BENCH_LOGGER_ROUNDS (7) alternated rounds of 50,000 calls, the fastest round of each.
 */
function loggerCost(line) {
  const sink = { write: () => true };
  // The fields the gateway logged, without what pino adds itself.
  const fields = Object.fromEntries(Object.entries(line).filter(([key]) => !['level', 'time', 'pid', 'hostname', 'service', 'msg'].includes(key)));
  const { msg } = line;
  const direct = pino(processLoggerOptions('gateway', 'info'), sink);
  const shipper = new LogShipper({ service: 'gateway', maxBuffer: 1_000 });
  const shipped = pino(processLoggerOptions('gateway', 'info'), pino.multistream([{ level: 'trace', stream: sink }, { level: 'warn', stream: shipper }]));
  const best = { direct: Infinity, shipped: Infinity };
  for (let round = 0; round < Number(process.env.BENCH_LOGGER_ROUNDS ?? 7); round += 1) {
    for (const [name, logger] of Object.entries({ direct, shipped })) {
      const started = process.hrtime.bigint();
      for (let call = 0; call < 50_000; call += 1) logger.warn({ ...fields, req: { ...fields.req, id: String(call) } }, msg);
      best[name] = Math.min(best[name], Number(process.hrtime.bigint() - started) / 1e3 / 50_000);
    }
  }
  return { ...best, added: best.shipped - best.direct };
}

/** Requests/s of GET `url` with `concurrency` keep-alive clients for `seconds`, and the server's CPU µs per request (`pid`). */
async function load(url, seconds, pid, concurrency = 32) {
  const cpuBefore = cpuSecondsOf(pid);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const one = () =>
    new Promise((resolve) => {
      const request = http.get(url, { agent }, (response) => {
        response.resume();
        response.on('end', resolve);
      });
      request.on('error', resolve);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await one();
        done += 1;
      }
    }),
  );
  agent.destroy();
  return { perSecond: done / ((performance.now() - started) / 1000), cpuUsPerRequest: ((cpuSecondsOf(pid) - cpuBefore) * 1e6) / done };
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

const database = await testkit.createTestDatabase('bench-alerts');
const nats = await testkit.startTestNats();
const prefix = testkit.redisKeyPrefix('bench-alerts');
const received = new Map();
const hook = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    const message = JSON.parse(body);
    const channel = message.group?.labels?.channel;
    if (channel && message.transition === 'firing') {
      const entry = received.get(channel) ?? { at: performance.now(), keys: new Set(), count: 0 };
      entry.keys.add(request.headers['idempotency-key']);
      entry.count += 1;
      received.set(channel, entry);
    }
    response.end('ok');
  });
});
await new Promise((resolve) => hook.listen(0, '127.0.0.1', resolve));
const hookUrl = `http://127.0.0.1:${hook.address().port}/hook`;
const env = {
  ...testkit.inProcessServiceEnv(database.url, nats.url),
  REDIS_KEY_PREFIX: prefix,
  LOG_LEVEL: 'silent',
  NGINX_HEALTH_URL: 'off',
  ALERTS_ALLOWED_TARGETS: '127.0.0.1/32',
  CHECKS_TICK_MS: '0',
};
const sql = new Client({ connectionString: database.url });
await sql.connect();
const connection = await connectNats(nats.url, 'bench-alerts');
let app;
const children = [];
try {
  // ---- 1. evaluation CPU ----
  const cpu = [];
  if (parts.has('1')) {
  app = await startMonitoring({ ...env, ALERTS_EVAL_INTERVAL_MS: '0' }, { handleSignals: false });
  const evaluator = app.get(AlertEvaluator);
  for (const count of ruleCounts) {
    await sql.query('DELETE FROM alert_rules WHERE NOT builtin');
    // Nine in ten host-metric rules, one in ten check rules (one series per check each); none fires.
    await sql.query(
      `INSERT INTO alert_rules (id, name, source, params, severity, group_by, updated_at)
       SELECT gen_random_uuid(), 'bench ' || n,
              CASE WHEN n % 10 = 0 THEN 'check_status' ELSE 'host_metric' END,
              CASE WHEN n % 10 = 0 THEN '{"status":"degraded"}'::jsonb ELSE '{"metric":"cpu_percent","op":">","threshold":1000}'::jsonb END,
              'warning', ARRAY['check'], now()
       FROM generate_series(1, $1) AS n`,
      [count],
    );
    await evaluator.evaluate(new Date()); // warm-up
    const started = process.cpuUsage();
    const wall = performance.now();
    let series = 0;
    for (let tick = 0; tick < 4; tick += 1) series = (await evaluator.evaluate(new Date())).series;
    const used = process.cpuUsage(started);
    const cpuMs = (used.user + used.system) / 1000;
    cpu.push({ rules: count, series, cpuMsPerMinute: cpuMs, corePercent: (cpuMs / 60_000) * 100, wallMsPerEvaluation: (performance.now() - wall) / 4 });
  }
  await sql.query('DELETE FROM alert_rules WHERE NOT builtin');
  await app.close();
  app = undefined;
  }

  // ---- 2. channel given up -> webhook ----
  const latencies = [];
  let delivered = 0;
  let duplicates = 0;
  if (parts.has('2')) {
  await sql.query(`UPDATE monitor_checks SET enabled = false`);
  app = await startMonitoring({ ...env, ALERTS_EVAL_INTERVAL_MS: '15000' }, { handleSignals: false });
  // Called over NATS as the gateway would (NatsClient checks request and reply).
  const harness = new (require(path.join(root, 'packages/platform/dist/index.js')).NatsClient)(connection, { CONTRACT_VALIDATION: 'on' });
  const { Rpc } = require(path.join(root, 'packages/contracts/dist/index.js'));
  await harness.call(Rpc.receivers.create, { name: 'bench hook', kind: 'webhook', config: { url: hookUrl } });
  const publishGivenUp = (channelId, id) =>
    connection.publish('channels.events', JSON.stringify({ channelId, status: 'error', type: 'error', message: 'error: gave up (bench)', at: new Date().toISOString(), eventId: id }));
  for (let trial = 0; trial < trials; trial += 1) {
    const channelId = randomUUID();
    const sent = performance.now();
    publishGivenUp(channelId, `bench-${trial}`);
    const deadline = Date.now() + 30_000;
    while (!received.has(channelId) && Date.now() < deadline) await sleep(5);
    latencies.push(received.has(channelId) ? received.get(channelId).at - sent : Number.POSITIVE_INFINITY);
  }
  await app.close();
  app = undefined;

  // ---- 2b. kill -9 right after the publish ----
  for (let trial = 0; trial < killTrials; trial += 1) {
    const service = await testkit.spawnService('monitoring', { ...env, LOG_LEVEL: 'error', ALERTS_EVAL_INTERVAL_MS: '15000' });
    children.push(service);
    const channelId = randomUUID();
    publishGivenUp(channelId, `bench-kill-${trial}`);
    await connection.flush();
    await sleep(Math.floor(Math.random() * 300));
    service.child.kill('SIGKILL');
    await new Promise((resolve) => (service.child.exitCode !== null || service.child.signalCode ? resolve() : service.child.once('exit', resolve)));
    const revived = await testkit.spawnService('monitoring', { ...env, LOG_LEVEL: 'error', ALERTS_EVAL_INTERVAL_MS: '1000' });
    children.push(revived);
    // A message the killed consumer had taken comes back after the consumer's ack wait (10 s).
    const deadline = Date.now() + 45_000;
    while (!received.has(channelId) && Date.now() < deadline) await sleep(20);
    await sleep(500);
    await revived.stop();
    const entry = received.get(channelId);
    if (entry) {
      delivered += 1;
      if (entry.keys.size !== 1) duplicates += 1;
    }
  }
  }

  // ---- 3 and 4. a route that logs a warn: shipper vs stdout, rollups on vs off; then log ingest ----
  const rps = { base: [], ship: [], rollups: [] };
  let ingest;
  let warnLine;
  let shipperCost;
  if (parts.has('3') || parts.has('4')) {
    const monitoring = await testkit.spawnService('monitoring', { ...env, LOG_LEVEL: 'error', LOG_SHIP_LEVEL: 'off', ALERTS_EVAL_INTERVAL_MS: '0' });
    children.push(monitoring);
    const variants = { base: { LOG_SHIP_LEVEL: 'off', API_ROLLUPS: 'off' }, ship: { LOG_SHIP_LEVEL: 'warn', API_ROLLUPS: 'off' }, rollups: { LOG_SHIP_LEVEL: 'off', API_ROLLUPS: 'on' } };
    const chosen = ['base', ...(parts.has('3') ? ['ship'] : []), ...(parts.has('4') ? ['rollups'] : [])];
    const gatewayEnv = {
      ...env,
      LOG_LEVEL: 'info',
      JWT_SECRET: 'bench-secret-that-is-long-enough-0123456789',
      ADMIN_EMAIL: 'admin@bench.castline',
      ADMIN_PASSWORD: 'bench-admin-password-1',
    };
    for (let round = 0; round < loadRounds; round += 1) {
      // ABBA: every other round runs the variants in reverse, so whatever drifts across a round (the first
      // gateway after a pause, other tenants) does not always land on the same variant.
      for (const name of round % 2 === 0 ? chosen : [...chosen].reverse()) {
        const gateway = await testkit.spawnService('gateway', { ...gatewayEnv, ...variants[name] });
        children.push(gateway);
        await load(`${gateway.url}/api/v1/channels`, 1, gateway.child.pid); // warm-up
        rps[name].push(await load(`${gateway.url}/api/v1/channels`, loadSeconds, gateway.child.pid));
        warnLine ??= gateway.output().split('\n').find((line) => line.startsWith('{"level":40'));
        await gateway.stop();
      }
    }
    if (parts.has('3')) {
      shipperCost = loggerCost(JSON.parse(warnLine));
      // Ingest: distinct records (no folding) at about 10,000/s from a shipper in this process.
      const shipper = new LogShipper({ service: 'bench-logs', maxBuffer: logRecords, intervalMs: 50, batchSize: 500 });
      shipper.attach(connection);
      const logger = pino(processLoggerOptions('bench-logs', 'info'), pino.multistream([{ level: 'warn', stream: shipper }]));
      const started = Date.now();
      for (let sent = 0; sent < logRecords; sent += 1000) {
        for (let index = sent; index < Math.min(logRecords, sent + 1000); index += 1) logger.warn({ n: index }, `bench record ${index}`);
        await sleep(100);
      }
      const deadline = Date.now() + 60_000;
      let stored = 0;
      while (Date.now() < deadline) {
        stored = (await sql.query("SELECT count(*)::int AS n FROM app_logs WHERE service = 'bench-logs'")).rows[0].n;
        if (stored + shipper.dropped >= logRecords) break;
        await sleep(100);
      }
      const timing = (
        await sql.query(
          `SELECT extract(epoch FROM max(stored_at) - $1::timestamptz) AS span_s,
                  percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM stored_at - ts) * 1000) AS p95_ms,
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM stored_at - ts) * 1000) AS p50_ms
           FROM app_logs WHERE service = 'bench-logs'`,
          [new Date(started)],
        )
      ).rows[0];
      shipper.detach();
      ingest = { stored, dropped: shipper.dropped, lost: logRecords - stored - shipper.dropped, perSecond: stored / Number(timing.span_s), p50: Number(timing.p50_ms), p95: Number(timing.p95_ms) };
    }
  }

  if (parts.has('1')) {
  console.log('\n1. Evaluation CPU per minute (15 s tick: 4 evaluations), monitoring process');
  console.log('rules'.padStart(8), 'series'.padStart(8), 'CPU ms/min'.padStart(12), '% of a core'.padStart(12), 'ms/evaluation'.padStart(14));
  for (const row of cpu) {
    console.log(String(row.rules).padStart(8), String(row.series).padStart(8), row.cpuMsPerMinute.toFixed(0).padStart(12), row.corePercent.toFixed(2).padStart(12), row.wallMsPerEvaluation.toFixed(0).padStart(14));
  }
  if (cpu.length === 2) {
    const [small, large] = cpu;
    console.log(`ratio ${large.rules}/${small.rules} rules: CPU x${(large.cpuMsPerMinute / small.cpuMsPerMinute).toFixed(2)} (target <= 12), ${small.rules} rules: ${small.corePercent.toFixed(2)} % of a core (target <= 1 %)`);
  }
  }
  if (parts.has('2')) {
  const finite = latencies.filter(Number.isFinite);
  console.log(`\n2. Channel given up -> webhook received, ${trials} trials (15 s tick; an error event nudges the evaluator)`);
  console.log(`p50 ${percentile(finite, 50).toFixed(0)} ms, p95 ${percentile(finite, 95).toFixed(0)} ms, max ${Math.max(...finite).toFixed(0)} ms, not delivered ${latencies.length - finite.length} (target p95 < 5000 ms)`);
  console.log(`   with monitoring killed (SIGKILL) right after the publish: ${delivered}/${killTrials} delivered, ${duplicates} with more than one idempotency key`);
  }
  const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const perSecond = (name) => mean(rps[name].map((round) => round.perSecond));
  const cpuPerRequest = (name) => mean(rps[name].map((round) => round.cpuUsPerRequest));
  /** Throughput and CPU figures of `name` against the base, with the spread of the per-round ratios. */
  const compare = (name, target) => {
    const rounds = rps[name].map((round, index) => (round.perSecond / rps.base[index].perSecond).toFixed(3)).join(', ');
    return (
      `base ${perSecond('base').toFixed(0)} req/s (${cpuPerRequest('base').toFixed(0)} µs CPU/request), ${name} ${perSecond(name).toFixed(0)} req/s ` +
      `(${cpuPerRequest(name).toFixed(0)} µs CPU/request)\n   req/s ratio ${(perSecond(name) / perSecond('base')).toFixed(3)} (target >= ${target}; rounds ${rounds}); ` +
      `CPU per request base/${name} ${(cpuPerRequest('base') / cpuPerRequest(name)).toFixed(3)} (the same cost, seen without the load generator's share)`
    );
  };
  if (parts.has('3')) {
    console.log(`\n3. App logs: GET /api/v1/channels unauthenticated (401, logged at warn), ${loadSeconds} s x ${loadRounds} rounds, 32 clients; ship = pino shipper, base = stdout only`);
    console.log(compare('ship', 0.9));
    const base = cpuPerRequest('base');
    console.log(
      `   the shipper per log call (the gateway's warn line, no load generator): ${shipperCost.direct.toFixed(2)} µs direct vs ` +
        `${shipperCost.shipped.toFixed(2)} µs with it, +${shipperCost.added.toFixed(2)} µs = ${((100 * shipperCost.added) / base).toFixed(1)} % ` +
        `of the gateway's ${base.toFixed(0)} µs CPU per request: ratio ${(base / (base + shipperCost.added)).toFixed(3)} at one warn per request`,
    );
    console.log(
      `ingest ${logRecords} distinct records at ~10,000/s: ${ingest.perSecond.toFixed(0)} records/s stored, lag p50 ${ingest.p50.toFixed(0)} ms p95 ${ingest.p95.toFixed(0)} ms, lost ${ingest.lost}, dropped by the buffer ${ingest.dropped}`,
    );
  }
  if (parts.has('4')) {
    console.log(`\n4. API rollups: same route; rollups = API_ROLLUPS on, base = off`);
    console.log(compare('rollups', 0.95));
  }
} finally {
  await app?.close().catch(() => undefined);
  for (const child of children) await child.stop().catch(() => undefined);
  await connection.drain().catch(() => undefined);
  await sql.end().catch(() => undefined);
  hook.close();
  await nats.stop();
  await database.drop();
}
process.exit(0);
