import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import path from 'node:path';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Events } from '@castline/contracts';
import { CONFIG, EventBus, HealthService, MetricsService } from '@castline/platform';
import { Counter, Gauge } from 'prom-client';
import type { TrafficLoggerConfig } from '../config';
import { droppedCounter } from '../enrichment/bots';
import { Enricher } from '../enrichment/enricher';
import { GeoIp } from '../enrichment/geoip';
import { accessRows } from '../pipeline/access-rows';
import { IngestBuffer } from '../pipeline/ingest-buffer';
import { SpillRepository } from '../spill/spill.repository';
import { SpillService } from '../spill/spill.service';
import { TRAFFIC_STORE } from '../store/store.provider';
import type { ChannelMinute, TrafficStore } from '../store/traffic-store';
import { ChannelMinutes } from '../viewers/channel-minutes';
import { ViewerCounter } from '../viewers/viewer-counter';
import { FileTailer, type TailBatch } from './file-tailer';
import { routeMedia } from './media-route';
import { type TailCheckpoint, TailStateRepository } from './tail-state.repository';

/**
 * Tails TRAFFIC_ACCESS_LOG (one process per file holds the lease): stores its requests and folded segment hits
 * through the ingest buffer (checkpoint in the same transaction, resumed from the store), counts live viewers and
 * publishes them on `traffic.viewers` every TRAFFIC_VIEWERS_INTERVAL_MS while it holds the lease (a standby
 * would publish an empty count under the same source).
 */
