import type { QueueName, QueuePayloads } from '@castline/contracts';
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { parseJobPayload } from './job-queue';
import type { JobMetrics } from './job-metrics';

/** Thrown by a handler: the job fails now, without its remaining attempts (BullMQ's). */
export { UnrecoverableError };

/** What a handler returns when it stopped early because its worker is stopping: the job goes back to the queue. */
export const HANDED_BACK = Symbol('handed-back');

export interface JobContext {
  /** Aborted when this worker stops: a long job ends early and returns HANDED_BACK so another worker takes it. */
  signal: AbortSignal;
}

export type JobHandler<N extends QueueName> = (job: Job<QueuePayloads[N]>, context: JobContext) => Promise<unknown>;

export interface ProcessOptions<N extends QueueName> {
  /** Jobs run at once by this process. Default 1. */
  concurrency?: number;
  /** A lost worker's jobs go back to the queue after lockDuration; the stalled check runs every stalledInterval. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  maxStalledCount?: number;
  onCompleted?: (job: Job<QueuePayloads[N]>, result: unknown) => void;
  onFailed?: (job: Job<QueuePayloads[N]> | undefined, error: Error) => void;
  onError?: (error: Error) => void;
  /**
   * The delay before retrying a failed job added with `backoff: { type: 'custom' }`, from the attempts made and
   * the error thrown (e.g. a webhook's Retry-After carried on it).
   */
  backoffStrategy?: (attemptsMade: number, error: Error) => number;
}

export type CloseOutcome = 'drained' | 'forced';

/**
 * The consumer side of one queue: runs its handler on each job (payload checked against the queue's schema
 * first) and, on close, asks running handlers to hand their jobs back before the deadline.
 */
export class JobProcessor<N extends QueueName> {
  private readonly worker: Worker<QueuePayloads[N]>;
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private closing?: Promise<CloseOutcome>;

  constructor(
    readonly queue: N,
    handler: JobHandler<N>,
    connection: Redis,
    prefix: string,
    options: ProcessOptions<N> = {},
    private readonly metrics?: JobMetrics,
  ) {
    const run = async (job: Job<QueuePayloads[N]>, token?: string) => {
      let data: QueuePayloads[N];
      try {
        data = parseJobPayload(queue, job.data);
      } catch (error) {
        // A malformed payload will never become valid: fail it now instead of retrying.
        throw new UnrecoverableError((error as Error).message);
      }
      job.data = data;
      const controller = new AbortController();
      const key = job.id ?? `${Date.now()}`;
      let finished!: () => void;
      this.running.set(key, { controller, done: new Promise<void>((resolve) => (finished = resolve)) });
      // A job fetched while the processor closes is handed back at once.
      if (this.closing) controller.abort();
      const end = this.metrics?.started(queue);
      try {
        const result = await handler(job, { signal: controller.signal });
        if (result === HANDED_BACK) {
          end?.('handed_back');
          await job.moveToDelayed(Date.now(), token);
          // Tells BullMQ the job was moved on purpose (not completed, not failed).
          throw new DelayedError();
        }
        end?.('completed');
        return result;
      } catch (error) {
        if (!(error instanceof DelayedError)) end?.('failed');
        throw error;
      } finally {
        this.running.delete(key);
        finished();
      }
    };
    const tuning = { lockDuration: options.lockDurationMs, stalledInterval: options.stalledIntervalMs, maxStalledCount: options.maxStalledCount };
    this.worker = new Worker<QueuePayloads[N]>(queue, run, {
      connection,
      prefix,
      concurrency: options.concurrency ?? 1,
      ...(options.backoffStrategy ? { settings: { backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) => options.backoffStrategy!(attemptsMade, error ?? new Error('failed')) } } : {}),
      // An option given as undefined would replace BullMQ's default with undefined.
      ...Object.fromEntries(Object.entries(tuning).filter(([, value]) => value !== undefined)),
    });
    if (options.onCompleted) this.worker.on('completed', (job, result) => options.onCompleted!(job, result));
    if (options.onFailed) this.worker.on('failed', (job, error) => options.onFailed!(job, error));
    this.worker.on('error', (error) => options.onError?.(error));
  }

  /** Resolves once the worker listens on the queue. */
  async ready(): Promise<this> {
    await this.worker.waitUntilReady();
    return this;
  }

  /** Ids of the jobs this process runs now. */
  activeJobIds(): string[] {
    return [...this.running.keys()];
  }

  /**
   * Stops taking jobs, asks every running handler to hand back (aborts its signal) and waits for them up to
   * `deadlineMs`. Past the deadline the worker is closed by force: its jobs stay locked until the lock expires,
   * then the stalled check gives them to another worker ('forced').
   */
  close(deadlineMs = 10_000): Promise<CloseOutcome> {
    this.closing ??= (async () => {
      // Stop fetching without waiting: BullMQ's close() would wait for the active jobs with no way to force it
      // later, so this process waits for its handlers itself.
      await this.worker.pause(true);
      for (const { controller } of this.running.values()) controller.abort();
      const drained = async () => {
        while (this.running.size > 0) await Promise.all([...this.running.values()].map(({ done }) => done));
        return 'drained' as const;
      };
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        drained(),
        new Promise<'forced'>((resolve) => {
          timer = setTimeout(() => resolve('forced'), deadlineMs);
        }),
      ]);
      clearTimeout(timer);
      await this.worker.close(outcome === 'forced');
      return outcome;
    })();
    return this.closing;
  }
}
