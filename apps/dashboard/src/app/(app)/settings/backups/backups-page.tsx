'use client';

import {
  type BackupSettingsView,
  type BackupStatus,
  type BackupProgress,
  type BackupView,
  ListBackupsSchema,
  type RestoreView,
  type RetentionPreview,
} from '@castline/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { ArchiveIcon, DownloadIcon, PlusIcon, UploadIcon } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { toast } from 'sonner';
import { z } from 'zod';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { EmptyState } from '@/components/empty-state';
import { PageHeader } from '@/components/page-header';
import { ResourceTable } from '@/components/resource-table';
import { PermissionGate, StatusBadge, When } from '@/components/settings/common';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { api, describeError } from '@/lib/api';
import { useCan } from '@/lib/auth';
import { formatBytes, formatDateTime } from '@/lib/format';
import { type LiveConnection, openLiveFeed } from '@/lib/live-metrics';
import { type Page, queryString } from '@/lib/settings';
import { useTableSearch } from '@/lib/use-table-search';

const BackupsSearchSchema = z.object({
  page: ListBackupsSchema.shape.page.catch(1),
  pageSize: ListBackupsSchema.shape.pageSize.catch(20),
  sort: z.string().catch('-startedAt'),
});

const backupKeys = {
  list: (params?: Record<string, unknown>): readonly unknown[] => (params ? ['backups', 'list', params] : ['backups', 'list']),
  restores: () => ['backups', 'restores'] as const,
  settings: () => ['backups', 'settings'] as const,
};

const STATUS: Record<BackupStatus, { label: string; tone: 'success' | 'muted' | 'warning' | 'destructive' }> = {
  running: { label: 'Running', tone: 'warning' },
  completed: { label: 'Completed', tone: 'muted' },
  verified: { label: 'Verified', tone: 'success' },
  failed: { label: 'Failed', tone: 'destructive' },
  corrupt: { label: 'Corrupt', tone: 'destructive' },
};

const RESULT_TONE = { success: 'success', failed: 'destructive', interrupted: 'warning', rolled_back: 'warning' } as const;

/**
 * backup.progress on the live feed: the newest progress of a running backup (component, bytes, MB/s), and the
 * list and the restore history refetched when a component, a restore step or a job finishes. While the feed is
 * not connected, the queries fall back to polling.
 */
function useBackupProgress(): { progress: BackupProgress | null; live: boolean } {
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState<BackupProgress | null>(null);
  const [connection, setConnection] = useState<LiveConnection>('connecting');
  useEffect(() => {
    let stage = '';
    return openLiveFeed([], {
      onConnection: setConnection,
      onMetrics: () => undefined,
      onEvent: () => undefined,
      onBackup: (next) => {
        setProgress(next.kind === 'backup' && !(next.done && next.stage === 'done') ? next : null);
        if (next.done || next.stage !== stage) {
          void queryClient.invalidateQueries({ queryKey: next.kind === 'restore' ? backupKeys.restores() : backupKeys.list() });
        }
        stage = next.stage;
      },
    });
  }, [queryClient]);
  return { progress, live: connection === 'live' };
}

/** Polls fast while something runs and the live feed is down; slowly otherwise (the feed says when to refetch). */
const pollEvery = (running: boolean, live: boolean) => (running && !live ? 1_000 : 30_000);

const OFFSITE: Record<Exclude<BackupView['offsiteState'], 'off'>, { label: string; tone: 'success' | 'warning' | 'destructive' | 'muted' }> = {
  pending: { label: 'Off-site: pending', tone: 'muted' },
  uploading: { label: 'Off-site: uploading', tone: 'warning' },
  uploaded: { label: 'Off-site', tone: 'success' },
  failed: { label: 'Off-site: failed', tone: 'destructive' },
};

