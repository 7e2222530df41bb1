import { HttpStatus, Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ErrorCodes, type SystemMetrics } from '@castline/contracts';
import { AppError, CONFIG } from '@castline/platform';
import type { MonitoringConfig } from '../config';
import { HostMetricsExporter } from './host-metrics.exporter';
import { buildSnapshot, type HostSample } from './host-snapshot';
import { parseCpuStat, parseLoadAverage, parseMemInfo, parseNetDev, parseUptime } from './proc-parsers';
import { ProcFsRepository } from './procfs.repository';

/**
 * Samples the host every SYSTEM_SAMPLE_INTERVAL_MS (1 s) and keeps the snapshot built from the last two
 * samples, so a request is answered from memory. The first sample is taken during start-up: from then on
 * there is a snapshot, whose rates are null until the second sample a second later.
 */
@Injectable()
export class HostSampler implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(HostSampler.name);
  private previous: HostSample | undefined;
  private snapshot: SystemMetrics | undefined;
  private lastError: string | undefined;
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: MonitoringConfig,
    private readonly procFs: ProcFsRepository,
    private readonly exporter: HostMetricsExporter,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.sample();
    this.timer = setInterval(() => void this.sample(), this.config.SYSTEM_SAMPLE_INTERVAL_MS);
    // Sampling alone must not keep the process alive.
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** The latest snapshot; fails with 503 while the host cannot be read (no procfs, unreadable file). */
  latest(): SystemMetrics {
    if (this.snapshot) return this.snapshot;
    throw new AppError(
      ErrorCodes.serviceUnavailable,
      `Host metrics are not available: ${this.lastError ?? 'no sample yet'}`,
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }

  /** Reads the host once and updates the snapshot and the gauges. A sample already running is joined, not doubled. */
  sample(): Promise<void> {
    this.inFlight ??= this.takeSample().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async takeSample(): Promise<void> {
    try {
      const current = await this.read();
      this.snapshot = buildSnapshot(current, this.previous);
      this.previous = current;
      this.lastError = undefined;
      this.exporter.update(this.snapshot);
    } catch (error) {
      const message = (error as Error).message;
      // A stale snapshot would pass for a current one: answer 503 until the host can be read again.
      this.snapshot = undefined;
      // Log a failure once, not every second.
      if (message !== this.lastError) this.logger.warn(`host sample failed: ${message}`);
      this.lastError = message;
    }
  }

  private async read(): Promise<HostSample> {
    const [stat, loadavg, meminfo, netDev, uptime, disks] = await Promise.all([
      this.procFs.read('stat'),
      this.procFs.read('loadavg'),
      this.procFs.read('meminfo'),
      this.procFs.read('net/dev'),
      this.procFs.read('uptime'),
      this.procFs.readDisks(),
    ]);
    return {
      monotonicMs: performance.now(),
      sampledAt: new Date(),
      uptimeSeconds: parseUptime(uptime),
      cpu: parseCpuStat(stat),
      load: parseLoadAverage(loadavg),
      memory: parseMemInfo(meminfo),
      network: parseNetDev(netDev),
      disks,
    };
  }
}
