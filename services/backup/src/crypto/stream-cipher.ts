import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { BackupKey, BackupKeyring } from './backup-keyring';

/**
 * Encryption at rest of every archived file: AES-256-GCM in the STREAM construction (as age does). The
 * plaintext is cut in 64 KiB chunks, each sealed on its own with the nonce `prefix (7) | counter (4, BE) |
 * last (1)`, so a flipped byte fails its chunk's tag, reordered chunks fail their counters and a truncated
 * file fails because no chunk carries the last flag where it ends. Each file has its own key (HKDF of the
 * backup key and a random salt) and its header is the additional data of every chunk.
 *
 * File: header `CLBK | version (1) | key id (8) | salt (16) | nonce prefix (7)`, then the chunks, each its
 * ciphertext and 16-byte tag; every chunk but the last is full, the last holds 0-64 KiB.
 */
export const CHUNK_SIZE = 64 * 1024;
const TAG_SIZE = 16;
const SEALED_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE;
const MAGIC = Buffer.from('CLBK', 'ascii');
const VERSION = 1;
const KEY_ID_SIZE = 8;
const SALT_SIZE = 16;
const PREFIX_SIZE = 7;
export const HEADER_SIZE = MAGIC.length + 1 + KEY_ID_SIZE + SALT_SIZE + PREFIX_SIZE;
const MAX_CHUNKS = 2 ** 32;

export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
}

function fileKey(key: BackupKey, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', key.encryption, salt, 'castline-backup-file', 32));
}

function nonce(prefix: Buffer, counter: number, last: boolean): Buffer {
  const value = Buffer.alloc(12);
  prefix.copy(value, 0);
  value.writeUInt32BE(counter, PREFIX_SIZE);
  value[11] = last ? 1 : 0;
  return value;
}

/** Collects incoming buffers and hands out exact-size pieces without copying more than needed. */
class ByteQueue {
  private parts: Buffer[] = [];
  length = 0;

  push(chunk: Buffer): void {
    this.parts.push(chunk);
    this.length += chunk.length;
  }

  take(size: number): Buffer {
    const first = this.parts[0];
    if (first && first.length >= size) {
      const piece = first.subarray(0, size);
      if (first.length === size) this.parts.shift();
      else this.parts[0] = first.subarray(size);
      this.length -= size;
      return piece;
    }
    const all = Buffer.concat(this.parts, this.length);
    this.parts = all.length > size ? [all.subarray(size)] : [];
    this.length -= size;
    return all.subarray(0, size);
  }
}

/** Encrypts a stream with the keyring's current key. */
export class EncryptStream extends Transform {
  private readonly queue = new ByteQueue();
  private readonly header: Buffer;
  private readonly key: Buffer;
  private readonly prefix: Buffer;
  private counter = 0;

  constructor(key: BackupKey) {
    super();
    const salt = randomBytes(SALT_SIZE);
    this.prefix = randomBytes(PREFIX_SIZE);
    this.header = Buffer.concat([MAGIC, Buffer.from([VERSION]), Buffer.from(key.id, 'hex'), salt, this.prefix]);
    this.key = fileKey(key, salt);
    this.push(this.header);
  }

  private seal(plain: Buffer, last: boolean): Buffer {
    if (this.counter >= MAX_CHUNKS) throw new Error('file too large for one encrypted stream');
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce(this.prefix, this.counter++, last));
    cipher.setAAD(this.header);
    const body = cipher.update(plain);
    cipher.final();
    return Buffer.concat([body, cipher.getAuthTag()]);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.queue.push(chunk);
      // A full chunk is sealed only once more bytes follow it: the last chunk is known only at the end.
      while (this.queue.length > CHUNK_SIZE) this.push(this.seal(this.queue.take(CHUNK_SIZE), false));
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.push(this.seal(this.queue.take(this.queue.length), true));
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }
}

/** Reads the key id from a file's header (the first HEADER_SIZE bytes). */
export function parseHeader(header: Buffer): { keyId: string; salt: Buffer; prefix: Buffer } {
  if (header.length < HEADER_SIZE || !header.subarray(0, MAGIC.length).equals(MAGIC)) throw new DecryptionError('not an encrypted backup file');
  const version = header[MAGIC.length];
  if (version !== VERSION) throw new DecryptionError(`unknown encryption format version ${String(version)}`);
  let offset = MAGIC.length + 1;
  const keyId = header.subarray(offset, (offset += KEY_ID_SIZE)).toString('hex');
  const salt = header.subarray(offset, (offset += SALT_SIZE));
  const prefix = header.subarray(offset, offset + PREFIX_SIZE);
  return { keyId, salt: Buffer.from(salt), prefix: Buffer.from(prefix) };
}

/** Decrypts a stream written by EncryptStream, with the key its header names; any tampering is an error. */
export class DecryptStream extends Transform {
  private readonly queue = new ByteQueue();
  private header?: Buffer;
  private key?: Buffer;
  private prefix?: Buffer;
  private counter = 0;

  constructor(private readonly keyring: BackupKeyring) {
    super();
  }

  private open(sealed: Buffer, last: boolean): Buffer {
    if (sealed.length < TAG_SIZE) throw new DecryptionError('truncated: the last chunk is incomplete');
    const decipher = createDecipheriv('aes-256-gcm', this.key!, nonce(this.prefix!, this.counter, last));
    decipher.setAAD(this.header!);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
    const body = decipher.update(sealed.subarray(0, sealed.length - TAG_SIZE));
    try {
      decipher.final();
    } catch {
      throw new DecryptionError(`chunk ${this.counter} failed authentication (tampered, reordered or truncated)`);
    }
    this.counter++;
    return body;
  }

  private readHeader(): boolean {
    if (this.header) return true;
    if (this.queue.length < HEADER_SIZE) return false;
    const header = Buffer.from(this.queue.take(HEADER_SIZE));
    const parsed = parseHeader(header);
    const key = this.keyring.find(parsed.keyId);
    if (!key) throw new DecryptionError(`encrypted with an unknown key (id ${parsed.keyId}): set that key in BACKUP_ENCRYPTION_KEYS_OLD`);
    this.header = header;
    this.key = fileKey(key, parsed.salt);
    this.prefix = parsed.prefix;
    return true;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.queue.push(chunk);
      if (this.readHeader()) {
        while (this.queue.length > SEALED_CHUNK_SIZE) this.push(this.open(this.queue.take(SEALED_CHUNK_SIZE), false));
      }
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (!this.readHeader()) throw new DecryptionError('truncated: no complete header');
      this.push(this.open(this.queue.take(this.queue.length), true));
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }
}
