import {
  BackupSettingsSchema,
  ListBackupsSchema,
  RestoreBackupBodySchema,
  RetentionPreviewRequestSchema,
  Rpc,
} from '@castline/contracts';
import type { Principal } from '../auth/principal';
import { forward, forwardController } from '../common/forward';

/** Who asked, as the backup service records it (requested_by). */
const requester = (principal: Principal) => (principal.kind === 'user' ? principal.email : `api-key:${principal.name}`);

/**
 * The backup service's routes (admin only): the catalogue, verify, restore with typed confirmation, settings
 * and the retention preview. Every job runs on the service's one-at-a-time queue; a second backup or restore
 * while one runs is 409 BACKUP_BUSY.
 */
export const BackupsController = forwardController('BackupsController', 'backups', 'backups', [
  forward({
    name: 'list',
    method: 'GET',
    path: '',
    permission: 'backups:read',
    rpc: Rpc.backups.list,
    summary: 'List backups, newest first (filter by status)',
    query: ListBackupsSchema,
  }),
  forward({
    name: 'restores',
    method: 'GET',
    path: 'restores',
    permission: 'backups:read',
    rpc: Rpc.backups.restores,
    summary: 'Restore history, newest first, each with its steps',
  }),
  forward({
    name: 'restore_get',
    method: 'GET',
    path: 'restores/:id',
    permission: 'backups:read',
    rpc: Rpc.backups.restoreGet,
    summary: 'One restore and its steps so far',
  }),
  forward({
    name: 'undo',
    method: 'POST',
    path: 'restores/:id/undo',
    permission: 'backups:restore',
    rpc: Rpc.backups.undo,
    audit: { action: 'backups.undo', targetType: 'restore' },
    summary: 'Switch back to the database a restore replaced (kept as <db>_pre_restore_<id>); files stay as restored',
    request: ({ id, principal }) => ({ id, requestedBy: requester(principal) }),
    status: 202,
  }),
  forward({
    name: 'settings',
    method: 'GET',
    path: 'settings',
    permission: 'backups:read',
    rpc: Rpc.backups.settings,
    summary: 'Schedule, retention rules and components',
  }),
  forward({
    name: 'update_settings',
    method: 'PUT',
    path: 'settings',
    permission: 'backups:write',
    rpc: Rpc.backups.updateSettings,
    audit: { action: 'backups.settings', targetType: 'backup_settings' },
    summary: 'Change the schedule (cron + time zone), retention rules or components; 400 on a bad cron or rules keeping nothing',
    body: BackupSettingsSchema.partial(),
    request: ({ body, principal }) => ({ ...body, updatedBy: requester(principal) }),
  }),
  forward({
    name: 'retention_preview',
    method: 'POST',
    path: 'retention/preview',
    permission: 'backups:read',
    rpc: Rpc.backups.retentionPreview,
    summary: 'Dry run: which backups the rules (saved, or given) keep, by which rule, and which they delete',
    body: RetentionPreviewRequestSchema,
    status: 200,
  }),
  forward({
    name: 'get',
    method: 'GET',
    path: ':id',
    permission: 'backups:read',
    rpc: Rpc.backups.get,
  }),
  forward({
    name: 'create',
    method: 'POST',
    path: '',
    permission: 'backups:write',
    rpc: Rpc.backups.create,
    audit: { action: 'backups.create', targetType: 'backup', targetFromReply: true },
    summary: 'Start a backup now (queued; 409 BACKUP_BUSY while a backup or restore runs)',
    request: ({ principal }) => ({ requestedBy: requester(principal) }),
  }),
  forward({
    name: 'delete',
    method: 'DELETE',
    path: ':id',
    permission: 'backups:write',
    rpc: Rpc.backups.delete,
    audit: { action: 'backups.delete', targetType: 'backup' },
    status: 204,
  }),
  forward({
    name: 'verify',
    method: 'POST',
    path: ':id/verify',
    permission: 'backups:write',
    rpc: Rpc.backups.verify,
    audit: { action: 'backups.verify', targetType: 'backup' },
    summary: 'Queue a verify: re-hash every file, check the manifest HMAC, decrypt everything',
    status: 202,
  }),
  forward({
    name: 'restore',
    method: 'POST',
    path: ':id/restore',
    permission: 'backups:restore',
    rpc: Rpc.backups.restore,
    audit: { action: 'backups.restore', targetType: 'backup' },
    summary: "Restore this backup over the live system; `confirm` must be the backup's name (400 otherwise)",
    body: RestoreBackupBodySchema,
    request: ({ id, body, principal }) => ({ id, confirm: body.confirm, requestedBy: requester(principal) }),
    status: 202,
  }),
]);
