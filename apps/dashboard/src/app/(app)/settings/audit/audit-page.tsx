'use client';

import { ListAuditQuerySchema } from '@castline/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { FilterXIcon, ScrollTextIcon, XIcon } from 'lucide-react';
import { useMemo } from 'react';
import { z } from 'zod';
import { EmptyState } from '@/components/empty-state';
import { PageHeader } from '@/components/page-header';
import { ResourceTable } from '@/components/resource-table';
import { PermissionGate, StatusBadge } from '@/components/settings/common';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Switch } from '@/components/ui/switch';
import { api } from '@/lib/api';
import { useCan } from '@/lib/auth';
import { formatDateTime, formatRelative } from '@/lib/format';
import { type ApiKeyView, AUDIT_ACTIONS, type AuditEntry, type Page, queryString, settingsKeys, type UserView } from '@/lib/settings';
import { useTableSearch } from '@/lib/use-table-search';

const ANY = 'any';
/** A day picked in a date input (yyyy-mm-dd); the API gets the local midnights around it. */
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * The log's state in the URL: ?page=&pageSize=&sort=&actor=&action=&result=&from=&to=&targetType=&targetId=&refreshes=,
 * each value checked with the API's own query schema (dates as days, turned into instants for the API).
 */
const AuditSearchSchema = z.object({
  page: ListAuditQuerySchema.shape.page.catch(1),
  pageSize: ListAuditQuerySchema.shape.pageSize.unwrap().catch(50),
  sort: ListAuditQuerySchema.shape.sort.catch('-at'),
  actor: ListAuditQuerySchema.shape.actorId.catch(undefined),
  action: ListAuditQuerySchema.shape.action.catch(undefined),
  result: ListAuditQuerySchema.shape.result.catch(undefined),
  from: Day.optional().catch(undefined),
  to: Day.optional().catch(undefined),
  targetType: ListAuditQuerySchema.shape.targetType.catch(undefined),
  targetId: ListAuditQuerySchema.shape.targetId.catch(undefined),
  /** Token refreshes are hidden unless this is on. */
  refreshes: z.literal('true').optional().catch(undefined),
});
type AuditSearch = z.output<typeof AuditSearchSchema>;

/** Local midnight of a yyyy-mm-dd day as an ISO instant; `to` is inclusive, so it becomes the next midnight. */
function dayStart(day: string | undefined, plusDays = 0): string | undefined {
  if (!day) return undefined;
  const date = new Date(`${day}T00:00:00`);
  date.setDate(date.getDate() + plusDays);
  return date.toISOString();
}

function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

function useActorOptions() {
  const canUsers = useCan('users:read');
  const canKeys = useCan('api-keys:read');
  const users = useQuery({
    queryKey: settingsKeys.users({ page: 1, pageSize: 100 }),
    queryFn: ({ signal }) => api<Page<UserView>>('/users?pageSize=100', { signal }),
    enabled: canUsers,
    staleTime: 60_000,
  });
  const keys = useQuery({
    queryKey: settingsKeys.apiKeys({ includeRevoked: true, pageSize: 100 }),
    queryFn: ({ signal }) => api<Page<ApiKeyView>>('/api-keys?includeRevoked=true&pageSize=100', { signal }),
    enabled: canKeys,
    staleTime: 60_000,
  });
  return useMemo(
    () => [
      ...(users.data?.items ?? []).map((user) => ({ value: user.id, label: user.name ? `${user.name} (${user.email})` : user.email })),
      ...(keys.data?.items ?? []).map((key) => ({ value: key.id, label: `API key: ${key.name}` })),
    ],
    [users.data, keys.data],
  );
}

export function AuditPage() {
  return (
    <PermissionGate permission="audit:read" title="Audit log" description="Every change made through the API: who, what, when, and whether it worked." what="the audit log">
      <AuditLog />
    </PermissionGate>
  );
}

