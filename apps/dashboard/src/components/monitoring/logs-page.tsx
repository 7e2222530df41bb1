'use client';

import type { AppLogView } from '@castline/contracts';
import { DownloadIcon, RadioIcon, ScrollTextIcon } from 'lucide-react';
import { useEffect, useState } from 'react';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { ToneBadge } from '@/components/monitoring/tone-badge';
import { PageHeader } from '@/components/page-header';
import { TableSkeleton } from '@/components/resource-table';
import { PermissionGate } from '@/components/settings/common';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Sheet, SheetContent, SheetDescription, SheetTitle } from '@/components/ui/sheet';
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
                <TableRow key={row.id} className="cursor-pointer" data-log-id={row.id} onClick={() => setOpen(row.id)}>
                  <TableCell className="whitespace-nowrap text-muted-foreground">{formatDateTime(row.ts)}</TableCell>
                  <TableCell>
                    <ToneBadge tone={LEVEL[row.level]?.tone ?? 'warning'}>{LEVEL[row.level]?.label ?? row.level}</ToneBadge>
                  </TableCell>
                  <TableCell>{row.service}</TableCell>
                  <TableCell className="max-w-xl truncate">
                    {/* The row's click is for the mouse; this button is the keyboard's and the screen reader's way in. */}
                    <button
                      type="button"
                      className="max-w-full truncate text-left"
                      aria-haspopup="dialog"
                      onClick={(event) => {
                        event.stopPropagation();
                        setOpen(row.id);
                      }}
                    >
                      {row.msg}
                    </button>
                    {row.repeats > 1 && <span className="ml-2 text-xs text-muted-foreground">×{row.repeats}</span>}
                  </TableCell>
                  <TableCell className="whitespace-nowrap text-muted-foreground">{row.url ? `${row.method ?? ''} ${row.url} ${row.statusCode ?? ''}` : '—'}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <LogDrawer record={rows.find((row) => row.id === open) ?? null} onClose={() => setOpen(null)} />
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

/** One record whole, in a drawer: its request, error and structured fields, as the table cuts them short. */
function LogDrawer({ record, onClose }: { record: AppLogView | null; onClose: () => void }) {
  const fields: Array<[string, string | null]> = record
    ? [
        ['Instance', record.instance],
        ['Request', record.url ? `${record.method ?? ''} ${record.url}` : null],
        ['Status', record.statusCode === null ? null : String(record.statusCode)],
        ['Response time', record.responseTimeMs === null ? null : `${record.responseTimeMs} ms`],
        ['Request id', record.reqId],
        ['User', record.userId],
        ['Error code', record.errCode],
        ['Repeats', record.repeats > 1 ? `×${record.repeats}` : null],
      ]
    : [];
  return (
    <Sheet open={record !== null} onOpenChange={(next) => !next && onClose()}>
      <SheetContent className="right-0 left-auto w-[36rem] max-w-full gap-4 overflow-y-auto border-r-0 border-l bg-background p-6 text-foreground data-[state=open]:slide-in-from-right">
        {record && (
          <>
            <SheetTitle className="flex items-center gap-2">
              <ToneBadge tone={LEVEL[record.level]?.tone ?? 'warning'}>{LEVEL[record.level]?.label ?? record.level}</ToneBadge>
              {record.service}
            </SheetTitle>
            <SheetDescription>{formatDateTime(record.ts)}</SheetDescription>
            <p className="whitespace-pre-wrap break-words text-sm" data-testid="log-drawer-message">
              {record.msg}
            </p>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
              {fields
                .filter(([, value]) => value !== null)
                .map(([label, value]) => (
                  <div key={label} className="contents">
                    <dt className="text-muted-foreground">{label}</dt>
                    <dd className="break-all font-mono text-xs leading-5">{value}</dd>
                  </div>
                ))}
            </dl>
            {record.errStack && (
              <section aria-label="Stack">
                <h3 className="mb-1 text-sm font-medium">Stack</h3>
                <pre className="max-h-80 overflow-auto whitespace-pre-wrap rounded bg-muted p-2 text-xs">{record.errStack}</pre>
              </section>
            )}
            {record.meta && (
              <section aria-label="Fields">
                <h3 className="mb-1 text-sm font-medium">Fields</h3>
                <pre className="max-h-80 overflow-auto whitespace-pre-wrap rounded bg-muted p-2 text-xs">{JSON.stringify(record.meta, null, 2)}</pre>
              </section>
            )}
          </>
        )}
      </SheetContent>
    </Sheet>
  );
}
