import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, eventually, inProcessServiceEnv, type TestDatabase } from '@castline/testkit';

/**
 * A test process that dies without stopping the service it spawned (SIGKILL, a jest timeout) must not leave the
 * service running: an orphaned monitoring once answered the next test files' requests on the shared NATS.
 */
let database: TestDatabase;
const work = mkdtempSync(path.join(tmpdir(), 'castline-orphan-'));

beforeAll(async () => {
  database = await createTestDatabase('orphan');
});
afterAll(async () => {
  await database?.drop();
  rmSync(work, { recursive: true, force: true });
});

/** Running: a zombie (exited, not yet reaped by whoever inherited it) counts as gone. */
const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

it('a spawned service exits once the process that spawned it is killed', async () => {
  const parentScript = path.join(work, 'parent.cjs');
  // The parent runs the testkit's build, as a test file would through its package.
  writeFileSync(
    parentScript,
    `const { spawnService } = require(${JSON.stringify(path.resolve(__dirname, '../dist/index.js'))});
     spawnService('monitoring', JSON.parse(process.argv[2])).then((service) => console.log('pid ' + service.child.pid));
     setInterval(() => undefined, 60_000);`,
  );
  const env = { ...inProcessServiceEnv(database.url), NGINX_HEALTH_URL: 'off', CHECKS_TICK_MS: '0', ALERTS_EVAL_INTERVAL_MS: '0', LOG_SHIP_LEVEL: 'off' };
  const parent = spawn(process.execPath, [parentScript, JSON.stringify(env)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  parent.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const pid = await eventually(async () => Number(/pid (\d+)/.exec(output)?.[1]) || undefined, 25_000);
  expect(alive(pid)).toBe(true);

  const exited = once(parent, 'exit');
  parent.kill('SIGKILL');
  await exited;
  await eventually(async () => (alive(pid) ? undefined : true), 20_000);
}, 60_000);
