import { z } from 'zod';

/**
 * Rates and percentages are over the interval between the two latest samples (about 1 s). They are null
 * until a second sample exists, and for a counter first seen in the latest sample (a new interface).
 */
const percent = z.number().min(0).max(100);
const bytes = z.number().nonnegative();

export const CpuCoreUsageSchema = z.object({
  /** The kernel's index: "cpu3" in /proc/stat is core 3. */
  core: z.number().int().nonnegative(),
  usagePercent: percent.nullable(),
});
export type CpuCoreUsage = z.infer<typeof CpuCoreUsageSchema>;

export const DiskUsageSchema = z.object({
  /** Which configured path: HLS_ROOT ("hls") or DATA_DIR ("data"). */
  mount: z.enum(['hls', 'data']),
  /** The configured path. */
  path: z.string(),
  /** The path actually measured: the configured one, or its nearest existing parent when it does not exist yet. */
  measuredPath: z.string(),
  pathExists: z.boolean(),
  totalBytes: bytes,
  /** Space an unprivileged process can still write (what `df` shows as "Avail"). */
  freeBytes: bytes,
  usedBytes: bytes,
  /** used / (used + free), as `df` computes Use%. */
  usedPercent: percent,
});
export type DiskUsage = z.infer<typeof DiskUsageSchema>;

export const NetworkInterfaceSchema = z.object({
  name: z.string(),
  /** Counters since the interface came up, as /proc/net/dev reports them. */
  rxBytes: bytes,
  txBytes: bytes,
  rxPackets: bytes,
  txPackets: bytes,
  rxErrors: bytes,
  txErrors: bytes,
  rxDrops: bytes,
  txDrops: bytes,
  rxBytesPerSecond: bytes.nullable(),
  txBytesPerSecond: bytes.nullable(),
});
export type NetworkInterface = z.infer<typeof NetworkInterfaceSchema>;

/** Reply of `monitoring.system`: the host the monitoring service runs on, read from /proc. */
export const SystemMetricsSchema = z.object({
  /** When the latest sample was read (ISO 8601). */
  sampledAt: z.string(),
  /** Seconds between the two samples the rates come from; null until there are two. */
  intervalSeconds: z.number().positive().nullable(),
  uptimeSeconds: z.number().nonnegative(),
  cpu: z.object({
    cores: z.number().int().positive(),
    /** All cores together: 100 means every core was busy the whole interval. */
    usagePercent: percent.nullable(),
    perCore: z.array(CpuCoreUsageSchema),
  }),
  load: z.object({ load1: z.number().nonnegative(), load5: z.number().nonnegative(), load15: z.number().nonnegative() }),
  memory: z.object({
    totalBytes: bytes,
    availableBytes: bytes,
    /** total - available: what the page cache cannot give back. */
    usedBytes: bytes,
    usedPercent: percent,
    buffersBytes: bytes,
    cachedBytes: bytes,
    swapTotalBytes: bytes,
    swapFreeBytes: bytes,
  }),
  disks: z.array(DiskUsageSchema),
  network: z.object({
    /** Every interface, loopback included. */
    interfaces: z.array(NetworkInterfaceSchema),
    /** Sum over interfaces other than loopback. */
    rxBytesPerSecond: bytes.nullable(),
    txBytesPerSecond: bytes.nullable(),
  }),
});
export type SystemMetrics = z.infer<typeof SystemMetricsSchema>;
