import { z } from 'zod';
import { type BackupKeyring, hexEqual, hmacHex } from '../crypto/backup-keyring';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 'castline-backup';

export const COMPONENT_KINDS = ['database', 'uploads', 'media', 'config', 'nginx'] as const;
export type ComponentKind = (typeof COMPONENT_KINDS)[number];

/** The file each component is stored as inside a backup's directory. */
export const COMPONENT_FILES: Record<ComponentKind, string> = {
  database: 'database.pgdump',
  uploads: 'uploads.tar',
  media: 'media.tar',
  config: 'config.env',
  nginx: 'nginx.tar',
};

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const ManifestMemberSchema = z.object({ path: z.string(), size: z.number().int().nonnegative(), sha256 });
export type ManifestMember = z.infer<typeof ManifestMemberSchema>;

export const ManifestFileSchema = z.object({
  component: z.enum(COMPONENT_KINDS),
  path: z.string(),
  /** Bytes stored (the encrypted file) and their SHA-256: verify re-hashes these without a key. */
  size: z.number().int().nonnegative(),
  sha256,
  /** Bytes before encryption. */
  plainSize: z.number().int().nonnegative(),
  /** For tar files: every member with the SHA-256 of its content. */
  members: z.array(ManifestMemberSchema).optional(),
});
export type ManifestFile = z.infer<typeof ManifestFileSchema>;

export const ManifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  version: z.literal(1),
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  keyId: z.string(),
  versions: z.object({ app: z.string(), node: z.string(), postgresServer: z.string(), pgDump: z.string() }),
  database: z.object({
    name: z.string(),
    /** Names of the applied migrations, oldest first (the database's `_prisma_migrations`). */
    migrations: z.array(z.string()),
    /** Rows per table in the snapshot the dump was taken from. */
    rowCounts: z.record(z.string(), z.number().int().nonnegative()),
    /** Tables whose rows were left out of the dump. */
    excludedTableData: z.array(z.string()),
  }),
  files: z.array(ManifestFileSchema),
  /** HMAC-SHA256 (the backup key's MAC key) of the canonical JSON of everything else. */
  hmac: z.string(),
});
export type Manifest = z.infer<typeof ManifestSchema>;
export type UnsignedManifest = Omit<Manifest, 'hmac'>;

/** JSON with object keys sorted at every level, so the HMAC does not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function signManifest(keyring: BackupKeyring, manifest: UnsignedManifest): Manifest {
  return { ...manifest, hmac: hmacHex(keyring.get(manifest.keyId), canonicalJson(manifest)) };
}

/** Parses a manifest's text and checks its HMAC; the reason when it fails either. */
export function openManifest(keyring: BackupKeyring, text: string): { manifest: Manifest } | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { problem: 'manifest.json is not JSON' };
  }
  const result = ManifestSchema.safeParse(parsed);
  if (!result.success) return { problem: `manifest.json is malformed: ${result.error.issues[0]?.path.join('.')} ${result.error.issues[0]?.message}` };
  const { hmac, ...unsigned } = result.data;
  const key = keyring.find(unsigned.keyId);
  if (!key) return { problem: `manifest.json is signed with an unknown key (id ${unsigned.keyId}): set that key in BACKUP_ENCRYPTION_KEYS_OLD` };
  if (!hexEqual(hmac, hmacHex(key, canonicalJson(unsigned)))) return { problem: 'manifest.json failed its HMAC check (tampered, or signed with another key)' };
  return { manifest: result.data };
}
