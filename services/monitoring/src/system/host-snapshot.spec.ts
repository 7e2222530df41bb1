import { SystemMetricsSchema } from '@castline/contracts';
import { buildSnapshot, counterRate, cpuUsagePercent, diskUsage, type DiskReading, type HostSample } from './host-snapshot';
import type { NetDevCounters } from './proc-parsers';

const disk: DiskReading = {
  mount: 'hls',
  path: '/dev/shm/castline/hls',
  measuredPath: '/dev/shm',
  blockSize: 4096,
  blocks: 1000,
  blocksFree: 300,
  blocksAvailable: 250,
};

function netDev(name: string, rxBytes: number, txBytes: number): NetDevCounters {
  return { name, rxBytes, txBytes, rxPackets: 0, txPackets: 0, rxErrors: 0, txErrors: 0, rxDrops: 0, txDrops: 0 };
}

function sample(overrides: Partial<HostSample> & { atSeconds: number }): HostSample {
  const { atSeconds, ...rest } = overrides;
  return {
    monotonicMs: atSeconds * 1000,
    sampledAt: new Date(Date.UTC(2026, 0, 1) + atSeconds * 1000),
    uptimeSeconds: 1000 + atSeconds,
    cpu: { total: { total: 0, idle: 0 }, cores: [] },
    load: { load1: 0.5, load5: 0.25, load15: 0.1 },
    memory: {
      totalBytes: 8 * 2 ** 30,
      availableBytes: 6 * 2 ** 30,
      buffersBytes: 0,
      cachedBytes: 2 ** 30,
      swapTotalBytes: 0,
      swapFreeBytes: 0,
    },
    network: [],
    disks: [disk],
    ...rest,
  };
}

describe('cpuUsagePercent', () => {
  it('is busy (total - idle - iowait) over the interval', () => {
    expect(cpuUsagePercent({ total: 1000, idle: 800 }, { total: 1100, idle: 825 })).toBe(75);
    expect(cpuUsagePercent({ total: 1000, idle: 800 }, { total: 1100, idle: 900 })).toBe(0);
    expect(cpuUsagePercent({ total: 1000, idle: 800 }, { total: 1100, idle: 800 })).toBe(100);
  });

  it('stays within 0..100 when idle steps backwards or runs ahead of the total', () => {
    // iowait is known to decrease on tickless kernels.
    expect(cpuUsagePercent({ total: 1000, idle: 800 }, { total: 1100, idle: 790 })).toBe(100);
    expect(cpuUsagePercent({ total: 1000, idle: 800 }, { total: 1100, idle: 950 })).toBe(0);
  });

  it('is 0 for an interval in which the counters were reset or did not move', () => {
    expect(cpuUsagePercent({ total: 1000, idle: 800 }, { total: 40, idle: 10 })).toBe(0);
    expect(cpuUsagePercent({ total: 1000, idle: 800 }, { total: 1000, idle: 800 })).toBe(0);
  });
});

describe('counterRate', () => {
  it('is the increase per second', () => {
    expect(counterRate(1_000, 3_000, 2)).toBe(1_000);
    expect(counterRate(1_000, 1_000, 1)).toBe(0);
  });

  it('is never negative: a counter that went backwards counts as a reset, 0 for that interval', () => {
    expect(counterRate(4_294_967_000, 200, 1)).toBe(0); // 32-bit wrap
    expect(counterRate(10_000_000, 0, 1)).toBe(0); // interface re-created
  });

  it('is null without a previous value', () => {
    expect(counterRate(undefined, 500, 1)).toBeNull();
  });
});

describe('diskUsage', () => {
  it('computes bytes as df does and says when the configured path is missing', () => {
    expect(diskUsage(disk)).toEqual({
      mount: 'hls',
      path: '/dev/shm/castline/hls',
      measuredPath: '/dev/shm',
      pathExists: false,
      totalBytes: 1000 * 4096,
      freeBytes: 250 * 4096,
      usedBytes: 700 * 4096,
      usedPercent: 73.68, // 700 / (700 + 250)
    });
    expect(diskUsage({ ...disk, measuredPath: disk.path }).pathExists).toBe(true);
  });
});