@Injectable()
export class AccessLogService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(AccessLogService.name);
  private tailer: FileTailer | null = null;
  private readonly viewers: ViewerCounter;
  /** Per-minute channel audience (the 24 h chart), written as minutes close. */
  private readonly minutes: ChannelMinutes;
  private pendingMinutes: ChannelMinute[] = [];
  private readonly ingest: IngestBuffer;
  private enricher: Enricher | undefined;
  private readonly geoMissing: Gauge<'db'>;
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  private timer: NodeJS.Timeout | undefined;
  private readonly lines: Counter<'outcome'>;
  private readonly dropped: Counter<'reason'>;

  constructor(
    @Inject(CONFIG) private readonly config: TrafficLoggerConfig,
    private readonly state: TailStateRepository,
    private readonly bus: EventBus,
    @Inject(TRAFFIC_STORE) private readonly store: TrafficStore,
    private readonly spill: SpillRepository,
    spillService: SpillService,
    metrics: MetricsService,
    private readonly health: HealthService,
  ) {
    this.viewers = new ViewerCounter(config.TRAFFIC_VIEWER_WINDOW_S * 1000);
    this.minutes = new ChannelMinutes(this.source);
    this.ingest = new IngestBuffer(store, {
      flushRows: config.TRAFFIC_FLUSH_ROWS,
      flushMs: config.TRAFFIC_FLUSH_MS,
      capacity: config.TRAFFIC_BUFFER_CAPACITY,
      onFlushError: (error) => this.logger.warn(`storing traffic failed, kept for the next try: ${(error as Error).message}`),
      onFenced: () => this.logger.warn('another traffic-logger took the access log over: unwritten rows left to it'),
      spill,
      onSpilled: (error) => this.logger.warn(`storing traffic failed, the batch waits in the Redis spill: ${(error as Error).message}`),
    });
    const registers = [metrics.registry];
    this.lines = new Counter({ name: 'castline_traffic_log_lines_total', help: 'Access-log lines read, by outcome', labelNames: ['outcome'], registers });
    this.dropped = droppedCounter(metrics.registry);
    this.geoMissing = new Gauge({
      name: 'castline_traffic_geoip_missing',
      help: '1 while a configured GeoIP database (city, asn) is missing: geo columns stay null',
      labelNames: ['db'],
      registers,
    });
    const lagBytes = () => this.tailer?.lagBytes ?? 0;
    const depth = () => this.ingest.depth;
    const spilled = () => spillService.depth;
    new Gauge({
      name: 'castline_traffic_queue_depth',
      help: 'Rows waiting to be stored, by stage',
      labelNames: ['stage'],
      registers,
      collect() {
        this.set({ stage: 'buffer' }, depth());
        this.set({ stage: 'spill' }, spilled());
      },
    });
    new Gauge({
      name: 'castline_traffic_log_lag_bytes',
      help: 'Bytes of the access log not yet committed by this tailer',
      registers,
      collect() {
        this.set(lagBytes());
      },
    });
  }

  /** The access log's name in Redis keys and events. */
  get source(): string {
    return path.resolve(this.config.TRAFFIC_ACCESS_LOG ?? '-');
  }

  async onModuleInit(): Promise<void> {
    const geo = await GeoIp.open({ cityDb: this.config.TRAFFIC_GEOIP_CITY_DB, asnDb: this.config.TRAFFIC_GEOIP_ASN_DB });
    for (const db of ['city', 'asn']) this.geoMissing.set({ db }, geo.problems.some((problem) => problem.db === db) ? 1 : 0);
    if (geo.missing.length > 0) this.logger.warn(`GeoIP ${geo.missing.join(' and ')} database missing (TRAFFIC_GEOIP_*_DB): those columns stay null`);
    const configured = Boolean(this.config.TRAFFIC_GEOIP_CITY_DB || this.config.TRAFFIC_GEOIP_ASN_DB);
    // A configured database that is missing or unreadable: working, without geo columns.
    const reason = geo.problems.map((problem) => `GeoIP ${problem.db} database: ${problem.reason}`).join('; ');
    if (configured) {
      this.health.addCheck(async () => (reason ? { name: 'geoip', status: 'degraded', latencyMs: 0, error: reason } : { name: 'geoip', status: 'up', latencyMs: 0 }));
    }
    this.enricher = new Enricher({ geo, botRowsPerMinute: this.config.TRAFFIC_BOT_ROWS_PER_MINUTE });
    const file = this.config.TRAFFIC_ACCESS_LOG;
    if (!file) {
      this.logger.warn('TRAFFIC_ACCESS_LOG is not set: no access log is tailed, viewers stay unknown');
      return;
    }
    this.tailer = new FileTailer({
      file,
      source: this.source,
      owner: this.owner,
      state: this.state,
      onBatch: async (batch, after) => this.handle(batch, after),
      loadCheckpoint: () => this.resumeAt(),
      onResume: () => this.ingest.discard(),
      onError: (error) => this.logger.error(error, `tailing ${file} failed`),
      pollMs: this.config.TRAFFIC_TAIL_POLL_MS,
      leaseMs: this.config.TRAFFIC_TAIL_LEASE_MS,
      rotateGraceMs: this.config.TRAFFIC_ROTATE_GRACE_MS,
    });
    this.tailer.start();
    this.timer = setInterval(() => this.publishViewers(), this.config.TRAFFIC_VIEWERS_INTERVAL_MS);
  }

  /** Before any connection closes (the store's pool closes at onApplicationShutdown): stop reading, flush. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.tailer?.stop();
    await this.ingest.close().catch((error: unknown) => this.logger.error(error, 'the final traffic flush failed: its lines are read again at the next start'));
  }

  /**
   * Takes the source over in Postgres (fencing the previous owner) and resumes after its newest batch that is
   * stored or waits in the spill: lines are neither skipped nor read twice. The spill first: once it has none
   * of this log's batches, the drainer no longer moves Postgres's checkpoint, so reading that second is current.
   */
  private async resumeAt(): Promise<TailCheckpoint | null> {
    const spilled = await this.spill.checkpointOf(this.source);
    const stored = await this.store.claimSource(this.source, this.owner);
    return spilled ?? stored;
  }

  private async handle(batch: TailBatch, after: TailCheckpoint): Promise<void> {
    this.lines.inc({ outcome: 'parsed' }, batch.entries.length);
    if (batch.rejected.length > 0) {
      this.lines.inc({ outcome: 'rejected' }, batch.rejected.length);
      this.dropped.inc({ reason: 'bad_line' }, batch.rejected.length);
    }
    for (const entry of batch.entries) {
      const route = routeMedia(entry.uri);
      if (route?.kind === 'live') {
        this.viewers.observe(entry, route);
        this.minutes.observe(entry, route);
      }
    }
    const rows = accessRows(batch.entries, {
      ipSecret: this.config.TRAFFIC_IP_SECRET,
      storeRawIp: this.config.TRAFFIC_STORE_RAW_IP,
      logSegments: this.config.TRAFFIC_LOG_SEGMENTS,
      enricher: this.enricher,
    });
    for (const [reason, count] of Object.entries(rows.dropped)) this.dropped.inc({ reason }, count);
    await this.ingest.add(rows, { source: this.source, owner: this.owner, ...after });
  }

  /** Stores the minutes that closed; kept for the next try while the store is down. */
  private async writeMinutes(): Promise<void> {
    const minutes = [...this.pendingMinutes, ...this.minutes.takeClosed()];
    this.pendingMinutes = [];
    try {
      await this.store.writeChannelMinutes(minutes);
    } catch (error) {
      this.pendingMinutes = minutes.slice(-10_000);
      this.logger.warn(`storing channel minutes failed, kept for the next try: ${(error as Error).message}`);
    }
  }

  private publishViewers(): void {
    if (!this.tailer?.leader) return;
    void this.writeMinutes();
    try {
      this.bus.publish(Events.trafficViewers, {
        source: this.source,
        windowSeconds: this.config.TRAFFIC_VIEWER_WINDOW_S,
        sampledAt: new Date().toISOString(),
        channels: this.viewers.snapshot(),
      });
    } catch (error) {
      this.logger.error(error, 'publishing traffic.viewers failed');
    }
  }
}
