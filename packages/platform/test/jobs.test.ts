import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { type BackupJob, Queues } from '@castline/contracts';
import { redisKeyPrefix, spawnNode } from '@castline/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { HANDED_BACK, Jobs } from '../src';

/** The job module against a real Redis: typed payloads, cron + time zone schedulers, hand-back on SIGTERM. */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const config = () => ({ REDIS_URL, REDIS_KEY_PREFIX: redisKeyPrefix('jobs') });
const opened: Jobs[] = [];
const open = (settings = config()) => {
  const jobs = new Jobs(settings);
  opened.push(jobs);
  return jobs;
};
afterEach(async () => {
  for (const jobs of opened.splice(0)) {
    await jobs.close(1_000);
    const cleanup = new Jobs({ REDIS_URL, REDIS_KEY_PREFIX: jobs.prefix.replace(/bull$/, '') });
    for (const name of Object.values(Queues)) await cleanup.queue(name).obliterate().catch(() => undefined);
    await cleanup.close();
  }
});

/** A promise and the function that resolves it. */
function deferred<T>(): { promise: Promise<T>; next: (value: T) => void } {
  let next!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    next = resolve;
  });
  return { promise, next };
}

async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('typed queue payloads', () => {
  it('refuses a malformed payload when it is added, naming the queue and the field, and adds nothing', async () => {
    const jobs = open();
    const queue = jobs.queue(Queues.adSync);
    const bad = { platform: 'meta', accountId: 'act_1', since: '2026-13', until: '2026-11-30' } as const;
    await expect(queue.add('sync', bad)).rejects.toThrow('job payload for queue ad-sync is malformed: since: a day as YYYY-MM-DD');
    // @ts-expect-error the payload type comes from QueuePayloads: `channelId` is not a backups field
    await expect(jobs.queue(Queues.backups).add('backup', { kind: 'backup', channelId: 'x' })).rejects.toThrow('job payload for queue backups is malformed: trigger');
    expect(await queue.counts()).toMatchObject({ waiting: 0, delayed: 0 });
  });

  it('gives a processor the typed payload, and fails a malformed job written behind its back without running it', async () => {
    const jobs = open();
    const seen: BackupJob[] = [];
    const failed = deferred<string>();
    await jobs.process(
      Queues.backups,
      async (job) => {
        seen.push(job.data);
      },
      { onFailed: (_job, error) => failed.next(error.message) },
    );
    const raw = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const direct = new Queue(Queues.backups, { connection: raw, prefix: jobs.prefix });
    try {
      await direct.add('backup', { kind: 'backup', trigger: 'sometimes' });
      expect(await failed.promise).toContain('job payload for queue backups is malformed: trigger');
      await jobs.queue(Queues.backups).add('backup', { kind: 'backup', trigger: 'manual', requestedBy: 'u1' });
      await eventually(() => seen.length === 1);
      expect(seen).toEqual([{ kind: 'backup', trigger: 'manual', requestedBy: 'u1' }]);
    } finally {
      await direct.close();
      await raw.quit();
    }
  });
});

describe('job schedulers', () => {
  it('a cron + time zone scheduler produces jobs with its template payload', async () => {
    const jobs = open();
    const produced: Array<{ name: string; data: unknown }> = [];
    await jobs.process(Queues.channelSchedules, async (job) => {
      produced.push({ name: job.name, data: job.data });
    });
    // Every second (six-field cron), read in a zone 5:45 ahead of UTC.
    const queue = jobs.queue(Queues.channelSchedules);
    await queue.upsertScheduler('demo:start', { pattern: '* * * * * *', timezone: 'Asia/Kathmandu' }, {
      name: 'start',
      data: { channelId: 'demo', action: 'start' },
    });
    await eventually(() => produced.length >= 2, 10_000);
    expect(produced.slice(0, 2)).toEqual([
      { name: 'start', data: { channelId: 'demo', action: 'start' } },
      { name: 'start', data: { channelId: 'demo', action: 'start' } },
    ]);
    expect(await queue.removeScheduler('demo:start')).toBe(true);
    expect(await queue.nextRun('demo:start')).toBeNull();
  });

  it('reads the cron pattern in the scheduler time zone', async () => {
    const queue = open().queue(Queues.channelSchedules);
    const data = { channelId: 'c1', action: 'start' } as const;
    await queue.upsertScheduler('kathmandu', { pattern: '0 8 * * *', timezone: 'Asia/Kathmandu' }, { name: 'start', data });
    await queue.upsertScheduler('new-york', { pattern: '0 8 * * *', timezone: 'America/New_York' }, { name: 'start', data });
    const wallClock = (at: Date | null, timeZone: string) =>
      new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' }).format(at!);
    const kathmandu = await queue.nextRun('kathmandu');
    const newYork = await queue.nextRun('new-york');
    expect(wallClock(kathmandu, 'Asia/Kathmandu')).toBe('08:00');
    expect(wallClock(newYork, 'America/New_York')).toBe('08:00');
    expect(wallClock(kathmandu, 'UTC')).toBe('02:15');
  });

  it('refuses a scheduler whose template payload is malformed', async () => {
    const queue = open().queue(Queues.channelSchedules);
    await expect(
      // @ts-expect-error `pause` is not a schedule action
      queue.upsertScheduler('x', { pattern: '0 8 * * *', timezone: 'UTC' }, { name: 'pause', data: { channelId: 'c1', action: 'pause' } }),
    ).rejects.toThrow('job payload for queue channel-schedules is malformed: action');
    expect(await queue.nextRun('x')).toBeNull();
  });
});

