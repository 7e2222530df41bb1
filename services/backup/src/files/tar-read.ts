import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import type { ManifestMember } from '../archive/manifest';

export type TarEntry = { header: tar.Header } & AsyncIterable<Buffer>;

/** The members of a tar stream; each entry's content must be read before the next is yielded. */
export async function* tarEntries(source: Readable): AsyncGenerator<TarEntry> {
  const extract = tar.extract();
  source.on('error', (error) => extract.destroy(error));
  source.pipe(extract as unknown as NodeJS.WritableStream);
  for await (const entry of extract) yield entry as unknown as TarEntry;
}

/** Reads a whole tar stream, hashing every member. */
export async function hashTarMembers(source: Readable): Promise<ManifestMember[]> {
  const members: ManifestMember[] = [];
  for await (const entry of tarEntries(source)) {
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of entry) {
      hash.update(chunk);
      size += chunk.length;
    }
    if (entry.header.type === 'file') members.push({ path: entry.header.name, size, sha256: hash.digest('hex') });
  }
  return members;
}
