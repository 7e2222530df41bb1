import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { libpqEnv, lowPriority, type PgToolInfo } from './pg-tools';

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
  const { url, env } = libpqEnv(databaseUrl);
  const prefix = options.lowPriority ? await lowPriority() : [];
  const argv = [...prefix, tool.path, ...dumpArgs({ url, snapshotId: options.snapshotId, excludeTableData: options.excludeTableData })];
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(argv[0]!, argv.slice(1), {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 8_192) stderr += chunk.toString();
  });
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`pg_dump ${signal ? `was killed by ${signal}` : `exited with ${String(code)}`}: ${stderr.trim() || '(no output)'}`));
    });
  });
  return { stdout: child.stdout, done, kill: () => child.kill('SIGKILL') };
}
