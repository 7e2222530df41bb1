import { type QueueName, type QueuePayloads, QueueSchemas } from '@castline/contracts';
import type { Job, JobsOptions, JobType, Queue } from 'bullmq';
import { AppError } from '../errors';

/** A cron expression read in a time zone (IANA name): BullMQ fires it at that zone's wall-clock time, DST included. */
export interface CronSchedule {
  pattern: string;
  timezone: string;
}

export interface JobTemplate<N extends QueueName> {
  name: string;
  data: QueuePayloads[N];
  options?: Omit<JobsOptions, 'jobId' | 'repeat'>;
}

/**
 * Checks a payload against its queue's schema (packages/contracts QueueSchemas); a malformed one is an error
 * naming the queue and the field, before anything reaches Redis.
 */
export function parseJobPayload<N extends QueueName>(queue: N, data: unknown): QueuePayloads[N] {
  const result = QueueSchemas[queue].safeParse(data);
  if (result.success) return result.data as QueuePayloads[N];
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`);
  throw AppError.badRequest(`job payload for queue ${queue} is malformed: ${problems.join('; ')}`, result.error.issues);
}

/**
 * The producer side of one queue: adds jobs and manages job schedulers, never runs anything. Payloads are
 * typed by `QueuePayloads` and checked against `QueueSchemas` when added.
 */
export class JobQueue<N extends QueueName> {
  constructor(
    readonly name: N,
    private readonly queue: Queue<QueuePayloads[N]>,
  ) {}

  /** Adds a job; with `jobId` BullMQ ignores the add while a job with that id exists. */
  async add(jobName: string, data: QueuePayloads[N], options?: JobsOptions): Promise<Job<QueuePayloads[N]>> {
    const payload = parseJobPayload(this.name, data);
    // BullMQ's generics cannot follow the mapped payload type through its `ExtractNameType` helper.
    return (await this.queue.add(jobName as never, payload as never, options)) as Job<QueuePayloads[N]>;
  }

  async getJob(id: string): Promise<Job<QueuePayloads[N]> | undefined> {
    return this.queue.getJob(id);
  }

  /** Creates or replaces a job scheduler: a job from `template` each time `schedule` fires in its time zone. */
  async upsertScheduler(id: string, schedule: CronSchedule, template: JobTemplate<N>): Promise<void> {
    const data = parseJobPayload(this.name, template.data);
    await this.queue.upsertJobScheduler(id as never, { pattern: schedule.pattern, tz: schedule.timezone }, {
      name: template.name as never,
      data: data as never,
      opts: template.options,
    });
  }

  /** Removes a scheduler; true when there was one. */
  async removeScheduler(id: string): Promise<boolean> {
    return this.queue.removeJobScheduler(id);
  }

  /** When a scheduler fires next, or null when it does not exist. */
  async nextRun(id: string): Promise<Date | null> {
    const scheduler = await this.queue.getJobScheduler(id);
    return scheduler?.next === undefined ? null : new Date(scheduler.next);
  }

  /** The jobs in the given states (BullMQ's getJobs), e.g. for a reconciler that lists what will run. */
  async inState(...states: JobType[]): Promise<Array<Job<QueuePayloads[N]>>> {
    return this.queue.getJobs(states);
  }

  /** Counts by state, e.g. for a health page. */
  async counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
  }

  /** Only for tests and tools: removes every job and scheduler of the queue. */
  async obliterate(): Promise<void> {
    await this.queue.obliterate({ force: true });
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
