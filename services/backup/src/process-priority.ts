import { getPriority, setPriority } from 'node:os';

/** The backup process's nice value with BACKUP_LOW_PRIORITY, as for the pg_dump and tar it runs. */
export const BACKUP_PROCESS_NICE = 10;

/**
 * Lowers this whole process to nice 10: what it spends CPU on (SHA-256 and AES-GCM over every byte of a backup)
 * must yield to the gateway and the live channels, and nothing in it is latency-bound (its API is the catalogue).
 * Only ever lowered: a process already nicer stays so. Returns the nice value it runs at.
 */
export function lowerProcessPriority(nice = BACKUP_PROCESS_NICE): number {
  const current = getPriority();
  if (current >= nice) return current;
  setPriority(nice);
  return getPriority();
}
