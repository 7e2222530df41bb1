import type { PartitionedTable, TrafficStore } from '../store/traffic-store';

export interface MaintenancePolicy {
  partitionsAheadDays: number;
  retentionDays: Record<PartitionedTable, number>;
  /** Analytics rollups and channel minutes older than this are deleted (unset: kept). */
  rollupRetentionDays?: number;
}

export interface MaintenanceReport {
  created: string[];
  dropped: string[];
  /** Rows in DEFAULT partitions: a day had no partition when they were written (alerted). */
  defaultRows: Record<PartitionedTable, number>;
  /** Rollup rows deleted for retention. */
  rollupRowsDeleted: number;
}

const DAY_MS = 86_400_000;

/** Partitions for today and the days ahead; drops days past retention; reports what sits in DEFAULT. */
export async function runTrafficMaintenance(store: TrafficStore, policy: MaintenancePolicy, now = new Date()): Promise<MaintenanceReport> {
  const created = await store.ensurePartitions(now, policy.partitionsAheadDays + 1);
  const dropped: string[] = [];
  for (const [table, days] of Object.entries(policy.retentionDays) as Array<[PartitionedTable, number]>) {
    dropped.push(...(await store.dropPartitionsBefore(table, new Date(now.getTime() - days * DAY_MS))));
  }
  const rollupRowsDeleted = policy.rollupRetentionDays ? await store.deleteRollupsBefore(new Date(now.getTime() - policy.rollupRetentionDays * DAY_MS)) : 0;
  return { created, dropped, defaultRows: await store.defaultPartitionRows(), rollupRowsDeleted };
}
