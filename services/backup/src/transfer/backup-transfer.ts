import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { type BackupView, ErrorCodes } from '@castline/contracts';
import { AppError, CONFIG } from '@castline/platform';
import * as tar from 'tar-stream';
import { PARTIAL_PREFIX, syncDirectory } from '../archive/archive-writer';
import { COMPONENT_FILES, MANIFEST_FILE } from '../archive/manifest';
import { verifyArchive } from '../archive/verify';
import { ArchiveStore } from '../backups/archive-store';
import { BackupsRepository } from '../backups/backups.repository';
import { toBackupView } from '../backups/views';
import type { BackupConfig } from '../config';
import { BackupKeyring } from '../crypto/backup-keyring';
import { tarEntries } from '../files/tar-read';
import { OffsiteService } from '../offsite/offsite.service';

/** The files a backup directory may hold: an archive member is `<backup name>/<one of these>`. */
const ARCHIVE_FILES = new Set<string>([MANIFEST_FILE, ...Object.values(COMPONENT_FILES)]);
const MEMBER = /^([\w][\w.-]*)\/([\w.-]+)$/;

const tooLarge = (limit: number) =>
  new AppError(ErrorCodes.payloadTooLarge, `the archive is larger than BACKUP_IMPORT_MAX_BYTES (${limit} bytes): nothing was kept`, HttpStatus.PAYLOAD_TOO_LARGE);
const notABackup = (why: string) =>
  new AppError(ErrorCodes.backupCorrupt, `not a Castline backup archive: ${why}; nothing was kept`, HttpStatus.UNPROCESSABLE_ENTITY);

/** Counts the bytes going through and fails the stream past `limit`. */
class ByteLimit extends Transform {
  bytes = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
    this.bytes += chunk.length;
    callback(this.bytes > this.limit ? tooLarge(this.limit) : null, chunk);
  }
}

/**
 * Download and import of whole backups as an uncompressed tar of the backup's directory (`<name>/manifest.json`
 * and its encrypted files: nothing in clear, no key needed to move it). Reached only through nginx after the
 * gateway's auth_request (src/transfer/transfer-routes.ts).
 */
@Injectable()
export class BackupTransfer {
  private readonly keyring: BackupKeyring;

  constructor(
    @Inject(CONFIG) private readonly config: BackupConfig,
    private readonly backups: BackupsRepository,
    private readonly archives: ArchiveStore,
    private readonly offsite: OffsiteService,
  ) {
    this.keyring = new BackupKeyring(config.BACKUP_ENCRYPTION_KEY, config.BACKUP_ENCRYPTION_KEYS_OLD);
  }

  /** A tar stream of a completed or verified backup (fetched back from the off-host copy when only that is left). */
  async download(id: string): Promise<{ name: string; size: number; stream: Readable }> {
    const row = await this.backups.find(id);
    if (!row) throw AppError.notFound('Backup');
    if (row.status !== 'completed' && row.status !== 'verified') throw AppError.conflict(`A ${row.status} backup cannot be downloaded`);
    await this.offsite.ensureLocal(row);
    const directory = this.archives.directoryOf(row.name);
    if (!(await access(directory).then(() => true, () => false))) throw AppError.conflict('The archive directory is missing');
    const files = [...row.components.filter((component) => component.status === 'completed').map((component) => component.path), MANIFEST_FILE];
    const sizes = await Promise.all(files.map(async (file) => (await stat(path.join(directory, file))).size));
    const pack = tar.pack();
    void (async () => {
      for (const [index, file] of files.entries()) {
        const entry = pack.entry({ name: `${row.name}/${file}`, size: sizes[index]!, mode: 0o600, mtime: row.startedAt });
        await pipeline(createReadStream(path.join(directory, file)), entry as unknown as NodeJS.WritableStream);
      }
      pack.finalize();
    })().catch((error: unknown) => pack.destroy(error as Error));
    // 512-byte header per member, content padded to 512, two zero blocks at the end.
    const size = sizes.reduce((total, bytes) => total + 512 + Math.ceil(bytes / 512) * 512, 0) + 1024;
    return { name: row.name, size, stream: pack as unknown as Readable };
  }

