import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type PgToolInfo, spawnPgTool } from '../database/pg-tools';

/**
 * Streams a custom-format archive into `pg_restore --exit-on-error` against a database that exists and is
 * empty. Rejects with pg_restore's stderr when it fails; the caller drops the half-restored database.
 */
export async function pgRestore(tool: PgToolInfo, databaseUrl: string, archive: Readable, options: { lowPriority?: boolean; role?: string } = {}): Promise<void> {
  const { child, done } = await spawnPgTool(tool, databaseUrl, (url) => ['--exit-on-error', '--no-owner', '--no-privileges', ...(options.role ? [`--role=${options.role}`] : []), `--dbname=${url}`], {
    lowPriority: options.lowPriority,
    stdin: 'pipe',
    stdout: 'ignore',
  });
  try {
    await Promise.all([pipeline(archive, child.stdin!), done]);
  } catch (error) {
    child.kill('SIGKILL');
    // pg_restore's own message says more than the EPIPE its early exit gives the pipeline.
    await done;
    throw error;
  }
}
