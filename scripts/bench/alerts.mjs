// `npm run bench:alerts` (run `npm run build` first): the alert evaluator and the delivery path on this machine.
//  1. Evaluation CPU per minute at the 15 s tick (4 evaluations), 1,000 vs 10,000 rules side by side: the
//     monitoring process's CPU (user + system) around the evaluations, as ms per minute and % of one core, and
//     the ratio. Rules are host and check rules that do not fire (the common case: an evaluation reads each
//     source once and steps every series). Postgres's own CPU is not counted.
//  2. Channel given up -> webhook received: BENCH_TRIALS (50) channels each publish a given-up event on
//     `channels.events`; the time until the local webhook receives the alert (p50, p95, max). Then
//     BENCH_KILL_TRIALS (10) more with monitoring (from its build) killed with SIGKILL right after the publish
//     and started again: how many were delivered, and each one once.
// Uses its own database, Redis key prefix and nats-server (JetStream), like the tests.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '../..');
const testkit = require(path.join(root, 'packages/testkit/dist/index.js'));
const { connectNats } = require(path.join(root, 'packages/platform/dist/index.js'));
const { startMonitoring } = require(path.join(root, 'services/monitoring/dist/monitoring-app.js'));
const { AlertEvaluator } = require(path.join(root, 'services/monitoring/dist/alerts/evaluator.service.js'));
const { Client } = require('pg');

const trials = Number(process.env.BENCH_TRIALS ?? 50);
const killTrials = Number(process.env.BENCH_KILL_TRIALS ?? 10);
const ruleCounts = (process.env.BENCH_RULES ?? '1000,10000').split(',').map(Number);
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
  app = await startMonitoring({ ...env, ALERTS_EVAL_INTERVAL_MS: '0' }, { handleSignals: false });
  const evaluator = app.get(AlertEvaluator);
  const cpu = [];
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

  // ---- 2. channel given up -> webhook ----
  await sql.query(`UPDATE monitor_checks SET enabled = false`);
  app = await startMonitoring({ ...env, ALERTS_EVAL_INTERVAL_MS: '15000' }, { handleSignals: false });
  // Called over NATS as the gateway would (NatsClient checks request and reply).
  const harness = new (require(path.join(root, 'packages/platform/dist/index.js')).NatsClient)(connection, { CONTRACT_VALIDATION: 'on' });
  const { Rpc } = require(path.join(root, 'packages/contracts/dist/index.js'));
  await harness.call(Rpc.receivers.create, { name: 'bench hook', kind: 'webhook', config: { url: hookUrl } });
  const publishGivenUp = (channelId, id) =>
    connection.publish('channels.events', JSON.stringify({ channelId, status: 'error', type: 'error', message: 'error: gave up (bench)', at: new Date().toISOString(), eventId: id }));
  const latencies = [];
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
  let delivered = 0;
  let duplicates = 0;
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

  console.log('\n1. Evaluation CPU per minute (15 s tick: 4 evaluations), monitoring process');
  console.log('rules'.padStart(8), 'series'.padStart(8), 'CPU ms/min'.padStart(12), '% of a core'.padStart(12), 'ms/evaluation'.padStart(14));
  for (const row of cpu) {
    console.log(String(row.rules).padStart(8), String(row.series).padStart(8), row.cpuMsPerMinute.toFixed(0).padStart(12), row.corePercent.toFixed(2).padStart(12), row.wallMsPerEvaluation.toFixed(0).padStart(14));
  }
  if (cpu.length === 2) {
    const [small, large] = cpu;
    console.log(`ratio ${large.rules}/${small.rules} rules: CPU x${(large.cpuMsPerMinute / small.cpuMsPerMinute).toFixed(2)} (target <= 12), ${small.rules} rules: ${small.corePercent.toFixed(2)} % of a core (target <= 1 %)`);
  }
  const finite = latencies.filter(Number.isFinite);
  console.log(`\n2. Channel given up -> webhook received, ${trials} trials (15 s tick; an error event nudges the evaluator)`);
  console.log(`p50 ${percentile(finite, 50).toFixed(0)} ms, p95 ${percentile(finite, 95).toFixed(0)} ms, max ${Math.max(...finite).toFixed(0)} ms, not delivered ${latencies.length - finite.length} (target p95 < 5000 ms)`);
  console.log(`   with monitoring killed (SIGKILL) right after the publish: ${delivered}/${killTrials} delivered, ${duplicates} with more than one idempotency key`);
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
