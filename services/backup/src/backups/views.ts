import type { BackupSettings as BackupSettingsRow, RestoreHistory } from '@castline/db';
import type { BackupSettingsView, BackupView, RestoreStep, RestoreView } from '@castline/contracts';
import type { BackupWithComponents } from './backups.repository';

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function toBackupView(row: BackupWithComponents): BackupView {
  return {
    id: row.id,
    name: row.name,
    trigger: row.trigger as BackupView['trigger'],
    requestedBy: row.requestedBy,
    status: row.status as BackupView['status'],
    error: row.error,
    sizeBytes: Number(row.sizeBytes),
    manifestSha256: row.manifestSha256,
    keyId: row.keyId,
    pgServerVersion: row.pgServerVersion,
    pgDumpVersion: row.pgDumpVersion,
    appVersion: row.appVersion,
    schemaMigration: row.schemaMigration,
    offsiteState: row.offsiteState as BackupView['offsiteState'],
    offsiteError: row.offsiteError,
    startedAt: row.startedAt.toISOString(),
    completedAt: iso(row.completedAt),
    verifiedAt: iso(row.verifiedAt),
    components: [...row.components]
      .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())
      .map((component) => ({
        kind: component.kind as BackupView['components'][number]['kind'],
        path: component.path,
        status: component.status as BackupView['components'][number]['status'],
        sizeBytes: Number(component.sizeBytes),
        sourceBytes: Number(component.sourceBytes),
        sha256: component.sha256,
      })),
  };
}

export function toRestoreView(row: RestoreHistory): RestoreView {
  return {
    id: row.id,
    backupId: row.backupId,
    backupName: row.backupName,
    kind: row.kind as RestoreView['kind'],
    requestedBy: row.requestedBy,
    step: row.step,
    steps: row.steps as RestoreStep[],
    result: row.result as RestoreView['result'],
    error: row.error,
    restoreDatabase: row.restoreDatabase,
    previousDatabase: row.previousDatabase,
    switchWindowMs: row.switchWindowMs,
    startedAt: row.startedAt.toISOString(),
    finishedAt: iso(row.finishedAt),
  };
}

export function toSettingsView(row: BackupSettingsRow, nextRunAt: Date | null): BackupSettingsView {
  return {
    scheduleCron: row.scheduleCron,
    scheduleTimezone: row.scheduleTimezone,
    verifyCron: row.verifyCron,
    keepLast: row.keepLast,
    keepDaily: row.keepDaily,
    keepWeekly: row.keepWeekly,
    keepMonthly: row.keepMonthly,
    components: row.components as BackupSettingsView['components'],
    excludeTableData: row.excludeTableData,
    offsiteEnabled: row.offsiteEnabled,
    offsite: (row.offsite ?? null) as BackupSettingsView['offsite'],
    nextRunAt: iso(nextRunAt),
    updatedAt: row.updatedAt.toISOString(),
  };
}