describe('hand-back', () => {
  const fixture = path.join(__dirname, 'fixtures/hand-back-worker.js');
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
  });

  it('a SIGTERM-ed worker process returns its active job to the queue and another worker runs it', async () => {
    const settings = config();
    const worker = spawnNode(fixture, { NODE_ENV: 'test', LOG_LEVEL: 'info', REDIS_URL, REDIS_KEY_PREFIX: settings.REDIS_KEY_PREFIX, SHUTDOWN_TIMEOUT_MS: '5000' });
    child = worker.child;
    const output = worker.output;
    const jobs = open(settings);
    await eventually(() => output().includes('metrics and health on') || child!.exitCode !== null, 20_000);
    expect(child.exitCode).toBeNull();

    const url = /metrics and health on (http:\S+?)"/.exec(output())![1];
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: 'up', checks: [{ name: 'redis', status: 'up' }] });

    await jobs.queue(Queues.backups).add('backup', { kind: 'backup', trigger: 'manual', requestedBy: 'u1' }, { jobId: 'backup-1' });
    await eventually(() => output().includes('took backup-1'), 10_000);
    expect(await (await fetch(`${url}/metrics`)).text()).toContain('castline_jobs_active{queue="backups",service="hand-back-test-worker"} 1');

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);
    expect(output()).toContain('SIGTERM received: handing running jobs back');
    const job = await jobs.queue(Queues.backups).getJob('backup-1');
    expect(await job!.getState()).toMatch(/^(waiting|delayed)$/);

    const ranAgain = deferred<BackupJob>();
    await jobs.process(Queues.backups, async (next) => {
      ranAgain.next(next.data);
    });
    expect(await ranAgain.promise).toEqual({ kind: 'backup', trigger: 'manual', requestedBy: 'u1' });
  });

  it('asks a running handler to stop when its processor closes, and requeues what it hands back', async () => {
    const jobs = open();
    const registry = new Registry();
    jobs.instrument(registry);
    const started = deferred<void>();
    const processor = await jobs.process(Queues.backups, async (_job, { signal }) => {
      started.next();
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      return HANDED_BACK;
    });
    await jobs.queue(Queues.backups).add('backup', { kind: 'backup', trigger: 'schedule' }, { jobId: 'b2' });
    await started.promise;
    expect(processor.activeJobIds()).toEqual(['b2']);
    expect(await processor.close(5_000)).toBe('drained');
    expect(await registry.getSingleMetricAsString('castline_jobs_finished_total')).toContain('outcome="handed_back"} 1');
    expect(await (await jobs.queue(Queues.backups).getJob('b2'))!.getState()).toMatch(/^(waiting|delayed)$/);
  });

  it('closes by force past the deadline when a handler ignores the signal, leaving the job locked for the stalled check', async () => {
    const jobs = open();
    const started = deferred<void>();
    const release = deferred<void>();
    const processor = await jobs.process(Queues.backups, async () => {
      started.next();
      await release.promise;
    });
    await jobs.queue(Queues.backups).add('backup', { kind: 'backup', trigger: 'schedule' }, { jobId: 'stuck' });
    await started.promise;
    try {
      expect(await processor.close(200)).toBe('forced');
      expect(await (await jobs.queue(Queues.backups).getJob('stuck'))!.getState()).toBe('active');
    } finally {
      release.next();
    }
  });
});

describe('faults', () => {
  it('keeps running jobs and takes new ones after Redis drops its connections', async () => {
    const jobs = open();
    const taken: string[] = [];
    const completed: string[] = [];
    const release = deferred<void>();
    let aborted = false;
    await jobs.process(
      Queues.backups,
      async (job, { signal }) => {
        taken.push(job.id!);
        signal.addEventListener('abort', () => (aborted = true));
        if (job.id === 'long') await release.promise;
      },
      { concurrency: 2, onCompleted: (job) => completed.push(job.id!) },
    );
    const queue = jobs.queue(Queues.backups);
    await queue.add('backup', { kind: 'backup', trigger: 'schedule' }, { jobId: 'long' });
    await eventually(() => taken.includes('long'));

    const admin = new Redis(REDIS_URL);
    try {
      const clients = (await admin.client('LIST')) as string;
      const ours = clients.split('\n').filter((line) => line.includes(`name=castline-jobs-${process.pid}`));
      expect(ours.length).toBeGreaterThan(0);
      for (const line of ours) await admin.client('KILL', 'ID', /\bid=(\d+)/.exec(line)![1]!);
    } finally {
      await admin.quit();
    }

    await queue.add('backup', { kind: 'backup', trigger: 'manual' }, { jobId: 'after' });
    await eventually(() => taken.includes('after'), 10_000);
    release.next();
    await eventually(() => completed.includes('long'));
    expect(completed.sort()).toEqual(['after', 'long']);
    expect(aborted).toBe(false);
  });
});
