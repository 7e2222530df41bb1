import { readFile, statfs } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '@castline/platform';
import type { MonitoringConfig } from '../config';
import type { DiskReading } from './host-snapshot';

/** The procfs files host metrics come from, relative to PROC_ROOT. */
export type ProcFile = 'stat' | 'loadavg' | 'meminfo' | 'net/dev' | 'uptime';

/** Reads the host: raw procfs text (parsed elsewhere) and statfs of the configured disks. */
@Injectable()
export class ProcFsRepository {
  private readonly procRoot: string;
  private readonly disks: ReadonlyArray<{ mount: DiskReading['mount']; path: string }>;

  constructor(@Inject(CONFIG) config: MonitoringConfig) {
    this.procRoot = path.resolve(config.PROC_ROOT);
    this.disks = [
      { mount: 'hls', path: path.resolve(config.HLS_ROOT) },
      { mount: 'data', path: path.resolve(config.DATA_DIR) },
    ];
  }

  read(file: ProcFile): Promise<string> {
    return readFile(path.join(this.procRoot, file), 'utf8');
  }

  readDisks(): Promise<DiskReading[]> {
    return Promise.all(this.disks.map(({ mount, path: configured }) => this.statDisk(mount, configured)));
  }

  /**
   * statfs of the path, or of its nearest existing parent when it does not exist yet (HLS_ROOT appears
   * when the first channel starts): that parent is on the file system the path will be created on.
   */
  private async statDisk(mount: DiskReading['mount'], configured: string): Promise<DiskReading> {
    for (let measured = configured; ; measured = path.dirname(measured)) {
      try {
        const stats = await statfs(measured);
        return {
          mount,
          path: configured,
          measuredPath: measured,
          blockSize: stats.bsize,
          blocks: stats.blocks,
          blocksFree: stats.bfree,
          blocksAvailable: stats.bavail,
        };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const missing = code === 'ENOENT' || code === 'ENOTDIR';
        if (!missing || measured === path.dirname(measured)) throw error;
      }
    }
  }
}
