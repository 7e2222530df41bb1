import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '@castline/platform';
import type { ChannelsConfig } from '../config';

/** Files under UPLOADS_DIR. Stored paths are relative and never leave that directory. */
@Injectable()
export class UploadStorage {
  private readonly root: string;

  constructor(@Inject(CONFIG) config: ChannelsConfig) {
    this.root = path.resolve(config.UPLOADS_DIR);
  }

  /** Writes atomically (temp file + rename) and returns the relative path it stored. */
  async save(folder: string, extension: string, data: Buffer): Promise<string> {
    const relative = path.posix.join(folder, `${randomUUID()}.${extension}`);
    const target = this.resolve(relative);
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${process.pid}.tmp`;
    await writeFile(temporary, data, { flag: 'wx', mode: 0o640 });
    await rename(temporary, target);
    return relative;
  }

  read(relative: string): Promise<Buffer> {
    return readFile(this.resolve(relative));
  }

  async remove(relative: string): Promise<void> {
    await rm(this.resolve(relative), { force: true });
  }

  /** The absolute path of a stored file; refuses any path that would resolve outside UPLOADS_DIR. */
  resolve(relative: string): string {
    const absolute = path.resolve(this.root, relative);
    if (absolute !== this.root && absolute.startsWith(this.root + path.sep)) return absolute;
    throw new Error(`path escapes UPLOADS_DIR: ${relative}`);
  }
}
