import { Inject, Injectable } from '@nestjs/common';
import { access, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { CONFIG } from '@castline/platform';
import { PARTIAL_PREFIX } from '../archive/archive-writer';
import type { BackupConfig } from '../config';

/** The archives under BACKUP_DIR: where a backup's directory is, listing and removing them. */
@Injectable()
export class ArchiveStore {
  readonly root: string;

  constructor(@Inject(CONFIG) config: BackupConfig) {
    this.root = path.resolve(config.BACKUP_DIR);
  }

  directoryOf(name: string): string {
    // Names come from our own rows (castline-<stamp>-<id>), never from a request; refuse anything else anyway.
    if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) throw new Error(`not a backup name: ${name}`);
    return path.join(this.root, name);
  }

  exists(name: string): Promise<boolean> {
    return access(this.directoryOf(name)).then(() => true, () => false);
  }

  async remove(name: string): Promise<void> {
    await rm(this.directoryOf(name), { recursive: true, force: true });
  }

  /** Directory names of complete archives, and of partial ones left by a crash. */
  async list(): Promise<{ complete: string[]; partial: string[] }> {
    let entries;
    try {
      entries = await readdir(this.root, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { complete: [], partial: [] };
      throw error;
    }
    const directories = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    return {
      complete: directories.filter((name) => !name.startsWith('.')),
      partial: directories.filter((name) => name.startsWith(PARTIAL_PREFIX)),
    };
  }

  async removePartial(name: string): Promise<void> {
    await rm(path.join(this.root, name), { recursive: true, force: true });
  }
}
