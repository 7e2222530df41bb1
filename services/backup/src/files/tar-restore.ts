import { createWriteStream } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { listFiles } from './tar-pack';
import { tarEntries } from './tar-read';

const shortId = (id: string) => id.replaceAll('-', '').slice(0, 8);

/** The path a tar member may be written to under `root`, or undefined (absolute, `..`, not a regular file). */
function memberTarget(root: string, name: string, type: string | null | undefined): string | undefined {
  const target = path.resolve(root, name);
  return type === 'file' && target.startsWith(`${root}${path.sep}`) ? target : undefined;
}

async function skip(entry: AsyncIterable<Buffer>): Promise<void> {
  for await (const _chunk of entry) void _chunk;
}

/**
 * Restores a tar over `root`: each member streamed into `<target>.restore-<id>.tmp` beside its target, then renamed
 * over it (never a half-written file under the real name). Files under `root` the tar does not hold move aside into
 * `root/.pre-restore-<id>/`, except those `keep` names (media's incoming/ and work/). Returns a summary.
 */
export async function restoreTree(source: Readable, root: string, restoreId: string, keep?: (relative: string) => boolean): Promise<string> {
  const restored = new Set<string>();
  for await (const entry of tarEntries(source)) {
    const target = memberTarget(root, entry.header.name, entry.header.type);
    if (!target) {
      await skip(entry);
      continue;
    }
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.restore-${shortId(restoreId)}.tmp`;
    await pipeline(entry, createWriteStream(temp));
    await rename(temp, target);
    restored.add(path.relative(root, target).split(path.sep).join('/'));
  }
  const aside = path.join(root, `.pre-restore-${shortId(restoreId)}`);
  let moved = 0;
  for (const relative of await listFiles(root)) {
    if (restored.has(relative) || relative.startsWith('.pre-restore-') || keep?.(relative)) continue;
    await mkdir(path.dirname(path.join(aside, relative)), { recursive: true });
    await rename(path.join(root, relative), path.join(aside, relative));
    moved++;
  }
  return `${restored.size} files restored${moved ? `, ${moved} moved aside to ${path.basename(aside)}` : ''}`;
}

/** Extracts a tar's regular files into `target` (a fresh directory, mode 0700). Returns how many. */
export async function extractTree(source: Readable, target: string): Promise<number> {
  await mkdir(target, { recursive: true, mode: 0o700 });
  let count = 0;
  for await (const entry of tarEntries(source)) {
    const file = memberTarget(target, entry.header.name, entry.header.type);
    if (!file) {
      await skip(entry);
      continue;
    }
    await mkdir(path.dirname(file), { recursive: true });
    await pipeline(entry, createWriteStream(file, { mode: 0o600 }));
    count++;
  }
  return count;
}

/** KEY=value lines of an env file (last one wins), comments and blank lines ignored. */
function envValues(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (match) values.set(match[1]!, match[2]!);
  }
  return values;
}

/** Which keys two env files differ in (names only: values are secrets), e.g. "only in the backup: A; changed: B". */
export function envKeyDiff(current: string, restored: string): string {
  const [now, then] = [envValues(current), envValues(restored)];
  const onlyBackup = [...then.keys()].filter((key) => !now.has(key)).sort();
  const onlyCurrent = [...now.keys()].filter((key) => !then.has(key)).sort();
  const changed = [...then.keys()].filter((key) => now.has(key) && now.get(key) !== then.get(key)).sort();
  const parts = [
    onlyBackup.length ? `only in the backup: ${onlyBackup.join(', ')}` : '',
    onlyCurrent.length ? `only in the current file: ${onlyCurrent.join(', ')}` : '',
    changed.length ? `changed: ${changed.join(', ')}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : 'same keys and values';
}
