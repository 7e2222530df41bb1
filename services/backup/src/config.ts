import { baseConfigSchema, DEV_BACKUP_TRANSFER_SECRET, loadConfig } from '@castline/platform';
import { z } from 'zod';

/** Development only: production refuses to start with it. */
export const DEV_BACKUP_ENCRYPTION_KEY = 'castline-development-backup-key-not-for-production';

const commaList = z
  .string()
  .default('')
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));

export const BackupConfigSchema = baseConfigSchema
  .extend({
    PORT: z.coerce.number().int().min(0).max(65535).default(3004),
    /** Where archives are written: one directory per backup, `.partial-<id>` while it is written. */
    BACKUP_DIR: z.string().default('data/backups'),
    /** The logos (channels' UPLOADS_DIR), archived as uploads.tar. */
    UPLOADS_DIR: z.string().default('data/uploads'),
    /** The media library (media's MEDIA_ROOT), archived as media.tar without incoming/ and work/; unset: no media.tar. */
    MEDIA_ROOT: z.string().optional(),
    /** The rendered nginx config (compose: nginx's CASTLINE_NGINX_CONF_DIR volume), archived as nginx.tar; unset: none. */
    BACKUP_NGINX_DIR: z.string().optional(),
    /** Free space kept on BACKUP_DIR besides what media.tar needs (checked before it is written). */
    BACKUP_DISK_RESERVE_BYTES: z.coerce.number().int().min(0).default(256 * 1024 ** 2),
    /**
     * The database to back up and restore, as a role that may create and rename databases, bypassing PgBouncer
     * (pg_dump needs a session of its own). Unset: DATABASE_URL.
     */
    BACKUP_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    /**
     * Encrypts every archived file and keys the manifest's HMAC: any string of at least 32 characters. Required
     * in production (`npm start` generates one into .cache/local.env); losing it loses every backup.
     */
    BACKUP_ENCRYPTION_KEY: z.string().min(32, 'at least 32 characters').default(DEV_BACKUP_ENCRYPTION_KEY),
    /** Keys of older backups (comma-separated), for reading only. */
    BACKUP_ENCRYPTION_KEYS_OLD: commaList.pipe(z.array(z.string().min(32, 'each at least 32 characters'))),
    /**
     * The role a restore creates the new database and its objects as (CREATE DATABASE ... OWNER, pg_restore
     * --role), so the restored tables belong to the migrations' owner and keep the app role's default privileges
     * (compose: castline_owner; the backup role must be a member of it). Unset: the connecting role.
     */
    BACKUP_RESTORE_ROLE: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a role name').optional(),
    /**
     * PgBouncer's admin console (postgresql://<admin_user>@pgbouncer:6432/pgbouncer). Set: the restore switch
     * PAUSEs the database's pools across the renames (clients wait, see no error) and RESUMEs them. Unset:
     * connections are refused and ended during the switch (pools reconnect).
     */
    BACKUP_PGBOUNCER_ADMIN_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    /** The database's name in PgBouncer's [databases]; unset: the live database's name. */
    BACKUP_PGBOUNCER_DATABASE: z.string().regex(/^[A-Za-z0-9_]+$/, 'a plain database name').optional(),
    /** A PAUSE that takes longer (a long transaction holds a server connection) is undone and the switch abandoned. */
    BACKUP_PGBOUNCER_PAUSE_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    /** Directory of pg_dump/pg_restore; unset: /usr/lib/postgresql/<server major>/bin, then PATH. */
    PG_BIN_DIR: z.string().optional(),
    /** The .env-like secrets file archived as config.env (compose mounts ./.env; npm start passes .cache/local.env). */
    BACKUP_CONFIG_FILE: z.string().optional(),
    /** Run pg_dump and tar at nice 10 and ionice idle, and the service process itself at nice 10 (process-priority.ts). */
    BACKUP_LOW_PRIORITY: z
      .enum(['true', 'false'])
      .default('true')
      .transform((value) => value === 'true'),
    // ---- off-host copy (src/offsite; the settings' `offsite` JSON overrides endpoint/bucket/region/prefix) ----
    /** The S3-compatible store's endpoint (path-style), e.g. https://s3.example.com; unset: AWS S3 by region. */
    BACKUP_S3_ENDPOINT: z.url().optional(),
    BACKUP_S3_BUCKET: z.string().optional(),
    BACKUP_S3_REGION: z.string().default('us-east-1'),
    /** Key prefix under which each backup's directory is copied: <prefix><backup name>/<file>. */
    BACKUP_S3_PREFIX: z.string().default('castline/'),
    /** Credentials; unset: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. */
    BACKUP_S3_ACCESS_KEY_ID: z.string().optional(),
    BACKUP_S3_SECRET_ACCESS_KEY: z.string().optional(),
    AWS_ACCESS_KEY_ID: z.string().optional(),
    AWS_SECRET_ACCESS_KEY: z.string().optional(),
    /** Files above this many MiB go up in parts of this size (S3's minimum part is 5 MiB). */
    BACKUP_S3_PART_SIZE_MB: z.coerce.number().int().min(5).max(5120).default(16),
    /** Attempts per S3 request (the SDK's standard retry, with backoff). */
    BACKUP_S3_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
    /** A request whose socket is idle this long (a hung store) fails and is retried. */
    BACKUP_S3_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
    /** Upload passes per off-host job before the copy is `failed`, and the first backoff between them. */
    BACKUP_OFFSITE_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
    BACKUP_OFFSITE_BACKOFF_MS: z.coerce.number().int().min(0).default(5_000),
    /** Checks X-Castline-Principal of downloads and imports (the gateway signs it after nginx's auth_request). */
    BACKUP_TRANSFER_SECRET: z.string().min(16).default(DEV_BACKUP_TRANSFER_SECRET),
    /** An imported archive larger than this is refused (413) and removed; nginx's limit is BACKUP_IMPORT_MAX_BODY_SIZE. */
    BACKUP_IMPORT_MAX_BYTES: z.coerce.number().int().min(1).default(100 * 1024 ** 3),
    /**
     * The restore test (cron, UTC): the newest usable backup restored into a scratch database, checked as a restore
     * is, then dropped (restore_history kind `test`). Default Sundays 04:30 UTC; empty: never.
     */
    BACKUP_RESTORE_TEST_CRON: z.string().default('30 4 * * 0'),
    /** How often failed copies are retried and remote orphans removed (cron, UTC). Empty: never. */
    BACKUP_OFFSITE_RETRY_CRON: z.string().default('*/15 * * * *'),
  })
  .superRefine((config, context) => {
    if (config.NODE_ENV === 'production' && config.BACKUP_ENCRYPTION_KEY === DEV_BACKUP_ENCRYPTION_KEY) {
      context.addIssue({ code: 'custom', path: ['BACKUP_ENCRYPTION_KEY'], message: 'is required in production' });
    }
    if (config.NODE_ENV === 'production' && config.BACKUP_TRANSFER_SECRET === DEV_BACKUP_TRANSFER_SECRET) {
      context.addIssue({ code: 'custom', path: ['BACKUP_TRANSFER_SECRET'], message: 'must be set to at least 32 random characters in production' });
    }
  });

export type BackupConfig = z.infer<typeof BackupConfigSchema>;

export const loadBackupConfig = (env: Record<string, string | undefined> = process.env) => loadConfig('backup', BackupConfigSchema, env);

/** The URL backups dump from and restores switch: BACKUP_DATABASE_URL, else DATABASE_URL. */
export const backupDatabaseUrl = (config: Pick<BackupConfig, 'BACKUP_DATABASE_URL' | 'DATABASE_URL'>) => config.BACKUP_DATABASE_URL ?? config.DATABASE_URL;