  /**
   * An uploaded backup archive: extracted member by member into BACKUP_DIR/.partial-import-<id>/ (regular files
   * named `<name>/<a backup file>` only), size-limited, then verified in full (hashes, HMAC, decryption with our
   * keys). Only then is it renamed into place and listed (`verified`, trigger `import`). Anything else: 422 or
   * 413 and nothing kept; a backup already in the catalogue: 409.
   */
  async import(source: Readable, requestedBy: string): Promise<BackupView> {
    const staging = path.join(this.archives.root, `${PARTIAL_PREFIX}import-${randomUUID()}`);
    await mkdir(staging, { recursive: true });
    try {
      const limit = new ByteLimit(this.config.BACKUP_IMPORT_MAX_BYTES);
      source.on('error', (error) => limit.destroy(error));
      const seen = new Set<string>();
      let directory: string | undefined;
      try {
        for await (const entry of tarEntries(source.pipe(limit))) {
          const match = MEMBER.exec(entry.header.name);
          if (entry.header.type !== 'file' || !match || !ARCHIVE_FILES.has(match[2]!)) throw notABackup(`unexpected member ${JSON.stringify(entry.header.name)}`);
          if (directory !== undefined && match[1] !== directory) throw notABackup('members of more than one directory');
          if (seen.has(match[2]!)) throw notABackup(`${match[2]} twice`);
          directory = match[1]!;
          seen.add(match[2]!);
          await pipeline(entry, createWriteStream(path.join(staging, match[2]!), { flags: 'wx', mode: 0o600 }));
        }
      } catch (error) {
        if (error instanceof AppError) throw error;
        if (limit.bytes > this.config.BACKUP_IMPORT_MAX_BYTES) throw tooLarge(this.config.BACKUP_IMPORT_MAX_BYTES);
        throw notABackup((error as Error).message);
      }
      if (!seen.has(MANIFEST_FILE)) throw notABackup(`no ${MANIFEST_FILE}`);
      const verified = await verifyArchive(staging, this.keyring);
      if (!verified.ok || !verified.manifest) {
        throw new AppError(ErrorCodes.backupCorrupt, `the archive failed verification, nothing was kept: ${verified.problems.join('; ')}`, HttpStatus.UNPROCESSABLE_ENTITY, {
          problems: verified.problems,
        });
      }
      const manifest = verified.manifest;
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(manifest.id)) throw notABackup('its manifest id is not a UUID');
      if (!MEMBER.test(`${manifest.name}/x`) || manifest.name !== directory) throw notABackup(`its directory is not the backup's name (${manifest.name})`);
      if ((await this.backups.find(manifest.id)) || (await this.archives.exists(manifest.name)) || (await this.backups.findByName(manifest.name))) {
        throw AppError.conflict(`${manifest.name} is already in the catalogue`);
      }
      const takenAt = new Date(manifest.createdAt);
      const row = await this.backups.create({
        id: manifest.id,
        name: manifest.name,
        trigger: 'import',
        requestedBy,
        status: 'verified',
        sizeBytes: manifest.files.reduce((total, file) => total + file.size, 0),
        manifestSha256: verified.manifestSha256,
        keyId: manifest.keyId,
        appVersion: manifest.versions.app,
        pgServerVersion: manifest.versions.postgresServer,
        pgDumpVersion: manifest.versions.pgDump || null,
        schemaMigration: manifest.database.migrations.at(-1) ?? null,
        offsiteState: 'off',
        startedAt: takenAt,
        completedAt: takenAt,
        verifiedAt: new Date(),
        components: {
          create: manifest.files.map((file) => ({
            kind: file.component,
            path: file.path,
            status: 'completed',
            sizeBytes: file.size,
            sourceBytes: file.plainSize,
            sha256: file.sha256,
            startedAt: takenAt,
            completedAt: takenAt,
          })),
        },
      });
      try {
        await rename(staging, this.archives.directoryOf(manifest.name));
        await syncDirectory(this.archives.root);
      } catch (error) {
        await this.backups.delete(row.id);
        throw error;
      }
      return toBackupView(row);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
}
