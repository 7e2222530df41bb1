import { z } from 'zod';
import { pageSchema } from './views';

/** What the backup service answers and takes (gateway /api/v1/backups, dashboard /settings/backups). */

export const BACKUP_COMPONENTS = ['database', 'uploads', 'media', 'config', 'nginx'] as const;
export const BackupComponentKindSchema = z.enum(BACKUP_COMPONENTS);
export type BackupComponentKind = z.infer<typeof BackupComponentKindSchema>;

export const BackupStatusSchema = z.enum(['running', 'completed', 'failed', 'verified', 'corrupt']);
export type BackupStatus = z.infer<typeof BackupStatusSchema>;

export const RestoreResultSchema = z.enum(['success', 'failed', 'interrupted', 'rolled_back']);
export type RestoreResult = z.infer<typeof RestoreResultSchema>;

const isoDate = z.string();

export const BackupComponentViewSchema = z.object({
  kind: BackupComponentKindSchema,
  path: z.string(),
  status: z.enum(['running', 'completed', 'failed']),
  sizeBytes: z.number().nonnegative(),
  sourceBytes: z.number().nonnegative(),
  sha256: z.string().nullable(),
});
export type BackupComponentView = z.infer<typeof BackupComponentViewSchema>;

export const BackupViewSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  /** `import`: an archive uploaded through POST /api/v1/backups/import (verified before it was listed). */
  trigger: z.enum(['manual', 'schedule', 'import']),
  requestedBy: z.string().nullable(),
  status: BackupStatusSchema,
  error: z.string().nullable(),
  sizeBytes: z.number().nonnegative(),
  manifestSha256: z.string().nullable(),
  keyId: z.string().nullable(),
  pgServerVersion: z.string().nullable(),
  pgDumpVersion: z.string().nullable(),
  appVersion: z.string().nullable(),
  schemaMigration: z.string().nullable(),
  offsiteState: z.enum(['off', 'pending', 'uploading', 'uploaded', 'failed']),
  offsiteError: z.string().nullable().optional(),
  startedAt: isoDate,
  completedAt: isoDate.nullable(),
  verifiedAt: isoDate.nullable(),
  components: z.array(BackupComponentViewSchema),
});
export type BackupView = z.infer<typeof BackupViewSchema>;

export const BackupPageSchema = pageSchema(BackupViewSchema);
export type BackupPage = z.infer<typeof BackupPageSchema>;

export const ListBackupsSchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  status: BackupStatusSchema.optional(),
});
export type ListBackups = z.infer<typeof ListBackupsSchema>;

export const BackupIdSchema = z.object({ id: z.uuid() });

export const CreateBackupSchema = z.object({ requestedBy: z.string().optional() });

/** Queued work on the backups queue (a verify, a restore): which job, and the row it concerns. */
export const BackupJobReplySchema = z.object({ jobId: z.string(), backupId: z.uuid().optional(), restoreId: z.uuid().optional() });
export type BackupJobReply = z.infer<typeof BackupJobReplySchema>;

/** Restoring overwrites the live database: the caller types the backup's name to confirm. */
export const RestoreBackupBodySchema = z.object({ confirm: z.string().min(1, 'type the backup name to confirm') });
export const RestoreBackupRequestSchema = BackupIdSchema.extend(RestoreBackupBodySchema.shape).extend({ requestedBy: z.string().optional() });

export const RestoreStepSchema = z.object({
  step: z.string(),
  startedAt: isoDate,
  finishedAt: isoDate.optional(),
  result: z.enum(['success', 'failed']).optional(),
  error: z.string().optional(),
  detail: z.string().optional(),
});
export type RestoreStep = z.infer<typeof RestoreStepSchema>;

export const RestoreViewSchema = z.object({
  id: z.uuid(),
  backupId: z.uuid().nullable(),
  backupName: z.string(),
  kind: z.enum(['restore', 'undo', 'test']),
  requestedBy: z.string().nullable(),
  step: z.string(),
  steps: z.array(RestoreStepSchema),
  result: RestoreResultSchema.nullable(),
  error: z.string().nullable(),
  restoreDatabase: z.string().nullable(),
  previousDatabase: z.string().nullable(),
  switchWindowMs: z.number().int().nullable(),
  startedAt: isoDate,
  finishedAt: isoDate.nullable(),
});
export type RestoreView = z.infer<typeof RestoreViewSchema>;

export const RestoreListSchema = z.object({ items: z.array(RestoreViewSchema) });
export const RestoreIdSchema = z.object({ id: z.uuid() });

const cron = z
  .string()
  .trim()
  .regex(/^(\S+\s+){4}\S+$/, 'a cron expression of five fields, e.g. 0 3 * * *');
const keep = z.number().int().min(0).max(1000);

/**
 * Where off-host copies go, overriding BACKUP_S3_ENDPOINT/BUCKET/REGION/PREFIX of the environment field by field.
 * Credentials are never stored: they come from the environment only.
 */
export const OffsiteTargetSchema = z
  .object({
    endpoint: z.url({ protocol: /^https?$/ }).optional(),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens').optional(),
    region: z.string().regex(/^[a-z0-9-]{1,40}$/, 'a region such as us-east-1').optional(),
    prefix: z.string().max(200).regex(/^[\w!.*'()/-]*$/, "letters, digits and / - _ . ! * ' ( )").optional(),
  })
  .strict();
export type OffsiteTarget = z.infer<typeof OffsiteTargetSchema>;

export const BackupSettingsSchema = z.object({
  scheduleCron: cron.nullable(),
  scheduleTimezone: z.string().min(1),
  verifyCron: cron.nullable(),
  keepLast: keep,
  keepDaily: keep,
  keepWeekly: keep,
  keepMonthly: keep,
  components: z.array(BackupComponentKindSchema).min(1, 'at least one component'),
  excludeTableData: z.array(z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a table name')),
  offsiteEnabled: z.boolean(),
  /** Null or absent: the environment's BACKUP_S3_* alone. */
  offsite: OffsiteTargetSchema.nullable().optional(),
});
export type BackupSettings = z.infer<typeof BackupSettingsSchema>;

export const UpdateBackupSettingsSchema = BackupSettingsSchema.partial().extend({ updatedBy: z.string().optional() });
export type UpdateBackupSettings = z.infer<typeof UpdateBackupSettingsSchema>;

export const BackupSettingsViewSchema = BackupSettingsSchema.extend({ nextRunAt: isoDate.nullable(), updatedAt: isoDate });
export type BackupSettingsView = z.infer<typeof BackupSettingsViewSchema>;

/** The retention preview: what the rules (the saved ones, or those given) keep and delete, and why. */
export const RetentionPreviewRequestSchema = BackupSettingsSchema.pick({ keepLast: true, keepDaily: true, keepWeekly: true, keepMonthly: true }).partial();
export const RetentionPreviewSchema = z.object({
  items: z.array(z.object({ id: z.uuid(), name: z.string(), keep: z.boolean(), reasons: z.array(z.string()) })),
});
export type RetentionPreview = z.infer<typeof RetentionPreviewSchema>;

/** Published while a backup job runs (dashboard live progress). */
export const BackupProgressSchema = z.object({
  backupId: z.uuid().optional(),
  restoreId: z.uuid().optional(),
  kind: z.enum(['backup', 'verify', 'restore', 'retention']),
  /** The component being stored, or the restore step running. */
  stage: z.string(),
  bytes: z.number().nonnegative(),
  bytesPerSecond: z.number().nonnegative(),
  done: z.boolean(),
});
export type BackupProgress = z.infer<typeof BackupProgressSchema>;
