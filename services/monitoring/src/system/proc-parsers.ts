/**
 * Parsers for the procfs files host metrics come from. Pure: text in, numbers out, so they are tested on
 * fixture text copied from real machines. Counters are kept as the kernel reports them (since boot or
 * since the interface came up); rates are computed elsewhere from two samples.
 */

/** Jiffies a CPU spent, since boot. `idle` includes iowait: time the CPU had nothing to run. */
export interface CpuJiffies {
  total: number;
  idle: number;
}

export interface CpuStat {
  /** The aggregate "cpu" line: all cores together. */
  total: CpuJiffies;
  /** One entry per "cpuN" line, ordered by N (offline cores have no line). */
  cores: Array<CpuJiffies & { core: number }>;
}

export interface LoadAverage {
  load1: number;
  load5: number;
  load15: number;
}

export interface MemInfo {
  totalBytes: number;
  availableBytes: number;
  buffersBytes: number;
  cachedBytes: number;
  swapTotalBytes: number;
  swapFreeBytes: number;
}

export interface NetDevCounters {
  name: string;
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDrops: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDrops: number;
}

function numbers(fields: string[], file: string): number[] {
  return fields.map((field) => {
    const value = Number(field);
    if (field === '' || !Number.isFinite(value)) throw new Error(`${file}: "${field}" is not a number`);
    return value;
  });
}

/**
 * A /proc/stat cpu line: user nice system idle iowait irq softirq steal guest guest_nice. Older kernels
 * stop after softirq (or steal); missing columns count as 0. guest and guest_nice are already included in
 * user and nice, so they stay out of the total.
 */
function cpuJiffies(fields: number[]): CpuJiffies {
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait };
}

export function parseCpuStat(text: string): CpuStat {
  let total: CpuJiffies | undefined;
  const cores: CpuStat['cores'] = [];
  for (const line of text.split('\n')) {
    const match = /^cpu(\d*)\s+(.+)$/.exec(line);
    if (!match) continue;
    const jiffies = cpuJiffies(numbers(match[2]!.trim().split(/\s+/), 'stat'));
    if (match[1] === '') total = jiffies;
    else cores.push({ core: Number(match[1]), ...jiffies });
  }
  if (!total) throw new Error('stat: no aggregate "cpu" line');
  return { total, cores: cores.sort((a, b) => a.core - b.core) };
}

/** /proc/loadavg: "0.61 1.14 0.83 1/145 1520". */
export function parseLoadAverage(text: string): LoadAverage {
  const [load1, load5, load15] = numbers(text.trim().split(/\s+/).slice(0, 3), 'loadavg');
  if (load15 === undefined) throw new Error('loadavg: fewer than three averages');
  return { load1: load1!, load5: load5!, load15 };
}

/** /proc/meminfo, in bytes ("kB" there means KiB). */
export function parseMemInfo(text: string): MemInfo {
  const fields = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([\w()]+):\s+(\d+)(\s+kB)?$/.exec(line.trim());
    if (match) fields.set(match[1]!, Number(match[2]) * (match[3] ? 1024 : 1));
  }
  const field = (name: string) => fields.get(name) ?? 0;
  const totalBytes = fields.get('MemTotal');
  if (totalBytes === undefined) throw new Error('meminfo: no MemTotal');
  return {
    totalBytes,
    // MemAvailable exists since Linux 3.14; before it, free + buffers + page cache is the usual estimate.
    availableBytes: fields.get('MemAvailable') ?? field('MemFree') + field('Buffers') + field('Cached'),
    buffersBytes: field('Buffers'),
    cachedBytes: field('Cached'),
    swapTotalBytes: field('SwapTotal'),
    swapFreeBytes: field('SwapFree'),
  };
}

/**
 * /proc/net/dev: two header lines, then "name: 8 receive counters 8 transmit counters". Old kernels print
 * no space after the colon once the byte counter is wide ("eth0:2160022209 ..."), so split on the colon.
 */
export function parseNetDev(text: string): NetDevCounters[] {
  const interfaces: NetDevCounters[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.includes('|')) continue;
    const name = line.slice(0, colon).trim();
    const counters = numbers(line.slice(colon + 1).trim().split(/\s+/), 'net/dev');
    if (counters.length < 16) throw new Error(`net/dev: ${name} has ${counters.length} counters, expected 16`);
    const [rxBytes, rxPackets, rxErrors, rxDrops] = counters;
    const [txBytes, txPackets, txErrors, txDrops] = counters.slice(8);
    interfaces.push({
      name,
      rxBytes: rxBytes!,
      rxPackets: rxPackets!,
      rxErrors: rxErrors!,
      rxDrops: rxDrops!,
      txBytes: txBytes!,
      txPackets: txPackets!,
      txErrors: txErrors!,
      txDrops: txDrops!,
    });
  }
  return interfaces;
}

/** /proc/uptime: "3279.66 5208.17" — seconds since boot, then idle seconds summed over cores. */
export function parseUptime(text: string): number {
  const [uptime] = numbers(text.trim().split(/\s+/).slice(0, 1), 'uptime');
  if (uptime === undefined) throw new Error('uptime: empty');
  return uptime;
}
