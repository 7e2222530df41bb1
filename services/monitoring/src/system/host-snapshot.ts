import type { DiskUsage, NetworkInterface, SystemMetrics } from '@castline/contracts';
import type { CpuJiffies, CpuStat, LoadAverage, MemInfo, NetDevCounters } from './proc-parsers';

/** statfs of one configured path (or its nearest existing parent). */
export interface DiskReading {
  mount: DiskUsage['mount'];
  path: string;
  measuredPath: string;
  blockSize: number;
  blocks: number;
  /** Free blocks, including those reserved for root. */
  blocksFree: number;
  /** Free blocks an unprivileged process may use. */
  blocksAvailable: number;
}

/** Everything read from the host at one moment; a snapshot compares two of these. */
export interface HostSample {
  /** Monotonic clock (ms) at the read, so a wall-clock jump cannot distort rates. */
  monotonicMs: number;
  sampledAt: Date;
  uptimeSeconds: number;
  cpu: CpuStat;
  load: LoadAverage;
  memory: MemInfo;
  network: NetDevCounters[];
  disks: DiskReading[];
}

const LOOPBACK = 'lo';

const roundTo = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;
const percentOf = (part: number, whole: number) => (whole > 0 ? roundTo((part / whole) * 100, 2) : 0);

/**
 * Share of the interval a CPU was busy (total - idle - iowait), 0..100. A total that did not advance or went
 * backwards means the counters were reset (CPU hotplug, a new procfs after a container restart): 0 for that
 * interval. iowait alone may step backwards on tickless kernels, so idle time is clamped into 0..total.
 */
export function cpuUsagePercent(previous: CpuJiffies, current: CpuJiffies): number {
  const total = current.total - previous.total;
  if (total <= 0) return 0;
  const idle = Math.min(Math.max(current.idle - previous.idle, 0), total);
  return percentOf(total - idle, total);
}

/**
 * Per-second rate of a counter. A counter below its previous value was reset (32-bit wrap, interface
 * re-created, container restart); the true amount is unknowable, so the interval counts as 0 rather than
 * as a negative rate or a spike. Null when there is no previous value to compare with.
 */
export function counterRate(previous: number | undefined, current: number, seconds: number): number | null {
  if (previous === undefined || seconds <= 0) return null;
  const delta = current - previous;
  return delta >= 0 ? roundTo(delta / seconds, 1) : 0;
}

/** As `df`: used = all blocks minus free ones; free = what a non-root writer gets; % = used / (used + free). */
export function diskUsage(reading: DiskReading): DiskUsage {
  const totalBytes = reading.blocks * reading.blockSize;
  const freeBytes = reading.blocksAvailable * reading.blockSize;
  const usedBytes = Math.max(reading.blocks - reading.blocksFree, 0) * reading.blockSize;
  return {
    mount: reading.mount,
    path: reading.path,
    measuredPath: reading.measuredPath,
    pathExists: reading.path === reading.measuredPath,
    totalBytes,
    freeBytes,
    usedBytes,
    usedPercent: percentOf(usedBytes, usedBytes + freeBytes),
  };
}

function networkInterfaces(current: HostSample, previous: HostSample | undefined, seconds: number): NetworkInterface[] {
  const before = new Map(previous?.network.map((counters) => [counters.name, counters]));
  return current.network.map((counters) => {
    const earlier = before.get(counters.name);
    return {
      ...counters,
      rxBytesPerSecond: counterRate(earlier?.rxBytes, counters.rxBytes, seconds),
      txBytesPerSecond: counterRate(earlier?.txBytes, counters.txBytes, seconds),
    };
  });
}

/** Sum over real interfaces; an interface without a rate yet (just appeared) adds nothing. */
function externalTotal(interfaces: NetworkInterface[], rate: (i: NetworkInterface) => number | null): number {
  return roundTo(
    interfaces.filter((i) => i.name !== LOOPBACK).reduce((sum, i) => sum + (rate(i) ?? 0), 0),
    1,
  );
}

/**
 * The reply of `monitoring.system`: levels from the current sample, rates over the interval since the
 * previous one. Without a previous sample (the first second after start) every rate is null.
 */
export function buildSnapshot(current: HostSample, previous?: HostSample): SystemMetrics {
  const seconds = previous ? (current.monotonicMs - previous.monotonicMs) / 1000 : 0;
  const comparable = previous !== undefined && seconds > 0 ? previous : undefined;
  const coresBefore = new Map(comparable?.cpu.cores.map((core) => [core.core, core]));
  const interfaces = networkInterfaces(current, comparable, seconds);
  const { memory } = current;
  const usedMemory = Math.max(memory.totalBytes - memory.availableBytes, 0);
  return {
    sampledAt: current.sampledAt.toISOString(),
    intervalSeconds: comparable ? roundTo(seconds, 3) : null,
    uptimeSeconds: current.uptimeSeconds,
    cpu: {
      cores: Math.max(current.cpu.cores.length, 1),
      usagePercent: comparable ? cpuUsagePercent(comparable.cpu.total, current.cpu.total) : null,
      perCore: current.cpu.cores.map((core) => {
        const before = coresBefore.get(core.core);
        return { core: core.core, usagePercent: before ? cpuUsagePercent(before, core) : null };
      }),
    },
    load: current.load,
    memory: {
      totalBytes: memory.totalBytes,
      availableBytes: memory.availableBytes,
      usedBytes: usedMemory,
      usedPercent: percentOf(usedMemory, memory.totalBytes),
      buffersBytes: memory.buffersBytes,
      cachedBytes: memory.cachedBytes,
      swapTotalBytes: memory.swapTotalBytes,
      swapFreeBytes: memory.swapFreeBytes,
    },
    disks: current.disks.map(diskUsage),
    network: {
      interfaces,
      rxBytesPerSecond: comparable ? externalTotal(interfaces, (i) => i.rxBytesPerSecond) : null,
      txBytesPerSecond: comparable ? externalTotal(interfaces, (i) => i.txBytesPerSecond) : null,
    },
  };
}
