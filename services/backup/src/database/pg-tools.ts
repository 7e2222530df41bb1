import { execFile, spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { HttpStatus } from '@nestjs/common';
import { ErrorCodes } from '@castline/contracts';
import { AppError } from '@castline/platform';

const run = promisify(execFile);

export type PgTool = 'pg_dump' | 'pg_restore';

export interface PgToolInfo {
  tool: PgTool;
  /** The executable run: a full path, or the bare name found on PATH. */
  path: string;
  /** `pg_dump (PostgreSQL) 16.9 (Debian ...)` -> 16.9 */
  version: string;
  major: number;
}

/** The server's `server_version_num` (e.g. 160009) as its major (16) and a dotted version (16.9). */
export function serverVersionOf(versionNum: number): { major: number; version: string } {
  const major = Math.floor(versionNum / 10_000);
  return { major, version: `${major}.${versionNum % 10_000}` };
}

/** Parses `pg_dump --version` output. */
export function parseToolVersion(output: string): { version: string; major: number } | undefined {
  const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(output);
  if (!match) return undefined;
  return { major: Number(match[1]), version: match[2] === undefined ? match[1]! : `${match[1]}.${match[2]}` };
}

async function executable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/**
 * Where a PostgreSQL client tool is taken from, in order: PG_BIN_DIR, /usr/lib/postgresql/<server major>/bin
 * (Debian's versioned directories), then PATH. The first that exists is used; its major must equal the
 * server's, else BACKUP_PG_CLIENT_MISMATCH naming both, before anything is written (a pg_dump older than the
 * server refuses to dump; a newer pg_restore writes archives the older server's pg_restore cannot read).
 */
export async function locatePgTool(tool: PgTool, server: { major: number; version: string }, pgBinDir?: string): Promise<PgToolInfo> {
  const candidates = [pgBinDir ? path.join(pgBinDir, tool) : undefined, `/usr/lib/postgresql/${server.major}/bin/${tool}`].filter(
    (candidate): candidate is string => candidate !== undefined,
  );
  let chosen: string = tool;
  for (const candidate of candidates) {
    if (await executable(candidate)) {
      chosen = candidate;
      break;
    }
  }
  let output: string;
  try {
    output = (await run(chosen, ['--version'], { timeout: 10_000 })).stdout;
  } catch (error) {
    throw new AppError(
      ErrorCodes.backupPgClientMismatch,
      `${tool} not found or not runnable (${chosen}: ${(error as Error).message}); the server is PostgreSQL ${server.version}: install its client or set PG_BIN_DIR`,
      HttpStatus.CONFLICT,
    );
  }
  const parsed = parseToolVersion(output);
  if (!parsed) throw new Error(`cannot read the version of ${chosen} from ${JSON.stringify(output.trim())}`);
  if (parsed.major !== server.major) {
    throw new AppError(
      ErrorCodes.backupPgClientMismatch,
      `${tool} ${parsed.version} (${chosen}) does not match the server's PostgreSQL ${server.version}: their major versions must be equal (install the ${server.major} client or set PG_BIN_DIR)`,
      HttpStatus.CONFLICT,
      { tool, toolVersion: parsed.version, serverVersion: server.version, path: chosen },
    );
  }
  return { tool, path: chosen, ...parsed };
}

/**
 * The argv prefix that runs a command at nice 10 and ionice idle (best effort: each only when installed), so
 * pg_dump and tar leave CPU and disk to the live services.
 */
let lowPriorityPrefix: Promise<string[]> | undefined;
export function lowPriority(): Promise<string[]> {
  lowPriorityPrefix ??= (async () => {
    const prefix: string[] = [];
    if (await run('nice', ['-n', '10', 'true']).then(() => true, () => false)) prefix.push('nice', '-n', '10');
    if (await run('ionice', ['-c', '3', 'true']).then(() => true, () => false)) prefix.push('ionice', '-c', '3');
    return prefix;
  })();
  return lowPriorityPrefix;
}

/** libpq's environment for a URL: the password travels in PGPASSWORD, never on a command line. */
export function libpqEnv(databaseUrl: string): { url: string; env: Record<string, string> } {
  const url = new URL(databaseUrl);
  const env: Record<string, string> = {};
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  url.password = '';
  return { url: url.toString(), env };
}

export interface PgToolProcess {
  child: import('node:child_process').ChildProcess;
  /** Resolves when the tool exited 0; rejects with its stderr otherwise (killed, lost connection, ...). */
  done: Promise<void>;
}

/**
 * Starts a PostgreSQL client tool against a database URL (its password passed in PGPASSWORD), at low priority
 * when asked, collecting stderr for the error when it fails.
 */
export async function spawnPgTool(
  tool: PgToolInfo,
  databaseUrl: string,
  args: (url: string) => string[],
  options: { lowPriority?: boolean; stdin: 'pipe' | 'ignore'; stdout: 'pipe' | 'ignore' },
): Promise<PgToolProcess> {
  const { url, env } = libpqEnv(databaseUrl);
  const prefix = options.lowPriority ? await lowPriority() : [];
  const argv = [...prefix, tool.path, ...args(url)];
  const child = spawn(argv[0]!, argv.slice(1), { env: { ...process.env, ...env }, stdio: [options.stdin, options.stdout, 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (stderr.length < 8_192) stderr += chunk.toString();
  });
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${tool.tool} ${signal ? `was killed by ${signal}` : `exited with ${String(code)}`}: ${stderr.trim() || '(no output)'}`));
    });
  });
  return { child, done };
}
