import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import type { BackupKeyring } from '../crypto/backup-keyring';
import { EncryptStream } from '../crypto/stream-cipher';
import { HashingStream } from './hashing';
import { type ComponentKind, COMPONENT_FILES, type Manifest, MANIFEST_FILE, type ManifestFile, type ManifestMember, signManifest, type UnsignedManifest } from './manifest';

export const PARTIAL_PREFIX = '.partial-';

/** Writes `file` with fsync, so a crash after the call never leaves a renamed but empty file. */
async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncs a directory, making the renames and creations inside it durable. */
export async function syncDirectory(directory: string): Promise<void> {
  await syncFile(directory);
}

export interface ComponentProgress {
  component: ComponentKind;
  /** Bytes read from the source so far. */
  bytes: number;
}

/**
 * One backup being written: files go into BACKUP_DIR/.partial-<id>/ encrypted and hashed while they stream,
 * the signed manifest last (temp file, fsync, rename), then the directory is renamed to the backup's name.
 * Until that rename nothing under BACKUP_DIR looks like a backup; `abort` removes the partial directory.
 */
export class ArchiveWriter {
  readonly files: ManifestFile[] = [];

  private constructor(
    readonly backupDir: string,
    readonly partialDir: string,
    private readonly keyring: BackupKeyring,
  ) {}

  static async create(backupDir: string, id: string, keyring: BackupKeyring): Promise<ArchiveWriter> {
    await mkdir(backupDir, { recursive: true });
    const partialDir = path.join(backupDir, `${PARTIAL_PREFIX}${id}`);
    await mkdir(partialDir);
    return new ArchiveWriter(backupDir, partialDir, keyring);
  }

  /**
   * Streams one component's bytes through encryption into its file. `members` (for tars) is read after the
   * source ended. The file is fsynced before this resolves.
   */
  async add(
    component: ComponentKind,
    source: Readable,
    options: { members?: () => ManifestMember[]; onProgress?: (progress: ComponentProgress) => void } = {},
  ): Promise<ManifestFile> {
    const name = COMPONENT_FILES[component];
    const file = path.join(this.partialDir, name);
    const plain = new HashingStream();
    if (options.onProgress) plain.onProgress = (bytes) => options.onProgress!({ component, bytes });
    const stored = new HashingStream();
    await pipeline(source, plain, new EncryptStream(this.keyring.current), stored, createWriteStream(file, { flags: 'wx' }));
    await syncFile(file);
    const entry: ManifestFile = {
      component,
      path: name,
      size: stored.bytes,
      sha256: stored.digest(),
      plainSize: plain.bytes,
      ...(options.members ? { members: options.members() } : {}),
    };
    this.files.push(entry);
    return entry;
  }

  /** Writes the signed manifest last, then renames the directory to `name`. Returns the final directory. */
  async finish(manifest: Omit<UnsignedManifest, 'files' | 'keyId'>): Promise<{ directory: string; manifest: Manifest; manifestText: string; sizeBytes: number }> {
    const signed = signManifest(this.keyring, { ...manifest, keyId: this.keyring.current.id, files: this.files });
    const manifestText = `${JSON.stringify(signed, null, 2)}\n`;
    const temp = path.join(this.partialDir, `.${MANIFEST_FILE}.${randomBytes(4).toString('hex')}.tmp`);
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(manifestText);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path.join(this.partialDir, MANIFEST_FILE));
    await syncDirectory(this.partialDir);
    const directory = path.join(this.backupDir, manifest.name);
    await rename(this.partialDir, directory);
    await syncDirectory(this.backupDir);
    let sizeBytes = 0;
    for (const entry of await readdir(directory)) sizeBytes += (await stat(path.join(directory, entry))).size;
    return { directory, manifest: signed, manifestText, sizeBytes };
  }

  /** Removes the partial directory (after a failure); older backups are never touched. */
  async abort(): Promise<void> {
    await rm(this.partialDir, { recursive: true, force: true });
  }
}
