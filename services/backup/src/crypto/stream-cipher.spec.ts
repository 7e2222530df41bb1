import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { BackupKeyring } from './backup-keyring';
import { CHUNK_SIZE, DecryptStream, EncryptStream, HEADER_SIZE } from './stream-cipher';

const SECRET = 'a-backup-secret-of-at-least-32-characters';
const keyring = new BackupKeyring(SECRET);
const SEALED = CHUNK_SIZE + 16;

const encrypt = (plain: Buffer, ring = keyring) => buffer(Readable.from([plain]).pipe(new EncryptStream(ring.current)));
/** Feeds the ciphertext in odd-sized pieces so chunk boundaries never line up with writes. */
const decrypt = (sealed: Buffer, ring = keyring) => {
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < sealed.length; offset += 7_777) pieces.push(sealed.subarray(offset, offset + 7_777));
  return buffer(Readable.from(pieces).pipe(new DecryptStream(ring)));
};

describe('STREAM encryption', () => {
  it.each([0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE, 3 * CHUNK_SIZE + 12_345])('round-trips %i bytes', async (size) => {
    const plain = randomBytes(size);
    const sealed = await encrypt(plain);
    const chunks = Math.max(1, Math.ceil(size / CHUNK_SIZE));
    expect(sealed.length).toBe(HEADER_SIZE + size + chunks * 16);
    expect((await decrypt(sealed)).equals(plain)).toBe(true);
  });

  it('encrypts the same bytes differently each time (salt and nonce prefix are random)', async () => {
    const plain = Buffer.from('same plaintext');
    expect((await encrypt(plain)).equals(await encrypt(plain))).toBe(false);
  });

  it('refuses a flipped byte in a chunk, in a tag and in the header', async () => {
    const sealed = await encrypt(randomBytes(2 * CHUNK_SIZE + 10));
    for (const position of [HEADER_SIZE + 5, HEADER_SIZE + SEALED - 1, HEADER_SIZE + SEALED + 100, 10]) {
      const tampered = Buffer.from(sealed);
      tampered[position]! ^= 0x01;
      await expect(decrypt(tampered)).rejects.toThrow();
    }
  });

  it('refuses a file truncated at a chunk boundary and inside a chunk', async () => {
    const sealed = await encrypt(randomBytes(3 * CHUNK_SIZE + 10));
    await expect(decrypt(sealed.subarray(0, HEADER_SIZE + 2 * SEALED))).rejects.toThrow('failed authentication');
    await expect(decrypt(sealed.subarray(0, sealed.length - 5))).rejects.toThrow('failed authentication');
    await expect(decrypt(sealed.subarray(0, HEADER_SIZE + 8))).rejects.toThrow('truncated');
    await expect(decrypt(sealed.subarray(0, 10))).rejects.toThrow('truncated');
  });

  it('refuses reordered chunks and an appended chunk', async () => {
    const sealed = await encrypt(randomBytes(3 * CHUNK_SIZE + 10));
    const header = sealed.subarray(0, HEADER_SIZE);
    const chunk = (index: number) => sealed.subarray(HEADER_SIZE + index * SEALED, HEADER_SIZE + (index + 1) * SEALED);
    const swapped = Buffer.concat([header, chunk(1), chunk(0), sealed.subarray(HEADER_SIZE + 2 * SEALED)]);
    await expect(decrypt(swapped)).rejects.toThrow('chunk 0 failed authentication');
    await expect(decrypt(Buffer.concat([sealed, chunk(0)]))).rejects.toThrow('failed authentication');
  });

  it('refuses another key and reads an old one from BACKUP_ENCRYPTION_KEYS_OLD', async () => {
    const plain = randomBytes(1000);
    const sealed = await encrypt(plain);
    const other = new BackupKeyring('another-backup-secret-of-32-characters!');
    await expect(decrypt(sealed, other)).rejects.toThrow(`unknown key (id ${keyring.current.id})`);
    const rotated = new BackupKeyring('another-backup-secret-of-32-characters!', [SECRET]);
    expect((await decrypt(sealed, rotated)).equals(plain)).toBe(true);
  });

  it('refuses a header naming a key that exists but was swapped in (the header is authenticated)', async () => {
    const rotated = new BackupKeyring('another-backup-secret-of-32-characters!', [SECRET]);
    const sealed = Buffer.from(await encrypt(randomBytes(100)));
    // Rewrite the key id to the other key: the derived key and the AAD both change.
    Buffer.from(rotated.current.id, 'hex').copy(sealed, 5);
    await expect(decrypt(sealed, rotated)).rejects.toThrow('failed authentication');
  });
});
