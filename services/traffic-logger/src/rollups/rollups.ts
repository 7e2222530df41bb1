import type { RollupReport, TrafficStore } from '../store/traffic-store';

const HOUR_MS = 3_600_000;

/** The hours a rollup run redoes: the last `hours` whole hours and the current one, [from, to). */
export function rollupWindow(now: Date, hours: number): { from: Date; to: Date } {
  const currentHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  return { from: new Date(currentHour - hours * HOUR_MS), to: new Date(currentHour + HOUR_MS) };
}

/** Rebuilds the analytics rollups of the window ending with the current hour (idempotent). */
export function runRollups(store: TrafficStore, hours: number, now = new Date()): Promise<RollupReport> {
  const { from, to } = rollupWindow(now, hours);
  return store.rebuildRollups(from, to);
}
