import { mkdir, rename, rm, stat, statfs } from 'node:fs/promises';
import path from 'node:path';

const ID = /^[0-9a-f-]{36}$/;
/** No video id can be this name, so no public video can own the directory. */
export const PRIVATE_DIR = '_private';

/**
 * Every file the media service and its worker touch, under MEDIA_ROOT: incoming/ (tus), originals/<id>,
 * work/<id>/<attempt>/ (a transcode in progress, never served) and vod/<id>/ (complete outputs only: nginx
 * serves this directory; a transcode appears there by one rename).
 */
export class MediaStorage {
  readonly root: string;

  constructor(mediaRoot: string) {
    this.root = path.resolve(mediaRoot);
  }

  get incomingDir(): string {
    return path.join(this.root, 'incoming');
  }

  original(id: string): string {
    return path.join(this.root, 'originals', checked(id));
  }

  workDir(id: string, attempt?: number): string {
    const dir = path.join(this.root, 'work', checked(id));
    return attempt === undefined ? dir : path.join(dir, String(attempt));
  }

  /**
   * Where a video's outputs are served from: vod/<id>/ for a public video (nginx serves /vod/<id>/...), and
   * vod/_private/<id>/ for a private one (only through /vod/_signed/<token>/<expires>/<id>/...).
   */
  vodDir(id: string, visibility: 'public' | 'private' = 'public'): string {
    return visibility === 'private' ? path.join(this.root, 'vod', PRIVATE_DIR, checked(id)) : path.join(this.root, 'vod', checked(id));
  }

  /** Moves the served outputs when the visibility changes (a no-op when there are none yet). */
  async moveVod(id: string, to: 'public' | 'private'): Promise<void> {
    const from = this.vodDir(id, to === 'public' ? 'private' : 'public');
    const target = this.vodDir(id, to);
    await mkdir(path.dirname(target), { recursive: true });
    await rename(from, target).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  async ensureLayout(): Promise<void> {
    for (const dir of ['incoming', 'originals', 'work', 'vod', path.join('vod', PRIVATE_DIR)]) await mkdir(path.join(this.root, dir), { recursive: true });
  }

  /** A fresh, empty work directory for this attempt; whatever an earlier (killed) attempt left goes first. */
  async freshWorkDir(id: string, attempt: number): Promise<string> {
    await rm(this.workDir(id), { recursive: true, force: true });
    const dir = this.workDir(id, attempt);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /**
   * Makes a finished work directory the video's vod/<id> in one rename: players never see a partial output.
   * An earlier output (reprocess) is moved aside first and removed after.
   */
  async publish(id: string, workDir: string, visibility: 'public' | 'private' = 'public'): Promise<void> {
    const target = this.vodDir(id, visibility);
    await mkdir(path.dirname(target), { recursive: true });
    const aside = `${target}.old-${Date.now()}`;
    const hadOld = await rename(target, aside).then(() => true, () => false);
    await rename(workDir, target);
    if (hadOld) await rm(aside, { recursive: true, force: true });
    await rm(this.workDir(id), { recursive: true, force: true });
  }

  async removeWork(id: string): Promise<void> {
    await rm(this.workDir(id), { recursive: true, force: true });
  }

  /** Every file of a video: original, work and vod. */
  async removeAll(id: string): Promise<void> {
    await Promise.all([
      rm(this.original(id), { force: true }),
      rm(this.workDir(id), { recursive: true, force: true }),
      rm(this.vodDir(id), { recursive: true, force: true }),
      rm(this.vodDir(id, 'private'), { recursive: true, force: true }),
    ]);
  }

  async sizeOf(file: string): Promise<number> {
    return (await stat(file)).size;
  }

  async freeBytes(): Promise<number> {
    const fs = await statfs(this.root);
    return fs.bavail * fs.bsize;
  }
}

function checked(id: string): string {
  if (!ID.test(id)) throw new Error(`not a video id: ${JSON.stringify(id)}`);
  return id;
}