/** Typed confirmation: the restore button only works once the backup's name is typed exactly. */
function RestoreDialog({ backup, onClose }: { backup: BackupView; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [typed, setTyped] = useState('');
  const restore = useMutation({
    mutationFn: () => api<RestoreView>(`/backups/${backup.id}/restore`, { method: 'POST', body: { confirm: typed } }),
    onSuccess: () => {
      toast.success(`Restore of ${backup.name} started`);
      void queryClient.invalidateQueries({ queryKey: backupKeys.restores() });
      onClose();
    },
    onError: (error) => toast.error('Could not start the restore', { description: describeError(error) }),
  });
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Restore {backup.name}?</DialogTitle>
          <DialogDescription>
            The whole database and the uploaded files go back to {formatDateTime(backup.startedAt)}. The backup is verified first; the
            current database is kept as a copy. Services reconnect by themselves.
          </DialogDescription>
        </DialogHeader>
        <div className="grid gap-2">
          <Label htmlFor="restore-confirm">Type the backup name to confirm</Label>
          <Input id="restore-confirm" autoComplete="off" value={typed} onChange={(event) => setTyped(event.target.value)} placeholder={backup.name} />
        </div>
        <DialogFooter>
          <Button variant="outline" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="destructive" disabled={typed !== backup.name || restore.isPending} onClick={() => restore.mutate()}>
            Restore
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function BackupActions({ backup, onRestore }: { backup: BackupView; onRestore: (backup: BackupView) => void }) {
  const queryClient = useQueryClient();
  const canWrite = useCan('backups:write');
  const canRestore = useCan('backups:restore');
  const refresh = () => void queryClient.invalidateQueries({ queryKey: backupKeys.list() });
  const verify = useMutation({
    mutationFn: () => api(`/backups/${backup.id}/verify`, { method: 'POST' }),
    onSuccess: () => {
      toast.success(`Verifying ${backup.name}`);
      refresh();
    },
    onError: (error) => toast.error('Could not verify', { description: describeError(error) }),
  });
  // A link cannot carry the bearer: a one-time ticket goes in its URL, and the attachment downloads in place.
  const download = useMutation({
    mutationFn: () => api<{ url: string }>(`/backups/${backup.id}/download-ticket`, { method: 'POST' }),
    onSuccess: ({ url }) => window.location.assign(url),
    onError: (error) => toast.error('Could not download', { description: describeError(error) }),
  });
  const remove = useMutation({
    mutationFn: () => api<void>(`/backups/${backup.id}`, { method: 'DELETE' }),
    onSuccess: () => {
      toast.success(`${backup.name} deleted`);
      refresh();
    },
    onError: (error) => toast.error('Could not delete', { description: describeError(error) }),
  });
  if (backup.status === 'running') return null;
  const restorable = backup.status === 'completed' || backup.status === 'verified';
  return (
    <div className="flex justify-end gap-2">
      {canWrite && backup.status !== 'failed' && (
        <Button variant="outline" size="sm" disabled={verify.isPending} onClick={() => verify.mutate()} aria-label={`Verify ${backup.name}`}>
          Verify
        </Button>
      )}
      {restorable && (
        <Button variant="outline" size="sm" disabled={download.isPending} onClick={() => download.mutate()} aria-label={`Download ${backup.name}`}>
          <DownloadIcon aria-hidden />
          Download
        </Button>
      )}
      {canRestore && restorable && (
        <Button variant="outline" size="sm" onClick={() => onRestore(backup)} aria-label={`Restore ${backup.name}`}>
          Restore
        </Button>
      )}
      {canWrite && (
        <ConfirmDialog
          trigger={
            <Button variant="outline" size="sm" disabled={remove.isPending} aria-label={`Delete ${backup.name}`}>
              Delete
            </Button>
          }
          title={`Delete ${backup.name}?`}
          description="Its archive is removed from disk. This cannot be undone."
          confirmLabel="Delete"
          onConfirm={() => remove.mutate()}
        />
      )}
    </div>
  );
}

/**
 * Import of a backup downloaded from this or another Castline (same backup key): the archive goes as the request
 * body, streamed by the browser from disk; the service verifies it in full before it is listed.
 */
function ImportButton() {
  const queryClient = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const upload = useMutation({
    mutationFn: (file: File) => api<BackupView>('/backups/import', { method: 'POST', body: file }),
    onSuccess: (backup) => {
      toast.success(`${backup.name} imported and verified`);
      void queryClient.invalidateQueries({ queryKey: backupKeys.list() });
    },
    onError: (error) => toast.error('Could not import', { description: describeError(error) }),
  });
  return (
    <>
      <input
        ref={input}
        type="file"
        accept=".tar,application/x-tar"
        className="sr-only"
        tabIndex={-1}
        aria-label="Backup archive to import"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) upload.mutate(file);
        }}
      />
      <Button variant="outline" disabled={upload.isPending} onClick={() => input.current?.click()}>
        <UploadIcon aria-hidden /> {upload.isPending ? 'Importing…' : 'Import'}
      </Button>
    </>
  );
}

