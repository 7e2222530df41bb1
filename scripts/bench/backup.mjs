// `npm run bench:backup` (run `npm run build` first), part (1): the backup's database component against plain
// pg_dump on one generated database, at the same (pg_dump's default) compression.
//   plain:    pg_dump -Fc -f <file>
//   castline: pg_dump -Fc --snapshot (REPEATABLE READ snapshot, row counts first) streamed through SHA-256 and
//             AES-256-GCM STREAM encryption into BACKUP_DIR/.partial-<id>/, manifest written and signed, renamed
//             (the service's own runBackup with the database component only, at normal priority).
// MB/s is the database's size (pg_database_size) over the wall time; the ratio is castline / plain (goal >= 0.8).
// BENCH_BACKUP_MB (default 300: ~1 GB does not fit the shared 2-core machine's time) sizes the table data,
// BENCH_ROUNDS (2) alternates plain and castline that many times. The bench database is dropped at the end.
//
// Part (2): API latency idle vs during a backup. The bench database also gets every migration, a real gateway
// (services/gateway/dist, REDIS_URL/NATS_URL from the environment) serves it, and autocannon asks a DB-backed
// admin endpoint (GET /api/v1/users) at a fixed rate (BENCH_API_RATE req/s, default 200, BENCH_API_SECONDS
// seconds idle, default 15); then the same during a backup of that database in a process of its own (pg_dump at
// nice 10, ionice idle), twice side by side: that process at nice 0, then at nice 10 as the service runs itself
// (services/backup/src/main.ts). Each stops when its backup ends; ratio = p99 during / p99 idle (goal <= 1.5).
// Then the messy case: the same with every core already busy (a loop per core at nice 0, as live encoders keep
// it), without and during a backup at nice 10.
// BENCH_PARTS (default "1,2") picks the parts.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '../..');
const db = require(path.join(root, 'packages/db/dist/index.js'));
const { runBackup, backupName } = require(path.join(root, 'services/backup/dist/backups/backup-runner.js'));
const { BackupKeyring } = require(path.join(root, 'services/backup/dist/crypto/backup-keyring.js'));
const { libpqEnv, locatePgTool, serverVersionOf } = require(path.join(root, 'services/backup/dist/database/pg-tools.js'));

const targetMb = Number(process.env.BENCH_BACKUP_MB ?? 300);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const databaseUrl = db.withDatabaseName(db.defaultDatabaseUrl(), 'castline_bench_backup');
const work = mkdtempSync(path.join(os.tmpdir(), 'castline-bench-backup-'));
const BACKUP_KEY = 'bench-backup-key-0123456789abcdef0123456789';
const keyring = new BackupKeyring(BACKUP_KEY);
const mb = (bytes) => bytes / 1_000_000;
const parts = (process.env.BENCH_PARTS ?? '1,2').split(',');
const apiRate = Number(process.env.BENCH_API_RATE ?? 200);
const apiSeconds = Number(process.env.BENCH_API_SECONDS ?? 15);

async function generate() {
  await db.dropDatabase(databaseUrl);
  await db.ensureDatabase(databaseUrl);
  // ~170 bytes per row on disk: a bigint, a timestamp, an int and 128 hex characters (compressible like real text).
  const rows = Math.round((targetMb * 1_000_000) / 170);
  // Part 2's gateway serves this database: the app's schema too (users, ...).
  await db.applyMigrations(databaseUrl);
  await db.withPgClient(databaseUrl, async (client) => {
    await client.query(`CREATE TABLE bench_rows (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), n int NOT NULL, payload text NOT NULL)`);
    const batch = 500_000;
    for (let start = 1; start <= rows; start += batch) {
      const end = Math.min(rows, start + batch - 1);
      await client.query(`INSERT INTO bench_rows (n, payload) SELECT i % 1000, repeat(md5(i::text), 4) FROM generate_series($1::int, $2::int) AS i`, [start, end]);
    }
    await client.query('VACUUM ANALYZE bench_rows');
  });
  return db.withPgClient(databaseUrl, async (client) => ({
    rows,
    bytes: Number((await client.query(`SELECT pg_database_size(current_database()) AS size`)).rows[0].size),
    serverVersionNum: Number((await client.query(`SHOW server_version_num`)).rows[0].server_version_num),
  }));
}

