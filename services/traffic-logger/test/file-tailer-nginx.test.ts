import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually, redisKeyPrefix, startTestNginx, type TestNginx } from '@castline/testkit';
import { Redis } from 'ioredis';
import { FileTailer } from '../src/access-log/file-tailer';
import { TailStateRepository } from '../src/access-log/tail-state.repository';

/** The tailer on a real nginx's access log: every request read exactly once through rotation, truncation and restarts. */
const work = mkdtempSync(path.join(tmpdir(), 'castline-tailer-'));
const hlsRoot = path.join(work, 'hls');
let nginx: TestNginx;
let redis: Redis;
let state: TailStateRepository;
const seen = new Map<string, number>();
const tailers: FileTailer[] = [];
let sent = 0;

const tailer = (owner: string, onLine: (uri: string) => void = (uri) => seen.set(uri, (seen.get(uri) ?? 0) + 1)) => {
  const created = new FileTailer({
    file: nginx.accessLog,
    source: nginx.accessLog,
    owner,
    state,
    onBatch: async (batch) => batch.entries.forEach((entry) => onLine(entry.uri)),
    pollMs: 20,
    leaseMs: 3_000,
    rotateGraceMs: 200,
  });
  tailers.push(created);
  created.start();
  return created;
};

/** `count` requests, one after the other, each with its own number in the query; returns once nginx answered all. */
async function request(count: number, between?: (index: number) => void): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    between?.(index);
    sent += 1;
    const response = await fetch(`${nginx.baseUrl}/live/news/seg_1.ts?n=${sent}`);
    await response.arrayBuffer();
    expect(response.status).toBe(200);
  }
}

/** Every request sent so far seen, each exactly once. */
async function allSeenOnce(): Promise<void> {
  await eventually(async () => (seen.size >= sent ? true : undefined), 15_000);
  const doubled = [...seen].filter(([, times]) => times !== 1);
  expect(doubled).toEqual([]);
  expect([...seen.keys()].sort()).toEqual(Array.from({ length: sent }, (_, i) => `/live/news/seg_1.ts?n=${i + 1}`).sort());
}

beforeAll(async () => {
  mkdirSync(path.join(hlsRoot, 'news'), { recursive: true });
  writeFileSync(path.join(hlsRoot, 'news', 'seg_1.ts'), Buffer.alloc(188 * 4, 0x47));
  chmodSync(work, 0o755);
  nginx = await startTestNginx({ hlsRoot });
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: redisKeyPrefix('tailer') });
  state = new TailStateRepository(redis);
});

afterAll(async () => {
  for (const each of tailers) await each.stop();
  await nginx?.stop();
  redis?.disconnect();
  rmSync(work, { recursive: true, force: true });
});

it('reads every request nginx logged, once', async () => {
  tailer('first');
  await request(30);
  await allSeenOnce();
});

it('drains the renamed file to its end and goes on with the new one (rename + reopen mid-stream)', async () => {
  // Requests keep coming while the file is renamed, and after it until nginx reopens: those still land in the old file.
  await request(60, (index) => {
    if (index === 20) renameSync(nginx.accessLog, `${nginx.accessLog}.1`);
    if (index === 40) nginx.reopenLogs();
  });
  await allSeenOnce();
});

it('starts again at 0 after the file is truncated', async () => {
  await allSeenOnce();
  truncateSync(nginx.accessLog, 0);
  await request(25);
  await allSeenOnce();
});

it('resumes from the checkpoint after a restart, through a rotation that happened while it was down', async () => {
  await allSeenOnce();
  await tailers[0]!.stop();
  await request(20);
  // Rotated the way nginx/rotate-access-log.sh and logrotate do: the older names shift up first.
  renameSync(`${nginx.accessLog}.1`, `${nginx.accessLog}.2`);
  renameSync(nginx.accessLog, `${nginx.accessLog}.1`);
  nginx.reopenLogs();
  await request(20);
  tailer('second');
  await allSeenOnce();
});

it('lets one tailer per file hold the lease: a second one reads nothing', async () => {
  let standbyLines = 0;
  const standby = tailer('standby', () => (standbyLines += 1));
  await request(15);
  await allSeenOnce();
  expect(tailers[1]!.leader).toBe(true);
  expect(standby.leader).toBe(false);
  expect(standbyLines).toBe(0);
  await standby.stop();
});

// The loop rotates every 4 kB here (about every 10 requests), far faster than in production (100 MB). Keeping 50 old
// files means none is deleted while the tailer still has to read it: a tailer more than NGINX_LOG_KEEP rotations
// behind loses the deleted files' lines (services/traffic-logger/README.md), which this pace would provoke on a
// busy machine without proving anything about the rename + reopen it checks.
it("keeps up with the compose rotation loop (nginx/rotate-access-log.sh: rename, reopen)", async () => {
  const root = path.resolve(__dirname, '../../..');
  const loop = spawn('bash', [path.join(root, 'nginx/rotate-access-log.sh')], {
    env: {
      PATH: `/usr/sbin:/usr/local/sbin:${process.env.PATH ?? ''}`,
      NGINX_ACCESS_LOG: nginx.accessLog,
      NGINX_LOG_ROTATE_BYTES: '4000',
      NGINX_LOG_KEEP: '50',
      NGINX_LOG_ROTATE_POLL_SECONDS: '0.1',
      CASTLINE_NGINX_CONF_DIR: path.dirname(nginx.conf),
    },
    stdio: 'inherit',
  });
  try {
    // Requests until the loop has rotated at least three times: on a busy machine its 0.1 s polls fall behind.
    for (let rounds = 0; !existsSync(`${nginx.accessLog}.3`); rounds += 1) {
      expect(rounds).toBeLessThan(200);
      await request(10);
    }
    await request(20);
    await allSeenOnce();
  } finally {
    loop.kill('SIGTERM');
  }
});

it('puts lines that are not castline_json on the dead-letter list, counted, and reads on', async () => {
  const before = await state.deadLetterCount();
  await request(5);
  appendFileSync(nginx.accessLog, 'garbage that is not JSON\n{"status": "x"}\n');
  await request(5);
  await allSeenOnce();
  await eventually(async () => ((await state.deadLetterCount()) === before + 2 ? true : undefined));
  const letters = await state.deadLetters(2);
  expect(letters.map((letter) => letter.reason)).toEqual([expect.any(String), 'not JSON']);
  expect(letters[1]).toMatchObject({ source: nginx.accessLog, line: 'garbage that is not JSON' });
});
