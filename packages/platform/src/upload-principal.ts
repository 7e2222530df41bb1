import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * X-Castline-Principal: who nginx's auth_request found behind a tus upload request, signed by the gateway
 * with MEDIA_UPLOAD_SECRET and checked by media. `<base64url(JSON payload)>.<base64url(HMAC-SHA256)>`.
 */
export const PRINCIPAL_HEADER = 'x-castline-principal';

export interface UploadPrincipal {
  /** "user:<id>" or "api-key:<id>". */
  sub: string;
  /** A label for the audit trail and the video's uploadedBy. */
  label: string;
  /** Epoch seconds after which media refuses it (it is minted per request, so a short life is enough). */
  exp: number;
}

export const UPLOAD_PRINCIPAL_TTL_SECONDS = 300;

const mac = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');

export function signUploadPrincipal(secret: string, principal: UploadPrincipal): string {
  const payload = Buffer.from(JSON.stringify(principal)).toString('base64url');
  return `${payload}.${mac(secret, payload)}`;
}

/** The principal of a valid, unexpired header; null for anything else (missing, forged, expired, malformed). */
export function verifyUploadPrincipal(secret: string, header: string | undefined, now = Date.now()): UploadPrincipal | null {
  if (!header || header.length > 2048) return null;
  const [payload, signature, extra] = header.split('.');
  if (!payload || !signature || extra !== undefined) return null;
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const principal = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as UploadPrincipal;
    if (typeof principal.sub !== 'string' || typeof principal.label !== 'string' || typeof principal.exp !== 'number') return null;
    return principal.exp * 1000 >= now ? principal : null;
  } catch {
    return null;
  }
}

/** Development only (gateway and media both default to it): production refuses to start with it. */
export const DEV_MEDIA_UPLOAD_SECRET = 'castline-development-media-upload-secret-not-for-production';

/**
 * The backup service's transfer routes (download, import) take the same header, signed with BACKUP_TRANSFER_SECRET
 * bound to the permission the gateway checked: a header minted for a download does not open an import.
 */
export type BackupTransferScope = 'download' | 'import';
export const backupTransferKey = (secret: string, scope: BackupTransferScope) => `${secret}\u0000backup-${scope}`;

/** Development only (gateway and backup both default to it): production refuses to start with it. */
export const DEV_BACKUP_TRANSFER_SECRET = 'castline-development-backup-transfer-secret-not-for-production';
