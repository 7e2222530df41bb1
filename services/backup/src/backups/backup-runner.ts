import { createReadStream } from 'node:fs';
import { readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { ArchiveWriter, type ComponentProgress } from '../archive/archive-writer';
import type { ComponentKind, Manifest, ManifestFile } from '../archive/manifest';
import type { BackupKeyring } from '../crypto/backup-keyring';
import { startDump } from '../database/pg-dump';
import { locatePgTool, serverVersionOf } from '../database/pg-tools';
import { openSnapshot, serverVersionNum } from '../database/snapshot';
import { archivedBytes, ensureFreeSpace, excludedFrom } from '../files/file-components';
import { listFiles, packDirectory, totalSize } from '../files/tar-pack';
import { databaseNameOf } from '@castline/db';

export const APP_VERSION: string = (JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;

export interface BackupPlan {
  id: string;
  name: string;
  components: readonly ComponentKind[];
  excludeTableData: readonly string[];
}

/** Where each component is read from. */
export interface BackupSources {
  databaseUrl: string;
  uploadsDir: string;
  /** MEDIA_ROOT (media.tar: its library, without incoming/ and work/); unset: the media component is skipped. */
  mediaRoot?: string;
  /** The rendered nginx config directory (nginx.tar); unset: skipped. */
  nginxDir?: string;
  configFile?: string;
  /** Free bytes kept on BACKUP_DIR besides what media.tar needs (BACKUP_DISK_RESERVE_BYTES). */
  diskReserveBytes?: number;
  pgBinDir?: string;
  lowPriority: boolean;
}

export interface BackupHooks {
  /** A component started (file undefined) or was stored. */
  onComponent?: (component: ComponentKind, file?: ManifestFile) => void | Promise<void>;
  onProgress?: (progress: ComponentProgress) => void;
  /** Versions known before the first byte is written. */
  onVersions?: (versions: { postgresServer: string; pgDump: string }) => void | Promise<void>;
}

export interface BackupOutcome {
  directory: string;
  manifest: Manifest;
  manifestText: string;
  sizeBytes: number;
}

const exists = (file: string) => access(file).then(() => true, () => false);

/** A human-sortable, unique directory name: castline-20261201-021600-1a2b3c4d. */
export function backupName(id: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `castline-${stamp}-${id.slice(0, 8)}`;
}

/**
 * Takes one backup: checks pg_dump against the server first (nothing is written on a mismatch), then streams
 * each component through encryption into BACKUP_DIR/.partial-<id>/, the manifest last, and renames the
 * directory. Any failure removes the partial directory and rethrows; older backups are never touched.
 */
export async function runBackup(plan: BackupPlan, sources: BackupSources, backupDir: string, keyring: BackupKeyring, hooks: BackupHooks = {}): Promise<BackupOutcome> {
  const server = serverVersionOf(await serverVersionNum(sources.databaseUrl));
  const pgDump = plan.components.includes('database') ? await locatePgTool('pg_dump', server, sources.pgBinDir) : undefined;
  await hooks.onVersions?.({ postgresServer: server.version, pgDump: pgDump?.version ?? '' });
  const writer = await ArchiveWriter.create(backupDir, plan.id, keyring);
  let database: Manifest['database'] = { name: databaseNameOf(sources.databaseUrl), migrations: [], rowCounts: {}, excludedTableData: [...plan.excludeTableData] };
  try {
    for (const component of plan.components) {
      await hooks.onComponent?.(component);
      let file: ManifestFile | undefined;
      if (component === 'database') {
        const snapshot = await openSnapshot(sources.databaseUrl, plan.excludeTableData);
        try {
          database = { ...database, migrations: snapshot.migrations, rowCounts: snapshot.rowCounts };
          const dump = await startDump(pgDump!, sources.databaseUrl, {
            snapshotId: snapshot.snapshotId,
            excludeTableData: plan.excludeTableData,
            lowPriority: sources.lowPriority,
          });
          try {
            [file] = await Promise.all([writer.add('database', dump.stdout, { onProgress: hooks.onProgress }), dump.done]);
          } catch (error) {
            dump.kill();
            await dump.done.catch(() => undefined);
            throw error;
          }
        } finally {
          await snapshot.release();
        }
      } else if (component === 'config') {
        if (!sources.configFile || !(await exists(sources.configFile))) continue;
        file = await writer.add('config', createReadStream(sources.configFile), { onProgress: hooks.onProgress });
      } else {
        const root = component === 'uploads' ? sources.uploadsDir : component === 'media' ? sources.mediaRoot : sources.nginxDir;
        if (!root) continue;
        const files = await listFiles(root, excludedFrom(component));
        if (component === 'media') {
          // Media can be most of the disk: refuse up front rather than fill BACKUP_DIR half-way.
          const needed = archivedBytes(await totalSize(root, files), files.length);
          await ensureFreeSpace(writer.partialDir, needed + (sources.diskReserveBytes ?? 0), 'media');
        }
        const pack = packDirectory(root, files);
        file = await writer.add(component, pack.stream, { members: pack.members, onProgress: hooks.onProgress });
      }
      await hooks.onComponent?.(component, file);
    }
    return await writer.finish({
      format: 'castline-backup',
      version: 1,
      id: plan.id,
      name: plan.name,
      createdAt: new Date().toISOString(),
      versions: { app: APP_VERSION, node: process.versions.node, postgresServer: server.version, pgDump: pgDump?.version ?? '' },
      database,
    });
  } catch (error) {
    await writer.abort();
    throw error;
  }
}
