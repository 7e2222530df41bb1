import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCpuStat, parseLoadAverage, parseMemInfo, parseNetDev, parseUptime } from './proc-parsers';

/** Copied from a 2-core Debian 12 VM (kernel 6.x, 10 cpu columns, no swap). */
const fixture = (file: string) => readFileSync(path.join(__dirname, '../../test/fixtures/proc', file), 'utf8');

/** A 4-core machine on an old kernel: 7 cpu columns (no steal/guest), no MemAvailable, swap in use. */
const OLD_KERNEL_STAT = `cpu  209841 1554 21720 118519346 72939 154 27168
cpu0 42536 798 4841 14790880 14778 124 3117
cpu1 24184 569 3875 14794524 30209 29 3130
cpu2 28616 11 2182 14818198 4020 1 3493
cpu3 35350 6 2942 14811519 3045 0 3659
intr 354133732 347209999 2272 0 4 4 0 0 3 1 1249247 0 0 80143 0 422626 5169433
ctxt 12547729
btime 1093631447
processes 130523
procs_running 1
procs_blocked 0
`;
const OLD_KERNEL_MEMINFO = `MemTotal:      1019452 kB
MemFree:        904280 kB
Buffers:         23716 kB
Cached:          55848 kB
SwapCached:          0 kB
SwapTotal:     2064376 kB
SwapFree:      1064376 kB
HugePages_Total:     0
`;
const OLD_KERNEL_NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:  1000212     738    0    0    0     0          0         0  1000212     738    0    0    0     0       0          0
  eth0:4294967200 12992    3    7    0     0          0         0   996365    8726    1    2    0     0       0          0
`;

describe('parseCpuStat', () => {
  it('reads the aggregate line and one line per core (2-core machine)', () => {
    const stat = parseCpuStat(fixture('stat'));
    expect(stat.cores.map((core) => core.core)).toEqual([0, 1]);
    // cpu  101792 56 28411 527764 1532 0 1808 30 0 0
    expect(stat.total).toEqual({ total: 101792 + 56 + 28411 + 527764 + 1532 + 0 + 1808 + 30, idle: 527764 + 1532 });
    // cpu1 55357 37 15343 256744 1355 0 1113 20 0 0
    expect(stat.cores[1]).toEqual({ core: 1, total: 55357 + 37 + 15343 + 256744 + 1355 + 1113 + 20, idle: 256744 + 1355 });
  });

  it('reads kernels with fewer columns (4 cores, 7 columns)', () => {
    const stat = parseCpuStat(OLD_KERNEL_STAT);
    expect(stat.cores).toHaveLength(4);
    expect(stat.cores[2]).toEqual({ core: 2, total: 28616 + 11 + 2182 + 14818198 + 4020 + 1 + 3493, idle: 14818198 + 4020 });
  });

  it('leaves guest time out of the total (already counted in user and nice)', () => {
    const stat = parseCpuStat('cpu  100 0 0 900 0 0 0 0 50 0\ncpu0 100 0 0 900 0 0 0 0 50 0\n');
    expect(stat.total).toEqual({ total: 1000, idle: 900 });
  });

  it('orders cores by number and refuses a file without the aggregate line', () => {
    expect(parseCpuStat('cpu 2 0 0 2 0\ncpu10 1 0 0 1 0\ncpu2 1 0 0 1 0\n').cores.map((c) => c.core)).toEqual([2, 10]);
    expect(() => parseCpuStat('cpu0 1 2 3 4\n')).toThrow('no aggregate "cpu" line');
    expect(() => parseCpuStat('cpu  1 x 3 4\n')).toThrow('"x" is not a number');
  });
});

describe('parseLoadAverage', () => {
  it('reads the three averages', () => {
    expect(parseLoadAverage(fixture('loadavg'))).toEqual({ load1: 0.98, load5: 1.15, load15: 0.85 });
    expect(() => parseLoadAverage('')).toThrow();
  });
});

describe('parseMemInfo', () => {
  it('reads MemTotal, MemAvailable, Buffers, Cached and swap in bytes', () => {
    expect(parseMemInfo(fixture('meminfo'))).toEqual({
      totalBytes: 24684084 * 1024,
      availableBytes: 23812320 * 1024,
      buffersBytes: 22996 * 1024,
      cachedBytes: 1328224 * 1024,
      swapTotalBytes: 0,
      swapFreeBytes: 0,
    });
  });

  it('estimates available memory on kernels without MemAvailable', () => {
    expect(parseMemInfo(OLD_KERNEL_MEMINFO)).toEqual({
      totalBytes: 1019452 * 1024,
      availableBytes: (904280 + 23716 + 55848) * 1024,
      buffersBytes: 23716 * 1024,
      cachedBytes: 55848 * 1024,
      swapTotalBytes: 2064376 * 1024,
      swapFreeBytes: 1064376 * 1024,
    });
    expect(() => parseMemInfo('MemFree: 1 kB\n')).toThrow('no MemTotal');
  });
});

describe('parseNetDev', () => {
  it('lists every interface with its counters, loopback included', () => {
    const interfaces = parseNetDev(fixture('net/dev'));
    expect(interfaces.map((i) => i.name)).toEqual(['lo', 'ifb0', 'ifb1', 'eth0']);
    expect(interfaces[3]).toEqual({
      name: 'eth0',
      rxBytes: 2160022209,
      rxPackets: 62930,
      rxErrors: 0,
      rxDrops: 0,
      txBytes: 6834162,
      txPackets: 42146,
      txErrors: 0,
      txDrops: 0,
    });
  });

  it('reads a counter glued to the colon and the errors and drops columns', () => {
    const eth0 = parseNetDev(OLD_KERNEL_NET_DEV)[1]!;
    expect(eth0).toMatchObject({ rxBytes: 4294967200, rxErrors: 3, rxDrops: 7, txBytes: 996365, txErrors: 1, txDrops: 2 });
    expect(() => parseNetDev('  eth0: 1 2 3\n')).toThrow('expected 16');
  });
});

describe('parseUptime', () => {
  it('reads seconds since boot', () => {
    expect(parseUptime(fixture('uptime'))).toBe(3326.8);
    expect(() => parseUptime('\n')).toThrow();
  });
});
