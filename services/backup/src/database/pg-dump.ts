import type { Readable } from 'node:stream';
import { type PgToolInfo, spawnPgTool } from './pg-tools';

export interface DumpProcess {
  /** pg_dump's stdout: the custom-format archive. */
  stdout: Readable;
  /** Resolves when pg_dump exited 0; rejects with its stderr otherwise (killed, lost connection, ...). */
  done: Promise<void>;
  kill(): void;
}

/** The argv of `pg_dump -Fc` for a snapshot, tables whose data is left out, and a database URL without password. */
export function dumpArgs(options: { url: string; snapshotId?: string; excludeTableData?: readonly string[] }): string[] {
  return [
    '--format=custom',
    '--no-owner',
    '--no-privileges',
    ...(options.snapshotId ? [`--snapshot=${options.snapshotId}`] : []),
    ...(options.excludeTableData ?? []).map((table) => `--exclude-table-data=public.${table}`),
    `--dbname=${options.url}`,
  ];
}

/** Starts pg_dump (at low priority when asked), its archive streamed from stdout. */
export async function startDump(
  tool: PgToolInfo,
  databaseUrl: string,
  options: { snapshotId?: string; excludeTableData?: readonly string[]; lowPriority?: boolean },
): Promise<DumpProcess> {
  const { child, done } = await spawnPgTool(tool, databaseUrl, (url) => dumpArgs({ url, snapshotId: options.snapshotId, excludeTableData: options.excludeTableData }), {
    lowPriority: options.lowPriority,
    stdin: 'ignore',
    stdout: 'pipe',
  });
  return { stdout: child.stdout!, done, kill: () => child.kill('SIGKILL') };
}
