import { z } from 'zod';

/** Machine-readable error codes returned in `error.code` by every HTTP API and NATS handler. */
export const ErrorCodes = {
  validationFailed: 'VALIDATION_FAILED',
  unauthenticated: 'UNAUTHENTICATED',
  invalidCredentials: 'INVALID_CREDENTIALS',
  tokenExpired: 'TOKEN_EXPIRED',
  tokenInvalid: 'TOKEN_INVALID',
  /** The user's tokens were revoked (disabled, demoted, deleted, password changed, signed out everywhere). */
  tokenRevoked: 'TOKEN_REVOKED',
  /** The action needs the password typed again (the sign-in is older than 5 minutes). */
  reauthenticationRequired: 'REAUTHENTICATION_REQUIRED',
  refreshTokenReused: 'REFRESH_TOKEN_REUSED',
  accountDisabled: 'ACCOUNT_DISABLED',
  forbidden: 'FORBIDDEN',
  notFound: 'NOT_FOUND',
  conflict: 'CONFLICT',
  rateLimited: 'RATE_LIMITED',
  serviceUnavailable: 'SERVICE_UNAVAILABLE',
  upstreamTimeout: 'UPSTREAM_TIMEOUT',
  /** A NATS request or reply did not match its contract (packages/contracts/src/catalog.ts); names subject and field. */
  contractViolation: 'CONTRACT_VIOLATION',
  internal: 'INTERNAL_ERROR',
  /** A channel source's host: a refused address range, a numeric spelling, or a name that does not resolve. */
  sourceAddressRefused: 'SOURCE_ADDRESS_REFUSED',
  sourceHostNumeric: 'SOURCE_HOST_NUMERIC',
  sourceHostUnresolved: 'SOURCE_HOST_UNRESOLVED',
  /** An FFmpeg URL option that is not allow-listed for the source's protocol (details name it). */
  sourceOptionRefused: 'SOURCE_OPTION_REFUSED',
  /** A check or receiver target the SSRF guard refuses (special address range) unless ALERTS_ALLOWED_TARGETS allows it. */
  targetForbidden: 'TARGET_FORBIDDEN',
  /** A backup, verify or restore runs already (one at a time). */
  backupBusy: 'BACKUP_BUSY',
  /** pg_dump/pg_restore's major version differs from the server's (the message names both). */
  backupPgClientMismatch: 'BACKUP_PG_CLIENT_MISMATCH',
  /** A backup failed verification: a file missing, extra or changed, its manifest tampered, or it does not decrypt. */
  backupCorrupt: 'BACKUP_CORRUPT',
  /** The backup's database has migrations this version does not know: restore it with a newer Castline. */
  backupSchemaNewer: 'BACKUP_SCHEMA_NEWER',
  /** BACKUP_DIR has not the free space a component (media) needs: checked before it is written. */
  backupNoSpace: 'BACKUP_NO_SPACE',
  /** Connecting an ad account: the platform refused the credentials (campaigns). */
  metaTokenInvalid: 'META_TOKEN_INVALID',
  googleInvalidGrant: 'GOOGLE_INVALID_GRANT',
  adPlatformUnavailable: 'AD_PLATFORM_UNAVAILABLE',
  /** POST /api/v1/collect (traffic-logger): the tracker's event was refused. */
  invalidPayload: 'INVALID_PAYLOAD',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  unknownSite: 'UNKNOWN_SITE',
  originNotAllowed: 'ORIGIN_NOT_ALLOWED',
  ingestUnavailable: 'INGEST_UNAVAILABLE',
  /** Traffic search and export (traffic-logger); STORE_UNAVAILABLE: traffic reads got no answer within 2 s. */
  invalidCursor: 'INVALID_CURSOR',
  searchTimeout: 'SEARCH_TIMEOUT',
  exportTooLarge: 'EXPORT_TOO_LARGE',
  storeUnavailable: 'STORE_UNAVAILABLE',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
    requestId: z.string().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/**
 * `error.details` of a refusal about fields: a 400 VALIDATION_FAILED lists every bad field, and a refusal such
 * as a 409 on a taken slug names the field it is about. Paths are dotted (`sources.1.url`), as in the body sent.
 */
export const FieldProblemsSchema = z.object({
  fields: z.array(z.object({ path: z.string(), message: z.string() })),
});
export type FieldProblems = z.infer<typeof FieldProblemsSchema>;

export const fieldProblem = (path: string, message: string): FieldProblems => ({ fields: [{ path, message }] });
