import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Seals small secrets (source URLs with credentials, webhook URLs, SMTP passwords, ad-platform tokens) for
 * storage: AES-256-GCM with a random 96-bit IV, written as `v2.<key id>.<iv>.<tag>.<ciphertext>` (base64url).
 * A key is the SHA-256 of a secret string from the environment, so any long random string works as one.
 *
 * - Rotation: the key id inside each value names the key that sealed it; `previousSecrets` still open
 *   values sealed before a rotation, and `needsResealing` tells a caller to write them back with the new key.
 * - Context binding: `aad` (for example `ad_accounts:<id>:credentials`) is authenticated, not stored, so a
 *   sealed value copied into another row or column fails to open there.
 * - Opening checks the tag: a tampered or foreign value throws instead of returning garbage. Values written
 *   before key ids existed (`v1.<iv>.<tag>.<ciphertext>`, no AAD) still open with the current key.
 */
export class SecretBox {
  private readonly key: Buffer;
  readonly keyId: string;
  private readonly keysById: Map<string, Buffer>;

  constructor(secret: string, previousSecrets: readonly string[] = []) {
    const keys = [secret, ...previousSecrets].map((value) => {
      if (value.length < 16) throw new Error('The secret box key must be at least 16 characters');
      return createHash('sha256').update(value, 'utf8').digest();
    });
    this.key = keys[0] as Buffer;
    this.keyId = keyIdOf(this.key);
    this.keysById = new Map(keys.map((key) => [keyIdOf(key), key]));
  }

  seal(plaintext: string, aad = ''): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v2', this.keyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  open(sealed: string, aad = ''): string {
    const parsed = parseSealed(sealed);
    const key = parsed.keyId === undefined ? this.key : this.keysById.get(parsed.keyId);
    if (!key) throw new Error(`Sealed with an unknown key (${parsed.keyId}): set its secret among the previous keys`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parsed.iv, 'base64url'));
    if (parsed.keyId !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(parsed.tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(parsed.body, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** True when the value was sealed by an older key (or format) and should be written back with `seal`. */
  needsResealing(sealed: string): boolean {
    return parseSealed(sealed).keyId !== this.keyId;
  }
}

function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('castline-secret-box-key-id').update(key).digest('base64url').slice(0, 8);
}

function parseSealed(sealed: string): { keyId: string | undefined; iv: string; tag: string; body: string } {
  const parts = sealed.split('.');
  if (parts[0] === 'v1' && parts.length === 4) return { keyId: undefined, iv: parts[1] as string, tag: parts[2] as string, body: parts[3] as string };
  if (parts[0] === 'v2' && parts.length === 5) return { keyId: parts[1] as string, iv: parts[2] as string, tag: parts[3] as string, body: parts[4] as string };
  throw new Error('Not a sealed secret');
}