function plainDump(tool) {
  const file = path.join(work, `plain-${randomUUID()}.pgdump`);
  const { url, env } = libpqEnv(databaseUrl);
  const started = performance.now();
  const result = spawnSync(tool.path, ['--format=custom', '--no-owner', '--no-privileges', `--file=${file}`, `--dbname=${url}`], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`pg_dump failed: ${result.stderr}`);
  const bytes = statSync(file).size;
  rmSync(file);
  return { seconds, bytes };
}

async function castlineDump() {
  const backupDir = path.join(work, `castline-${randomUUID()}`);
  const id = randomUUID();
  const started = performance.now();
  const outcome = await runBackup(
    { id, name: backupName(id, new Date()), components: ['database'], excludeTableData: [] },
    { databaseUrl, uploadsDir: path.join(work, 'none'), lowPriority: false },
    backupDir,
    keyring,
  );
  const seconds = (performance.now() - started) / 1000;
  rmSync(backupDir, { recursive: true, force: true });
  return { seconds, bytes: outcome.sizeBytes };
}

async function databaseComponent(generated, tool) {
  const plain = [];
  const castline = [];
  for (let round = 1; round <= rounds; round++) {
    plain.push(plainDump(tool));
    castline.push(await castlineDump());
    const [p, c] = [plain.at(-1), castline.at(-1)];
    console.log(`round ${round}: plain ${p.seconds.toFixed(2)} s (${mb(p.bytes).toFixed(1)} MB file), castline ${c.seconds.toFixed(2)} s (${mb(c.bytes).toFixed(1)} MB stored)`);
  }
  const mean = (runs) => runs.reduce((sum, run) => sum + run.seconds, 0) / runs.length;
  const rate = (runs) => mb(generated.bytes) / mean(runs);
  console.log('');
  console.log('| database component | seconds (mean) | MB/s of database | output MB |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(`| plain pg_dump -Fc > file | ${mean(plain).toFixed(2)} | ${rate(plain).toFixed(1)} | ${mb(plain[0].bytes).toFixed(1)} |`);
  console.log(`| castline (snapshot + counts + SHA-256 + AES-256-GCM STREAM + manifest) | ${mean(castline).toFixed(2)} | ${rate(castline).toFixed(1)} | ${mb(castline[0].bytes).toFixed(1)} |`);
  console.log(`ratio castline / plain: ${(rate(castline) / rate(plain)).toFixed(2)} (goal >= 0.8)`);
}

/** A gateway process on the bench database; resolves with its URL and an admin token once it answers. */
async function startGateway() {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const password = 'bench-admin-password-0123';
  const child = spawn(process.execPath, [path.join(root, 'services/gateway/dist/main.js')], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
      REDIS_KEY_PREFIX: `castline:bench:${randomUUID()}:`,
      JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123456789',
      ADMIN_EMAIL: 'bench@castline.local',
      ADMIN_PASSWORD: password,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@castline.local', password }) }).catch(() => undefined);
    if (login?.ok) return { child, url, token: (await login.json()).accessToken };
    if (attempt > 150 || child.exitCode !== null) throw new Error('the gateway did not start');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** autocannon at a fixed overall rate until `until` resolves (or for `seconds`). */
async function measure(api, { seconds, until }) {
  const autocannon = require('autocannon');
  const instance = autocannon({
    url: `${api.url}/api/v1/users`,
    headers: { authorization: `Bearer ${api.token}` },
    connections: 10,
    overallRate: apiRate,
    duration: until ? 3600 : seconds,
  });
  const done = once(instance, 'done');
  if (until) {
    await until;
    instance.stop();
  }
  const [result] = await done;
  return { p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total, non2xx: result.non2xx, errors: result.errors, seconds: result.duration };
}

async function apiLatency() {
  const api = await startGateway();
  try {
    await measure(api, { seconds: 3 }); // warm-up
    const idle = await measure(api, { seconds: apiSeconds });
    const duringBackup = async (nice) => {
      const id = randomUUID();
      const backupDir = path.join(work, `api-${id}`);
      const started = performance.now();
      // In a process of its own, as the service runs it: in this one, its hashing and encryption would delay
      // autocannon's own measurements. `nice` 10 is what services/backup/src/main.ts does (BACKUP_LOW_PRIORITY).
      const child = spawn(process.execPath, ['--input-type=module', '-e', `
        import { createRequire } from 'node:module';
        const require = createRequire(${JSON.stringify(path.join(root, 'package.json'))});
        const { lowerProcessPriority } = require('./services/backup/dist/process-priority.js');
        const { runBackup, backupName } = require('./services/backup/dist/backups/backup-runner.js');
        const { BackupKeyring } = require('./services/backup/dist/crypto/backup-keyring.js');
        const job = JSON.parse(process.argv[1]);
        if (job.nice > 0) lowerProcessPriority(job.nice);
        await runBackup({ ...job.backup, name: backupName(job.backup.id, new Date()) }, job.options, job.dir, new BackupKeyring(job.key));`,
        JSON.stringify({ nice, backup: { id, components: ['database'], excludeTableData: [] }, options: { databaseUrl, uploadsDir: path.join(work, 'none'), lowPriority: true }, dir: backupDir, key: BACKUP_KEY }),
      ], { stdio: ['ignore', 'ignore', 'inherit'] });
      const backup = once(child, 'exit').then(([code]) => {
        if (code !== 0) throw new Error(`the backup process exited with ${code}`);
      });
      const result = await measure(api, { until: backup });
      rmSync(backupDir, { recursive: true, force: true });
      return { ...result, backupSeconds: (performance.now() - started) / 1000 };
    };
    // Side by side: the backup process at the default priority, then at nice 10 (pg_dump at nice 10 in both).
    const plain = await duringBackup(0);
    const niced = await duringBackup(10);
    console.log('');
    console.log(`| GET /api/v1/users at ${apiRate} req/s | seconds | requests | non-2xx | p50 ms | p99 ms |`);
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    console.log(`| idle | ${idle.seconds} | ${idle.requests} | ${idle.non2xx + idle.errors} | ${idle.p50} | ${idle.p99} |`);
    for (const [label, run] of [['backup process at nice 0', plain], ['backup process at nice 10 (the service)', niced]]) {
      console.log(`| during a backup (${run.backupSeconds.toFixed(1)} s), ${label}; pg_dump nice 10, ionice idle | ${run.seconds} | ${run.requests} | ${run.non2xx + run.errors} | ${run.p50} | ${run.p99} |`);
    }
    console.log(`p99 ratio during / idle: ${(plain.p99 / Math.max(idle.p99, 0.001)).toFixed(2)} at nice 0, ${(niced.p99 / Math.max(idle.p99, 0.001)).toFixed(2)} at nice 10 (goal <= 1.5)`);

    // The messy case: the CPU already full (one busy loop per core at nice 0, standing in for live encoders), the
    // same measurement idle and during a backup at nice 10: the backup must not add to what the box already costs.
    const hogs = os.cpus().map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const busyIdle = await measure(api, { seconds: apiSeconds });
      const busyNiced = await duringBackup(10);
      console.log('');
      console.log(`| CPU saturated (${hogs.length} busy loops at nice 0) | seconds | requests | non-2xx | p50 ms | p99 ms |`);
      console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
      console.log(`| no backup | ${busyIdle.seconds} | ${busyIdle.requests} | ${busyIdle.non2xx + busyIdle.errors} | ${busyIdle.p50} | ${busyIdle.p99} |`);
      console.log(`| during a backup (${busyNiced.backupSeconds.toFixed(1)} s), backup process at nice 10 | ${busyNiced.seconds} | ${busyNiced.requests} | ${busyNiced.non2xx + busyNiced.errors} | ${busyNiced.p50} | ${busyNiced.p99} |`);
      console.log(`p99 ratio during / no backup, saturated: ${(busyNiced.p99 / Math.max(busyIdle.p99, 0.001)).toFixed(2)}`);
    } finally {
      for (const hog of hogs) hog.kill('SIGKILL');
    }
  } finally {
    api.child.kill('SIGTERM');
    await once(api.child, 'exit').catch(() => undefined);
  }
}

try {
  console.log(`generating ~${targetMb} MB of table data...`);
  const generated = await generate();
  const tool = await locatePgTool('pg_dump', serverVersionOf(generated.serverVersionNum), process.env.PG_BIN_DIR);
  console.log(`database: ${generated.rows} rows, ${mb(generated.bytes).toFixed(0)} MB (pg_database_size); ${tool.path} ${tool.version}; ${os.cpus().length} CPUs`);
  if (parts.includes('1')) await databaseComponent(generated, tool);
  if (parts.includes('2')) await apiLatency();
} finally {
  await db.dropDatabase(databaseUrl).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
}
