import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** One backup key: the secret's SHA-256, split by HKDF into an encryption key and a manifest HMAC key. */
export interface BackupKey {
  /** 16 hex characters naming the key in each file's header and the manifest, never revealing it. */
  id: string;
  encryption: Buffer;
  mac: Buffer;
}

function deriveKey(secret: string): BackupKey {
  const master = createHash('sha256').update(secret, 'utf8').digest();
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
  return {
    id: createHash('sha256').update('castline-backup-key-id').update(master).digest('hex').slice(0, 16),
    encryption: derive('castline-backup-encryption'),
    mac: derive('castline-backup-manifest-hmac'),
  };
}

/**
 * BACKUP_ENCRYPTION_KEY writes (encrypts and signs new backups); it and BACKUP_ENCRYPTION_KEYS_OLD read, each
 * picked by the key id a file or manifest names.
 */
export class BackupKeyring {
  readonly current: BackupKey;
  private readonly byId: Map<string, BackupKey>;

  constructor(secret: string, oldSecrets: readonly string[] = []) {
    this.current = deriveKey(secret);
    this.byId = new Map([this.current, ...oldSecrets.map(deriveKey)].map((key) => [key.id, key]));
  }

  /** The key with this id, or undefined when neither the current nor an old key has it. */
  find(id: string): BackupKey | undefined {
    return this.byId.get(id);
  }

  /** The key with this id; an error naming the id otherwise. */
  get(id: string): BackupKey {
    const key = this.find(id);
    if (!key) throw new Error(`encrypted with an unknown key (id ${id}): set that key in BACKUP_ENCRYPTION_KEYS_OLD`);
    return key;
  }
}

export function hmacHex(key: BackupKey, data: string): string {
  return createHmac('sha256', key.mac).update(data, 'utf8').digest('hex');
}

export function hexEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