function RunningBackup({ backup, progress }: { backup: BackupView; progress: BackupProgress | null }) {
  const current = progress?.backupId === backup.id && !progress.done ? progress : null;
  return (
    <section aria-label="Backup in progress" className="mb-4 rounded-md border p-4 text-sm" data-running-backup={backup.name}>
      <p className="font-medium">Backing up: {backup.name}</p>
      {current && (
        <p className="mt-1 text-muted-foreground" data-testid="backup-progress">
          {current.stage}: {formatBytes(current.bytes)} at {(current.bytesPerSecond / 1024 ** 2).toFixed(1)} MB/s
        </p>
      )}
      <ul className="mt-2 grid gap-1">
        {backup.components.map((component) => (
          <li key={component.kind} className="flex gap-2">
            <StatusBadge tone={component.status === 'completed' ? 'success' : component.status === 'failed' ? 'destructive' : 'warning'}>{component.kind}</StatusBadge>
            <span className="text-muted-foreground">{component.status === 'completed' ? formatBytes(component.sourceBytes) : component.status}</span>
          </li>
        ))}
        {backup.components.length === 0 && <li className="text-muted-foreground">Checking the database client…</li>}
      </ul>
    </section>
  );
}

function UndoButton({ restore }: { restore: RestoreView }) {
  const queryClient = useQueryClient();
  const undo = useMutation({
    mutationFn: () => api<RestoreView>(`/backups/restores/${restore.id}/undo`, { method: 'POST' }),
    onSuccess: () => {
      toast.success('Undo started');
      void queryClient.invalidateQueries({ queryKey: backupKeys.restores() });
    },
    onError: (error) => toast.error('Could not undo', { description: describeError(error) }),
  });
  return (
    <ConfirmDialog
      trigger={
        <Button variant="outline" size="sm" disabled={undo.isPending} aria-label={`Undo the restore of ${restore.backupName}`}>
          Undo
        </Button>
      }
      title={`Undo the restore of ${restore.backupName}?`}
      description={`The database it replaced (${restore.previousDatabase}) becomes live again; the restored one is kept aside. Uploaded files stay as restored.`}
      confirmLabel="Undo"
      onConfirm={() => undo.mutate()}
    />
  );
}