describe('buildSnapshot', () => {
  const first = sample({
    atSeconds: 0,
    cpu: {
      total: { total: 2000, idle: 1500 },
      cores: [
        { core: 0, total: 1000, idle: 700 },
        { core: 1, total: 1000, idle: 800 },
      ],
    },
    network: [netDev('lo', 5_000, 5_000), netDev('eth0', 10_000, 2_000)],
  });
  const second = sample({
    atSeconds: 2,
    cpu: {
      total: { total: 2400, idle: 1700 },
      cores: [
        { core: 0, total: 1200, idle: 750 },
        { core: 1, total: 1200, idle: 950 },
      ],
    },
    network: [netDev('lo', 9_000, 9_000), netDev('eth0', 30_000, 3_000), netDev('wg0', 100, 100)],
  });

  it('has levels but null rates from a single sample', () => {
    const snapshot = buildSnapshot(first);
    expect(SystemMetricsSchema.parse(snapshot)).toEqual(snapshot);
    expect(snapshot.intervalSeconds).toBeNull();
    expect(snapshot.cpu).toEqual({
      cores: 2,
      usagePercent: null,
      perCore: [
        { core: 0, usagePercent: null },
        { core: 1, usagePercent: null },
      ],
    });
    expect(snapshot.network.rxBytesPerSecond).toBeNull();
    expect(snapshot.network.interfaces.every((i) => i.rxBytesPerSecond === null && i.txBytesPerSecond === null)).toBe(true);
    expect(snapshot.memory).toMatchObject({ totalBytes: 8 * 2 ** 30, usedBytes: 2 * 2 ** 30, usedPercent: 25 });
    expect(snapshot.load).toEqual({ load1: 0.5, load5: 0.25, load15: 0.1 });
  });

  it('computes CPU and network rates over two samples', () => {
    const snapshot = buildSnapshot(second, first);
    expect(SystemMetricsSchema.parse(snapshot)).toEqual(snapshot);
    expect(snapshot.intervalSeconds).toBe(2);
    expect(snapshot.sampledAt).toBe('2026-01-01T00:00:02.000Z');
    expect(snapshot.cpu.usagePercent).toBe(50); // (400 - 200) / 400
    expect(snapshot.cpu.perCore).toEqual([
      { core: 0, usagePercent: 75 }, // (200 - 50) / 200
      { core: 1, usagePercent: 25 }, // (200 - 150) / 200
    ]);
    const byName = Object.fromEntries(snapshot.network.interfaces.map((i) => [i.name, i]));
    expect(byName.lo).toMatchObject({ rxBytesPerSecond: 2_000, txBytesPerSecond: 2_000 });
    expect(byName.eth0).toMatchObject({ rxBytes: 30_000, rxBytesPerSecond: 10_000, txBytesPerSecond: 500 });
    // wg0 appeared in this sample: no rate yet, and it adds nothing to the totals.
    expect(byName.wg0).toMatchObject({ rxBytesPerSecond: null, txBytesPerSecond: null });
    // Totals leave loopback out.
    expect(snapshot.network).toMatchObject({ rxBytesPerSecond: 10_000, txBytesPerSecond: 500 });
  });

  it('never gives a negative rate when counters go backwards, and keeps every CPU % within 0..100', () => {
    const restarted = sample({
      atSeconds: 3,
      cpu: {
        total: { total: 50, idle: 10 },
        cores: [
          { core: 0, total: 25, idle: 5 },
          { core: 1, total: 1300, idle: 940 },
        ],
      },
      network: [netDev('lo', 10, 10), netDev('eth0', 1_000, 2_900)],
    });
    const snapshot = buildSnapshot(restarted, second);
    expect(SystemMetricsSchema.parse(snapshot)).toEqual(snapshot);
    for (const i of snapshot.network.interfaces) {
      expect(i.rxBytesPerSecond).toBe(0);
      expect(i.txBytesPerSecond).toBe(0);
    }
    expect(snapshot.network).toMatchObject({ rxBytesPerSecond: 0, txBytesPerSecond: 0 });
    expect(snapshot.cpu.usagePercent).toBe(0);
    expect(snapshot.cpu.perCore).toEqual([
      { core: 0, usagePercent: 0 },
      { core: 1, usagePercent: 100 }, // idle went backwards while the total moved on: fully busy, not 110%
    ]);
  });

  it('compares cores by number, so a core that went offline or came back gets no bogus rate', () => {
    const fewerCores = sample({ atSeconds: 1, cpu: { total: second.cpu.total, cores: [second.cpu.cores[1]!] } });
    const snapshot = buildSnapshot(second, fewerCores);
    expect(snapshot.cpu.perCore).toEqual([
      { core: 0, usagePercent: null },
      { core: 1, usagePercent: 0 },
    ]);
  });
});