function AuditLog() {
  const search = useTableSearch(AuditSearchSchema);
  const filters = search.values;
  const update = (changes: Partial<AuditSearch>) => search.set(changes);
  const actors = useActorOptions();

  const apiParams = {
    page: filters.page,
    pageSize: filters.pageSize,
    sort: filters.sort,
    actorId: filters.actor,
    action: filters.action,
    result: filters.result,
    targetType: filters.targetType,
    targetId: filters.targetId,
    from: dayStart(filters.from),
    to: dayStart(filters.to, 1),
    includeRefreshes: filters.refreshes,
  };
  const query = useQuery({
    queryKey: settingsKeys.audit(apiParams),
    queryFn: ({ signal }) => api<Page<AuditEntry>>(`/audit${queryString(apiParams)}`, { signal }),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });

  const actorOptions =
    filters.actor && !actors.some((option) => option.value === filters.actor) ? [...actors, { value: filters.actor, label: shortId(filters.actor) }] : actors;
  const actionOptions: string[] = filters.action && !(AUDIT_ACTIONS as readonly string[]).includes(filters.action) ? [...AUDIT_ACTIONS, filters.action] : [...AUDIT_ACTIONS];

  const columns = useMemo<Array<ColumnDef<AuditEntry, never>>>(
    () => [
      {
        accessorKey: 'at',
        header: 'Time',
        sortDescFirst: true,
        meta: { className: 'text-muted-foreground' },
        cell: ({ row: { original: entry } }) => (
          <time dateTime={entry.at} title={formatDateTime(entry.at)}>
            {formatRelative(entry.at)}
          </time>
        ),
      },
      {
        id: 'actor',
        header: 'Actor',
        enableSorting: false,
        cell: ({ row: { original: entry } }) =>
          entry.actorLabel || entry.actorId ? (
            <>
              {entry.actorId ? (
                <button
                  type="button"
                  className="block max-w-56 truncate rounded-sm text-left font-medium underline-offset-2 outline-none hover:underline focus-visible:ring-[3px] focus-visible:ring-ring/50"
                  title="Show only this actor"
                  onClick={() => search.set({ actor: entry.actorId ?? undefined })}
                >
                  {entry.actorLabel ?? shortId(entry.actorId)}
                </button>
              ) : (
                <div className="max-w-56 truncate font-medium" title={entry.actorLabel ?? undefined}>
                  {entry.actorLabel}
                </div>
              )}
              <div className="text-xs text-muted-foreground">
                {entry.actorType === 'api-key' ? 'API key' : entry.actorType === 'anonymous' ? 'not signed in' : entry.actorType}
              </div>
            </>
          ) : (
            <span className="text-muted-foreground">anonymous</span>
          ),
      },
      {
        id: 'action',
        header: 'Action',
        enableSorting: false,
        cell: ({ row: { original: entry } }) => (
          <button
            type="button"
            className="rounded-sm font-mono text-xs underline-offset-2 outline-none hover:underline focus-visible:ring-[3px] focus-visible:ring-ring/50"
            title="Show only this action"
            onClick={() => search.set({ action: entry.action })}
          >
            {entry.action}
          </button>
        ),
      },
      {
        id: 'target',
        header: 'Target',
        enableSorting: false,
        cell: ({ row: { original: entry } }) =>
          entry.targetType || entry.targetId ? (
            <span title={entry.targetId ?? undefined}>
              {entry.targetType && <span className="text-muted-foreground">{entry.targetType} </span>}
              {entry.targetId && <code className="font-mono text-xs">{shortId(entry.targetId)}</code>}
            </span>
          ) : (
            <span className="text-muted-foreground">—</span>
          ),
      },
      {
        id: 'result',
        header: 'Result',
        enableSorting: false,
        cell: ({ row: { original: entry } }) => (
          <StatusBadge tone={entry.result === 'success' ? 'success' : 'destructive'}>
            {entry.result === 'success' ? 'Success' : 'Failure'} · {entry.statusCode}
          </StatusBadge>
        ),
      },
      {
        id: 'ip',
        header: 'IP',
        enableSorting: false,
        meta: { className: 'font-mono text-xs' },
        cell: ({ row: { original: entry } }) => <span title={entry.userAgent ?? undefined}>{entry.ip ?? '—'}</span>,
      },
      {
        id: 'requestId',
        header: 'Request ID',
        enableSorting: false,
        cell: ({ row: { original: entry } }) =>
          entry.requestId ? (
            <code className="font-mono text-xs text-muted-foreground" title={entry.requestId}>
              {shortId(entry.requestId)}
            </code>
          ) : (
            <span className="text-muted-foreground">—</span>
          ),
      },
    ],
    [search],
  );

  return (
    <>
      <PageHeader title="Audit log" description="Every change made through the API: who, what, when, and whether it worked." />
      <div className="mb-4 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-[repeat(5,minmax(0,1fr))_auto] lg:items-end">
        <div className="grid gap-1.5">
          <Label htmlFor="audit-actor">Actor</Label>
          <Select value={filters.actor || ANY} onValueChange={(value) => update({ actor: value === ANY ? undefined : value })}>
            <SelectTrigger id="audit-actor">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value={ANY}>Anyone</SelectItem>
              {actorOptions.map((option) => (
                <SelectItem key={option.value} value={option.value}>
                  {option.label}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="audit-action">Action</Label>
          <Select value={filters.action || ANY} onValueChange={(value) => update({ action: value === ANY ? undefined : value })}>
            <SelectTrigger id="audit-action">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value={ANY}>Any action</SelectItem>
              {actionOptions.map((action) => (
                <SelectItem key={action} value={action}>
                  {action}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="audit-result">Result</Label>
          <Select value={filters.result || ANY} onValueChange={(value) => update({ result: value === ANY ? undefined : (value as AuditSearch['result']) })}>
            <SelectTrigger id="audit-result">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value={ANY}>Any result</SelectItem>
              <SelectItem value="success">Success</SelectItem>
              <SelectItem value="failure">Failure</SelectItem>
            </SelectContent>
          </Select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="audit-from">From</Label>
          <Input id="audit-from" type="date" value={filters.from ?? ''} max={filters.to || undefined} onChange={(event) => update({ from: event.target.value || undefined })} />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="audit-to">To</Label>
          <Input id="audit-to" type="date" value={filters.to ?? ''} min={filters.from || undefined} onChange={(event) => update({ to: event.target.value || undefined })} />
        </div>
        <div className="flex items-center gap-2 self-end pb-2">
          <Switch id="audit-refreshes" checked={filters.refreshes === 'true'} onCheckedChange={(checked) => update({ refreshes: checked ? 'true' : undefined })} />
          <Label htmlFor="audit-refreshes">Show token refreshes</Label>
        </div>
        <Button variant="ghost" disabled={!search.filtered} onClick={search.clearFilters}>
          <FilterXIcon aria-hidden /> Clear
        </Button>
      </div>
      {(filters.targetType || filters.targetId) && (
        <div className="mb-3 flex items-center gap-2 text-sm">
          <span className="text-muted-foreground">Target:</span>
          <Badge variant="outline">
            {filters.targetType} {filters.targetId && shortId(filters.targetId)}
          </Badge>
          <Button variant="ghost" size="icon-sm" aria-label="Remove the target filter" onClick={() => update({ targetType: undefined, targetId: undefined })}>
            <XIcon aria-hidden />
          </Button>
        </div>
      )}
      <ResourceTable
        label="audit entries"
        columns={columns}
        query={query}
        search={search}
        skeletonRows={8}
        getRowId={(entry) => entry.id}
        errorTitle="Could not load the audit log"
        empty={<EmptyState icon={ScrollTextIcon} title="Nothing recorded yet" description="Sign-ins and every change made through the API appear here as they happen." />}
        emptyFiltered={
          <EmptyState
            icon={FilterXIcon}
            title="No entries match these filters"
            description="Widen the date range or clear a filter."
            action={
              <Button variant="outline" onClick={search.clearFilters}>
                Clear filters
              </Button>
            }
          />
        }
      />
    </>
  );
}
