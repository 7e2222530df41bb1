import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { CONFIG, MetricsService } from '@castline/platform';
import { Gauge } from 'prom-client';
import type { TrafficLoggerConfig } from '../config';
import { TRAFFIC_STORE } from '../store/store.provider';
import type { TrafficStore } from '../store/traffic-store';
import { SpillRepository } from './spill.repository';

/** Entries and rows stored per drain transaction. */
const DRAIN_ENTRIES = 500;
const DRAIN_ROWS = 10_000;
const LOCK_MS = 15_000;

/**
 * Drains `traffic:spill` into the store once Postgres answers again: the oldest entries first, a transaction at
 * a time (stored with the last entry's id, so a crash before the XDEL skips them next time), then deletes them.
 * One drainer across replicas (a Redis lock). Its `depth` (rows waiting) feeds castline_traffic_spill_depth and
 * the ingest side's backpressure.
 */
@Injectable()
export class SpillService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(SpillService.name);
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private waiting = 0;
  private failingSince: number | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: TrafficLoggerConfig,
    private readonly spill: SpillRepository,
    @Inject(TRAFFIC_STORE) private readonly store: TrafficStore,
    metrics: MetricsService,
  ) {
    const depth = () => this.waiting;
    new Gauge({
      name: 'castline_traffic_spill_depth',
      help: 'Rows waiting in the Redis spill (traffic:spill) for Postgres',
      registers: [metrics.registry],
      collect() {
        this.set(depth());
      },
    });
  }

  /** Rows in the spill at the last look (every TRAFFIC_SPILL_DRAIN_MS). */
  get depth(): number {
    return this.waiting;
  }

  onModuleInit(): void {
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.spill.releaseDrainLock(this.owner).catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let drained = false;
      try {
        this.waiting = await this.spill.depth();
        if (this.waiting > 0 && (await this.spill.holdDrainLock(this.owner, LOCK_MS))) drained = await this.drainOnce();
      } catch (error) {
        this.failing(error);
      }
      if (!drained && !this.stopped) await sleep(this.config.TRAFFIC_SPILL_DRAIN_MS);
    }
  }

  /** Stores and deletes the oldest entries; false when there were none. */
  private async drainOnce(): Promise<boolean> {
    const read = await this.spill.oldest(DRAIN_ENTRIES, DRAIN_ROWS);
    if (read.entries.length === 0) return false;
    await this.store.writeSpilled(read.entries);
    await this.spill.remove(read);
    this.waiting = Math.max(0, this.waiting - read.rows);
    if (this.failingSince !== null) {
      this.logger.log(`the store answers again after ${Math.round((Date.now() - this.failingSince) / 1000)} s: draining the spill`);
      this.failingSince = null;
    }
    return true;
  }

  /** Logged once per outage, not once per try. */
  private failing(error: unknown): void {
    if (this.failingSince !== null) return;
    this.failingSince = Date.now();
    this.logger.warn(`draining the traffic spill failed, retried every ${this.config.TRAFFIC_SPILL_DRAIN_MS} ms: ${(error as Error).message}`);
  }
}
