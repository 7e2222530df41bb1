import { Injectable } from '@nestjs/common';
import type { SystemMetrics } from '@castline/contracts';
import { MetricsService } from '@castline/platform';
import { Gauge } from 'prom-client';

/**
 * The host snapshot as Prometheus gauges on the service's /metrics, in base units (bytes, ratios 0..1).
 * Rates absent from a snapshot (the first sample, a new interface) are left out rather than shown as 0.
 */
@Injectable()
export class HostMetricsExporter {
  private readonly cpuUsage: Gauge<'cpu'>;
  private readonly load: Record<'load1' | 'load5' | 'load15', Gauge>;
  private readonly memory: Gauge<'state'>;
  private readonly disk: Gauge<'mount' | 'state'>;
  private readonly network: Gauge<'interface' | 'direction'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.cpuUsage = new Gauge({
      name: 'castline_host_cpu_usage_ratio',
      help: 'Share of the last sampling interval the CPU was busy (0..1); cpu="total" is all cores together',
      labelNames: ['cpu'],
      registers,
    });
    const loadGauge = (minutes: number) =>
      new Gauge({ name: `castline_host_load${minutes}`, help: `Load average over ${minutes} minute(s)`, registers });
    this.load = { load1: loadGauge(1), load5: loadGauge(5), load15: loadGauge(15) };
    this.memory = new Gauge({
      name: 'castline_host_memory_bytes',
      help: 'Host memory: total, available (MemAvailable) and used (total - available)',
      labelNames: ['state'],
      registers,
    });
    this.disk = new Gauge({
      name: 'castline_host_disk_bytes',
      help: 'File system holding HLS_ROOT (mount="hls") and DATA_DIR (mount="data"): total, used, free to non-root',
      labelNames: ['mount', 'state'],
      registers,
    });
    this.network = new Gauge({
      name: 'castline_host_network_bytes_per_second',
      help: 'Bytes per second received (rx) and sent (tx) per network interface over the last sampling interval',
      labelNames: ['interface', 'direction'],
      registers,
    });
  }

  update(snapshot: SystemMetrics): void {
    // Reset the labelled gauges first so a core or interface that went away stops being reported.
    this.cpuUsage.reset();
    if (snapshot.cpu.usagePercent !== null) this.cpuUsage.set({ cpu: 'total' }, snapshot.cpu.usagePercent / 100);
    for (const { core, usagePercent } of snapshot.cpu.perCore) {
      if (usagePercent !== null) this.cpuUsage.set({ cpu: String(core) }, usagePercent / 100);
    }

    this.load.load1.set(snapshot.load.load1);
    this.load.load5.set(snapshot.load.load5);
    this.load.load15.set(snapshot.load.load15);

    this.memory.set({ state: 'total' }, snapshot.memory.totalBytes);
    this.memory.set({ state: 'available' }, snapshot.memory.availableBytes);
    this.memory.set({ state: 'used' }, snapshot.memory.usedBytes);

    for (const disk of snapshot.disks) {
      this.disk.set({ mount: disk.mount, state: 'total' }, disk.totalBytes);
      this.disk.set({ mount: disk.mount, state: 'used' }, disk.usedBytes);
      this.disk.set({ mount: disk.mount, state: 'free' }, disk.freeBytes);
    }

    this.network.reset();
    for (const { name, rxBytesPerSecond, txBytesPerSecond } of snapshot.network.interfaces) {
      if (rxBytesPerSecond !== null) this.network.set({ interface: name, direction: 'rx' }, rxBytesPerSecond);
      if (txBytesPerSecond !== null) this.network.set({ interface: name, direction: 'tx' }, txBytesPerSecond);
    }
  }
}
