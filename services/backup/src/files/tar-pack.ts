import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import type { ManifestMember } from '../archive/manifest';

/**
 * Regular files under `root`, as paths relative to it with / separators, sorted. Symlinks and others are skipped;
 * `exclude` drops a file when it returns true for its relative path.
 */
export async function listFiles(root: string, exclude?: (relative: string) => boolean): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(root, { recursive: true, withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .filter((relative) => !exclude?.(relative))
    .sort();
}

/**
 * A tar stream of every regular file under `root` (or of `files`, relative to it), each member hashed while it is read. `members()` is complete
 * once the stream has ended. A file that changes size while it is read fails the stream.
 */
export function packDirectory(root: string, files?: readonly string[]): { stream: Readable; members: () => ManifestMember[] } {
  const pack = tar.pack();
  const members: ManifestMember[] = [];
  void (async () => {
    for (const relative of files ?? (await listFiles(root))) {
      const file = path.join(root, relative);
      const info = await stat(file);
      const hash = createHash('sha256');
      let size = 0;
      let written!: (error?: Error | null) => void;
      const done = new Promise<void>((resolve, reject) => (written = (error) => (error ? reject(error) : resolve())));
      const entry = pack.entry({ name: relative, size: info.size, mode: info.mode & 0o777, mtime: info.mtime, type: 'file' }, written);
      for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
        hash.update(chunk);
        size += chunk.length;
        // tar-stream's entries are streamx writables: wait for drain by hand.
        if (!entry.write(chunk)) await once(entry, 'drain');
      }
      entry.end(undefined);
      await done;
      members.push({ path: relative, size, sha256: hash.digest('hex') });
    }
    pack.finalize();
  })().catch((error: unknown) => pack.destroy(error as Error));
  // Node's pipeline reads the streamx pack through its async iterator.
  return { stream: Readable.from(pack), members: () => members };
}

/** Bytes of `files` (relative to `root`): what a tar of them needs, before its headers. */
export async function totalSize(root: string, files: readonly string[]): Promise<number> {
  let bytes = 0;
  for (const relative of files) bytes += (await stat(path.join(root, relative))).size;
  return bytes;
}
