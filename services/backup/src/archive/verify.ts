import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import type { BackupKeyring } from '../crypto/backup-keyring';
import { DecryptStream } from '../crypto/stream-cipher';
import { hashTarMembers } from '../files/tar-read';
import { HashingStream } from './hashing';
import { type Manifest, MANIFEST_FILE, type ManifestFile, type ManifestMember, openManifest } from './manifest';

export interface VerifyResult {
  ok: boolean;
  /** Every problem found (not only the first): missing, extra or changed files, manifest, decryption. */
  problems: string[];
  manifest?: Manifest;
  /** SHA-256 of manifest.json as stored. */
  manifestSha256?: string;
}

const discard = () =>
  new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });

function sameMembers(expected: readonly ManifestMember[], actual: readonly ManifestMember[]): string | undefined {
  const byPath = new Map(actual.map((member) => [member.path, member]));
  for (const member of expected) {
    const found = byPath.get(member.path);
    if (!found) return `member ${member.path} is missing`;
    if (found.size !== member.size || found.sha256 !== member.sha256) return `member ${member.path} differs from the manifest`;
    byPath.delete(member.path);
  }
  const extra = [...byPath.keys()][0];
  return extra === undefined ? undefined : `member ${extra} is not in the manifest`;
}

/** Re-hashes one stored file and, with `decrypt`, decrypts it whole (and re-hashes a tar's members). */
async function verifyFile(directory: string, file: ManifestFile, keyring: BackupKeyring, decrypt: boolean): Promise<string[]> {
  const stored = new HashingStream();
  const source = createReadStream(path.join(directory, file.path));
  const problems: string[] = [];
  if (!decrypt) {
    await pipeline(source, stored, discard());
  } else {
    const plain = new HashingStream();
    const decrypted = new PassThrough();
    const members = file.members ? hashTarMembers(decrypted) : undefined;
    // Keep the promise handled: a decryption failure rejects both it and the pipeline.
    members?.catch(() => undefined);
    try {
      await pipeline(source, stored, new DecryptStream(keyring), plain, members ? decrypted : discard());
      if (members) {
        const problem = sameMembers(file.members!, await members);
        if (problem) problems.push(`${file.path}: ${problem}`);
      }
    } catch (error) {
      // The read stopped at the failing chunk: hash the whole file again so a changed file is named as such.
      const rehashed = await verifyFile(directory, file, keyring, false);
      return [...rehashed, `${file.path}: ${(error as Error).message}`];
    }
    if (plain.bytes !== file.plainSize) problems.push(`${file.path}: decrypts to ${plain.bytes} bytes, the manifest says ${file.plainSize}`);
  }
  if (stored.bytes !== file.size) problems.unshift(`${file.path}: ${stored.bytes} bytes stored, the manifest says ${file.size}`);
  else if (stored.digest() !== file.sha256) problems.unshift(`${file.path}: SHA-256 differs from the manifest`);
  return problems;
}

/**
 * Checks a backup directory against its manifest: the manifest's HMAC, every listed file present with its size
 * and SHA-256, no file the manifest does not list, and (with `decrypt`, the default) every file decrypting
 * whole with every tar member as listed. `expectedManifestSha256` (the catalogue's) catches a swapped manifest.
 */
export async function verifyArchive(
  directory: string,
  keyring: BackupKeyring,
  options: { decrypt?: boolean; expectedManifestSha256?: string } = {},
): Promise<VerifyResult> {
  let text: string;
  try {
    text = await readFile(path.join(directory, MANIFEST_FILE), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, problems: [code === 'ENOENT' ? `${MANIFEST_FILE} is missing` : `${MANIFEST_FILE}: ${(error as Error).message}`] };
  }
  const manifestSha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  const opened = openManifest(keyring, text);
  if ('problem' in opened) return { ok: false, problems: [opened.problem], manifestSha256 };
  const { manifest } = opened;
  const problems: string[] = [];
  if (options.expectedManifestSha256 && options.expectedManifestSha256 !== manifestSha256) {
    problems.push(`${MANIFEST_FILE} differs from the one recorded when the backup was taken`);
  }
  const present = new Set(await readdir(directory));
  present.delete(MANIFEST_FILE);
  for (const file of manifest.files) {
    if (!present.delete(file.path)) {
      problems.push(`${file.path} is missing`);
      continue;
    }
    problems.push(...(await verifyFile(directory, file, keyring, options.decrypt ?? true)));
  }
  for (const extra of [...present].sort()) problems.push(`${extra} is not in the manifest`);
  return { ok: problems.length === 0, problems, manifest, manifestSha256 };
}