function RestoreHistory({ live }: { live: boolean }) {
  const canRestore = useCan('backups:restore');
  const query = useQuery({
    queryKey: backupKeys.restores(),
    queryFn: ({ signal }) => api<{ items: RestoreView[] }>('/backups/restores', { signal }),
    // Live steps while a restore runs: refetched on each step's progress event (polled when the feed is down).
    refetchInterval: (current) => pollEvery(Boolean(current.state.data?.items.some((item) => item.result === null)), live),
  });
  const items = query.data?.items ?? [];
  return (
    <section aria-labelledby="restore-history" className="mt-8">
      <h2 id="restore-history" className="mb-2 text-lg font-semibold">
        Restore history
      </h2>
      {items.length === 0 ? (
        <p className="text-sm text-muted-foreground">No restores yet.</p>
      ) : (
        <ul className="grid gap-3">
          {items.map((restore) => (
            <li key={restore.id} className="rounded-md border p-3 text-sm" data-restore={restore.id}>
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-medium">
                  {restore.kind === 'undo' ? 'Undo of ' : restore.kind === 'test' ? 'Restore test of ' : ''}
                  {restore.backupName}
                </span>
                {restore.result ? (
                  <StatusBadge tone={RESULT_TONE[restore.result]}>{restore.result.replace('_', ' ')}</StatusBadge>
                ) : (
                  <StatusBadge tone="warning">running: {restore.step.replaceAll('_', ' ')}</StatusBadge>
                )}
                <When iso={restore.startedAt}>
                  <span className="text-muted-foreground">{formatDateTime(restore.startedAt)}</span>
                </When>
                {restore.switchWindowMs !== null && <span className="text-muted-foreground">switch {restore.switchWindowMs} ms</span>}
                {canRestore && restore.kind === 'restore' && restore.result === 'success' && restore.previousDatabase && <UndoButton restore={restore} />}
              </div>
              <ol className="mt-2 flex flex-wrap gap-1" aria-label="Steps">
                {restore.steps.map((step) => (
                  <li key={step.step} title={step.error ?? step.detail}>
                    <StatusBadge tone={step.result === 'success' ? 'success' : step.result === 'failed' ? 'destructive' : 'warning'}>{step.step.replaceAll('_', ' ')}</StatusBadge>
                  </li>
                ))}
              </ol>
              {restore.error && <p className="mt-2 text-destructive">{restore.error}</p>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const RULES = ['keepLast', 'keepDaily', 'keepWeekly', 'keepMonthly'] as const;
const RULE_LABELS: Record<(typeof RULES)[number], string> = { keepLast: 'Keep last', keepDaily: 'Daily', keepWeekly: 'Weekly', keepMonthly: 'Monthly' };

function ScheduleEditor({ settings }: { settings: BackupSettingsView }) {
  const queryClient = useQueryClient();
  const canWrite = useCan('backups:write');
  const [draft, setDraft] = useState({
    scheduleCron: settings.scheduleCron ?? '',
    scheduleTimezone: settings.scheduleTimezone,
    keepLast: settings.keepLast,
    keepDaily: settings.keepDaily,
    keepWeekly: settings.keepWeekly,
    keepMonthly: settings.keepMonthly,
  });
  const [preview, setPreview] = useState<RetentionPreview | null>(null);
  const rules = Object.fromEntries(RULES.map((rule) => [rule, draft[rule]]));
  const save = useMutation({
    mutationFn: () => api<BackupSettingsView>('/backups/settings', { method: 'PUT', body: { ...rules, scheduleCron: draft.scheduleCron.trim() || null, scheduleTimezone: draft.scheduleTimezone } }),
    onSuccess: () => {
      toast.success('Backup schedule saved');
      void queryClient.invalidateQueries({ queryKey: backupKeys.settings() });
    },
    onError: (error) => toast.error('Could not save the schedule', { description: describeError(error) }),
  });
  const previewRules = useMutation({
    mutationFn: () => api<RetentionPreview>('/backups/retention/preview', { method: 'POST', body: rules }),
    onSuccess: setPreview,
    onError: (error) => toast.error('Could not preview retention', { description: describeError(error) }),
  });
  return (
    <section aria-labelledby="backup-schedule" className="mt-8 grid max-w-2xl gap-4">
      <h2 id="backup-schedule" className="text-lg font-semibold">
        Schedule and retention
      </h2>
      <div className="grid grid-cols-2 gap-4">
        <div className="grid gap-2">
          <Label htmlFor="backup-cron">Cron (empty: no schedule)</Label>
          <Input id="backup-cron" value={draft.scheduleCron} placeholder="0 3 * * *" disabled={!canWrite} onChange={(event) => setDraft({ ...draft, scheduleCron: event.target.value })} />
        </div>
        <div className="grid gap-2">
          <Label htmlFor="backup-timezone">Time zone</Label>
          <Input id="backup-timezone" value={draft.scheduleTimezone} disabled={!canWrite} onChange={(event) => setDraft({ ...draft, scheduleTimezone: event.target.value })} />
        </div>
        {RULES.map((rule) => (
          <div key={rule} className="grid gap-2">
            <Label htmlFor={`backup-${rule}`}>{RULE_LABELS[rule]}</Label>
            <Input
              id={`backup-${rule}`}
              type="number"
              min={0}
              value={draft[rule]}
              disabled={!canWrite}
              onChange={(event) => setDraft({ ...draft, [rule]: Number(event.target.value) })}
            />
          </div>
        ))}
      </div>
      <p className="text-sm text-muted-foreground">
        Next scheduled backup: <When iso={settings.nextRunAt}>{settings.nextRunAt ? formatDateTime(settings.nextRunAt) : 'none'}</When>
      </p>
      <div className="flex gap-2">
        <Button variant="outline" onClick={() => previewRules.mutate()} disabled={previewRules.isPending}>
          Preview retention
        </Button>
        {canWrite && (
          <Button onClick={() => save.mutate()} disabled={save.isPending}>
            Save
          </Button>
        )}
      </div>
      {preview && (
        <ul aria-label="Retention preview" className="grid gap-1 text-sm">
          {preview.items.length === 0 && <li className="text-muted-foreground">No backups to decide about.</li>}
          {preview.items.map((item) => (
            <li key={item.id} className="flex gap-2">
              <StatusBadge tone={item.keep ? 'success' : 'destructive'}>{item.keep ? 'keep' : 'delete'}</StatusBadge>
              <span>{item.name}</span>
              <span className="text-muted-foreground">{item.reasons.join(', ')}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function BackupsPage() {
  return (
    <PermissionGate permission="backups:read" title="Backups" description="Encrypted, verified backups of the database, logos and settings." what="backups">
      <BackupsList />
    </PermissionGate>
  );
}

function BackupsList() {
  const queryClient = useQueryClient();
  const canWrite = useCan('backups:write');
  const canRestore = useCan('backups:restore');
  const [restoring, setRestoring] = useState<BackupView | null>(null);
  const search = useTableSearch(BackupsSearchSchema);
  const params = { page: search.values.page, pageSize: search.values.pageSize };
  const { progress, live } = useBackupProgress();
  const query = useQuery({
    queryKey: backupKeys.list(params),
    queryFn: ({ signal }) => api<Page<BackupView>>(`/backups${queryString(params)}`, { signal }),
    placeholderData: keepPreviousData,
    // Live progress while a backup runs: refetched on the feed's events (polled when the feed is down).
    refetchInterval: (current) => pollEvery(Boolean(current.state.data?.items.some((item) => item.status === 'running')), live),
  });
  const settings = useQuery({ queryKey: backupKeys.settings(), queryFn: ({ signal }) => api<BackupSettingsView>('/backups/settings', { signal }) });
  const create = useMutation({
    mutationFn: () => api<BackupView>('/backups', { method: 'POST' }),
    onSuccess: (backup) => {
      toast.success(`Backup ${backup.name} started`);
      void queryClient.invalidateQueries({ queryKey: backupKeys.list() });
    },
    onError: (error) => toast.error('Could not start a backup', { description: describeError(error) }),
  });
  const running = query.data?.items.find((item) => item.status === 'running');
  const createButton = canWrite && (
    <Button onClick={() => create.mutate()} disabled={create.isPending || Boolean(running)}>
      <PlusIcon aria-hidden /> Back up now
    </Button>
  );
  const headerActions = (
    <div className="flex gap-2">
      {canRestore && <ImportButton />}
      {createButton}
    </div>
  );
  const columns: Array<ColumnDef<BackupView, never>> = [
    { accessorKey: 'name', header: 'Name', enableSorting: false, meta: { className: 'font-medium font-mono text-xs' }, cell: ({ row }) => row.original.name },
    {
      accessorKey: 'startedAt',
      header: 'Taken',
      enableSorting: false,
      meta: { className: 'text-muted-foreground' },
      cell: ({ row }) => <When iso={row.original.startedAt}>{formatDateTime(row.original.startedAt)}</When>,
    },
    { accessorKey: 'sizeBytes', header: 'Size', enableSorting: false, cell: ({ row }) => formatBytes(row.original.sizeBytes) },
    { id: 'components', header: 'Components', enableSorting: false, cell: ({ row }) => row.original.components.map((component) => component.kind).join(', ') },
    {
      accessorKey: 'status',
      header: 'Status',
      enableSorting: false,
      cell: ({ row: { original: backup } }) => (
        <span className="flex flex-wrap gap-1">
          <StatusBadge tone={STATUS[backup.status].tone} title={backup.error ?? undefined}>
            {STATUS[backup.status].label}
          </StatusBadge>
          {backup.offsiteState !== 'off' && (
            <StatusBadge tone={OFFSITE[backup.offsiteState].tone} title={backup.offsiteError ?? undefined}>
              {OFFSITE[backup.offsiteState].label}
            </StatusBadge>
          )}
        </span>
      ),
    },
    { accessorKey: 'trigger', header: 'Trigger', enableSorting: false, meta: { className: 'text-muted-foreground' }, cell: ({ row }) => row.original.trigger },
  ];
  return (
    <>
      <PageHeader title="Backups" description="Encrypted, verified backups of the database, logos and settings." actions={headerActions} />
      {running && <RunningBackup backup={running} progress={progress} />}
      <ResourceTable
        label="Backups"
        columns={columns}
        query={query}
        search={search}
        skeletonRows={3}
        getRowId={(backup) => backup.id}
        rowProps={(backup) => ({ 'data-backup': backup.name })}
        rowActions={(backup) => <BackupActions backup={backup} onRestore={setRestoring} />}
        errorTitle="Could not load the backups"
        empty={<EmptyState icon={ArchiveIcon} title="No backups yet" description="Back up now, or set a schedule below." action={createButton || undefined} />}
      />
      {restoring && <RestoreDialog backup={restoring} onClose={() => setRestoring(null)} />}
      <RestoreHistory live={live} />
      {settings.data && <ScheduleEditor key={settings.data.updatedAt} settings={settings.data} />}
    </>
  );
}
