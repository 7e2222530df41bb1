import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { QueueName, QueuePayloads } from '@castline/contracts';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { BaseConfig } from '../config';
import { CONFIG } from '../tokens';
import { type JobHandler, JobProcessor, type ProcessOptions } from './job-processor';
import { JobQueue } from './job-queue';
import { JobMetrics } from './job-metrics';

export type JobsConfig = Pick<BaseConfig, 'REDIS_URL' | 'REDIS_KEY_PREFIX'>;

/**
 * BullMQ needs its own connection: no ioredis key prefix (BullMQ has its own) and blocking commands that never
 * give up, so a worker that loses Redis reconnects instead of failing its jobs.
 */
export function jobConnection(config: Pick<BaseConfig, 'REDIS_URL'>): Redis {
  return new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, connectionName: `castline-jobs-${process.pid}` });
}

/** Every BullMQ key of this install (or test file) sits under REDIS_KEY_PREFIX like the rest of our keys. */
export const jobPrefix = (config: Pick<BaseConfig, 'REDIS_KEY_PREFIX'>) => `${config.REDIS_KEY_PREFIX}bull`;

/**
 * The job module of a process: one Redis connection and key prefix for all its queues, typed producers
 * (`queue(name)`) apart from processors (`process(name, handler)`). In a Nest service it is a provider
 * (closed on shutdown); a worker process gets one from `startWorkerProcess`.
 */
@Injectable()
export class Jobs implements OnApplicationShutdown {
  readonly prefix: string;
  private readonly connection: Redis;
  private readonly queues = new Map<QueueName, JobQueue<QueueName>>();
  private readonly processors = new Set<JobProcessor<QueueName>>();
  private metrics?: JobMetrics;
  private closed?: Promise<void>;

  constructor(@Inject(CONFIG) config: JobsConfig) {
    this.connection = jobConnection(config);
    this.prefix = jobPrefix(config);
  }

  /** Counts jobs of every processor created from now on into this registry. */
  instrument(registry: Registry): void {
    this.metrics ??= new JobMetrics(registry);
  }

  /** The producer of a queue (one per queue and process). */
  queue<N extends QueueName>(name: N): JobQueue<N> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new JobQueue(name, new Queue<QueuePayloads[N]>(name, { connection: this.connection, prefix: this.prefix })) as unknown as JobQueue<QueueName>;
      this.queues.set(name, queue);
    }
    return queue as unknown as JobQueue<N>;
  }

  /** Starts consuming a queue; resolves once the processor listens. */
  async process<N extends QueueName>(name: N, handler: JobHandler<N>, options: ProcessOptions<N> = {}): Promise<JobProcessor<N>> {
    const processor = new JobProcessor(name, handler, this.connection, this.prefix, options, this.metrics);
    this.processors.add(processor as unknown as JobProcessor<QueueName>);
    return processor.ready();
  }

  /** Redis round trip of the shared connection, for health checks. */
  ping(): Promise<string> {
    return this.connection.ping();
  }

  /** Closes every processor (handing running jobs back within `deadlineMs`), then the queues and the connection. */
  close(deadlineMs?: number): Promise<void> {
    this.closed ??= (async () => {
      await Promise.all([...this.processors].map((processor) => processor.close(deadlineMs)));
      await Promise.all([...this.queues.values()].map((queue) => queue.close()));
      await this.connection.quit().catch(() => this.connection.disconnect());
    })();
    return this.closed;
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}
