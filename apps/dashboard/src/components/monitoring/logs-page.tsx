'use client';

import type { AppLogView } from '@castline/contracts';
import { DownloadIcon, RadioIcon, ScrollTextIcon } from 'lucide-react';
import { Fragment, useEffect, useState } from 'react';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { ToneBadge } from '@/components/monitoring/tone-badge';
import { PageHeader } from '@/components/page-header';
import { TableSkeleton } from '@/components/resource-table';
import { PermissionGate } from '@/components/settings/common';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Switch } from '@/components/ui/switch';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { describeError } from '@/lib/api';
import { formatDateTime } from '@/lib/format';
import { followLogs, type LogFilters, downloadLogs, useLogs } from '@/lib/logs';

const LEVEL: Record<number, { label: string; tone: 'warning' | 'destructive' }> = { 40: { label: 'warn', tone: 'warning' }, 50: { label: 'error', tone: 'destructive' }, 60: { label: 'fatal', tone: 'destructive' } };
const LIVE_MAX = 500;

export function LogsPage() {
  return (
    <PermissionGate permission="logs:read" title="Logs" description="Warnings and errors of every service." what="the logs">
      <Logs />
    </PermissionGate>
  );
}

function Logs() {
  const [draft, setDraft] = useState<LogFilters>({});
  const [filters, setFilters] = useState<LogFilters>({});
  const [live, setLive] = useState(false);
  const [connected, setConnected] = useState(false);
  const [liveRows, setLiveRows] = useState<AppLogView[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const logs = useLogs(filters);

  useEffect(() => {
    if (!live) return undefined;
    return followLogs(filters, (rows) => setLiveRows((current) => [...rows.toReversed(), ...current].slice(0, LIVE_MAX)), setConnected);
  }, [live, filters]);

  const stored = logs.data?.pages.flatMap((page) => page.items) ?? [];
  const seen = new Set(liveRows.map((row) => row.id));
  const rows = [...liveRows, ...stored.filter((row) => !seen.has(row.id))];
  const set = (key: keyof LogFilters) => (event: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setDraft((current) => ({ ...current, [key]: event.target.value || undefined }));
  const exportAs = (format: 'json' | 'txt') => {
    setExportError(null);
    downloadLogs(filters, format).catch((error: unknown) => setExportError(describeError(error)));
  };

  return (
    <>
      <PageHeader
        title="Logs"
        description="Warnings and errors of every service (kept 30 days), newest first."
        actions={
          <div className="flex items-center gap-2">
            <Button variant="outline" onClick={() => exportAs('json')}>
              <DownloadIcon aria-hidden /> JSON
            </Button>
            <Button variant="outline" onClick={() => exportAs('txt')}>
              <DownloadIcon aria-hidden /> Text
            </Button>
          </div>
        }
      />
      <form
        aria-label="Log filters"
        className="mb-4 flex flex-wrap items-end gap-3"
        onSubmit={(event) => {
          event.preventDefault();
          setLiveRows([]);
          setFilters(draft);
        }}
      >
        <div className="grid w-36 gap-1.5">
          <Label htmlFor="logs-service">Service</Label>
          <Input id="logs-service" value={draft.service ?? ''} onChange={set('service')} placeholder="any" />
        </div>
        <div className="grid w-28 gap-1.5">
          <Label htmlFor="logs-level">Level</Label>
          <select id="logs-level" className="h-9 rounded-md border border-input bg-transparent px-2 text-sm" value={draft.level ?? ''} onChange={set('level')}>
            <option value="">warn+</option>
            <option value="error">error+</option>
            <option value="fatal">fatal</option>
          </select>
        </div>
        <div className="grid w-24 gap-1.5">
          <Label htmlFor="logs-status">Status</Label>
          <Input id="logs-status" inputMode="numeric" value={draft.status ?? ''} onChange={set('status')} />
        </div>
        <div className="grid min-w-48 flex-1 gap-1.5">
          <Label htmlFor="logs-contains">Message contains</Label>
          <Input id="logs-contains" value={draft.contains ?? ''} onChange={set('contains')} />
        </div>
        <Button type="submit">Apply</Button>
        <div className="flex items-center gap-2 pb-2">
          <Switch
            id="logs-live"
            checked={live}
            onCheckedChange={(next) => {
              setLiveRows([]);
              setLive(next);
            }}
            aria-label="Live tail"
          />
          <Label htmlFor="logs-live" className="flex items-center gap-1">
            <RadioIcon className={connected ? 'size-4 text-success' : 'size-4 text-muted-foreground'} aria-hidden /> Live
          </Label>
        </div>
      </form>
      {exportError && (
        <p role="alert" className="mb-3 text-sm text-destructive">
          {exportError}
        </p>
      )}
      {logs.isPending ? (
        <TableSkeleton columns={['Time', 'Level', 'Service', 'Message', 'Request']} label="Loading logs" />
      ) : logs.isError ? (
        <ErrorState error={logs.error} onRetry={() => void logs.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState icon={ScrollTextIcon} title="No log records" description="Warnings and errors of every service appear here within seconds." />
      ) : (
        <>
          <Table aria-label="Log records">
            <TableHeader>
              <TableRow>
                <TableHead>Time</TableHead>
                <TableHead>Level</TableHead>
                <TableHead>Service</TableHead>
                <TableHead>Message</TableHead>
                <TableHead>Request</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((row) => (
                <Fragment key={row.id}>
                  <TableRow className="cursor-pointer" data-log-id={row.id} onClick={() => setOpen(open === row.id ? null : row.id)}>
                    <TableCell className="whitespace-nowrap text-muted-foreground">{formatDateTime(row.ts)}</TableCell>
                    <TableCell>
                      <ToneBadge tone={LEVEL[row.level]?.tone ?? 'warning'}>{LEVEL[row.level]?.label ?? row.level}</ToneBadge>
                    </TableCell>
                    <TableCell>{row.service}</TableCell>
                    <TableCell className="max-w-xl truncate">
                      {/* The row's click is for the mouse; this button is the keyboard's and the screen reader's way in. */}
                      <button type="button" className="max-w-full truncate text-left" aria-expanded={open === row.id} onClick={(event) => {
                        event.stopPropagation();
                        setOpen(open === row.id ? null : row.id);
                      }}>
                        {row.msg}
                      </button>
                      {row.repeats > 1 && <span className="ml-2 text-xs text-muted-foreground">×{row.repeats}</span>}
                    </TableCell>
                    <TableCell className="whitespace-nowrap text-muted-foreground">{row.url ? `${row.method ?? ''} ${row.url} ${row.statusCode ?? ''}` : '—'}</TableCell>
                  </TableRow>
                  {open === row.id && (
                    <TableRow>
                      <TableCell colSpan={5}>
                        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-xs">
                          <dt className="text-muted-foreground">Instance</dt>
                          <dd>{row.instance}</dd>
                          {row.reqId && (
                            <>
                              <dt className="text-muted-foreground">Request id</dt>
                              <dd className="font-mono">{row.reqId}</dd>
                            </>
                          )}
                          {row.errCode && (
                            <>
                              <dt className="text-muted-foreground">Error code</dt>
                              <dd className="font-mono">{row.errCode}</dd>
                            </>
                          )}
                        </dl>
                        {row.errStack && <pre className="mt-2 max-h-64 overflow-auto whitespace-pre-wrap rounded bg-muted p-2 text-xs">{row.errStack}</pre>}
                        {row.meta && <pre className="mt-2 max-h-64 overflow-auto whitespace-pre-wrap rounded bg-muted p-2 text-xs">{JSON.stringify(row.meta, null, 2)}</pre>}
                      </TableCell>
                    </TableRow>
                  )}
                </Fragment>
              ))}
            </TableBody>
          </Table>
          {logs.hasNextPage && (
            <div className="mt-4 flex justify-center">
              <Button variant="outline" disabled={logs.isFetchingNextPage} onClick={() => void logs.fetchNextPage()}>
                {logs.isFetchingNextPage ? 'Loading…' : 'Older records'}
              </Button>
            </div>
          )}
        </>
      )}
    </>
  );
}
