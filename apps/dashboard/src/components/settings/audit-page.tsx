'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { FilterXIcon, ScrollTextIcon, XIcon } from 'lucide-react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useMemo } from 'react';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { PageHeader } from '@/components/page-header';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { api } from '@/lib/api';
import { useCan } from '@/lib/auth';
import { formatDateTime, formatRelative } from '@/lib/format';
import { type ApiKeyView, AUDIT_ACTIONS, type AuditEntry, type Page, queryString, settingsKeys, type UserView } from '@/lib/settings';
import { NoAccess, Pager, StatusBadge, TableSkeleton } from './common';

const PAGE_SIZE = 50;
const ANY = 'any';
const COLUMNS = ['Time', 'Actor', 'Action', 'Target', 'Result', 'IP', 'Request ID'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The filters as the URL holds them: ?actor=&action=&result=&from=yyyy-mm-dd&to=yyyy-mm-dd&targetType=&targetId=&page= */
interface Filters {
  actor: string;
  action: string;
  result: string;
  from: string;
  to: string;
  targetType: string;
  targetId: string;
  page: number;
}

function readFilters(search: URLSearchParams): Filters {
  const page = Number(search.get('page'));
  const date = (key: string) => {
    const value = search.get(key) ?? '';
    return DATE.test(value) ? value : '';
  };
  const result = search.get('result') ?? '';
  return {
    actor: search.get('actor') ?? '',
    action: search.get('action') ?? '',
    result: result === 'success' || result === 'failure' ? result : '',
    from: date('from'),
    to: date('to'),
    targetType: search.get('targetType') ?? '',
    targetId: search.get('targetId') ?? '',
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
}

/** Local midnight of a yyyy-mm-dd day as an ISO instant; `to` is inclusive, so it becomes the next midnight. */
function dayStart(day: string, plusDays = 0): string | undefined {
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
    queryKey: settingsKeys.apiKeys(true),
    queryFn: ({ signal }) => api<{ items: ApiKeyView[] }>('/api-keys?includeRevoked=true', { signal }),
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
  const canRead = useCan('audit:read');
  if (!canRead) {
    return (
      <>
        <PageHeader title="Audit log" description="Every change made through the API: who, what, when, and whether it worked." />
        <NoAccess what="the audit log" />
      </>
    );
  }
  return <AuditLog />;
}

function AuditLog() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const filters = readFilters(new URLSearchParams(searchParams.toString()));
  const actors = useActorOptions();

  const update = (changes: Partial<Filters>) => {
    const next = { ...filters, page: 1, ...changes };
    const qs = queryString({
      actor: next.actor,
      action: next.action,
      result: next.result,
      from: next.from,
      to: next.to,
      targetType: next.targetType,
      targetId: next.targetId,
      page: next.page > 1 ? next.page : undefined,
    });
    router.replace(`${pathname}${qs}`, { scroll: false });
  };

  const apiParams = {
    page: filters.page,
    pageSize: PAGE_SIZE,
    actorId: filters.actor || undefined,
    action: filters.action || undefined,
    result: filters.result || undefined,
    targetType: filters.targetType || undefined,
    targetId: filters.targetId || undefined,
    from: dayStart(filters.from),
    to: dayStart(filters.to, 1),
  };
  const query = useQuery({
    queryKey: settingsKeys.audit(apiParams),
    queryFn: ({ signal }) => api<Page<AuditEntry>>(`/audit${queryString(apiParams)}`, { signal }),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });

  const filtered = Boolean(filters.actor || filters.action || filters.result || filters.from || filters.to || filters.targetType || filters.targetId);
  const actorOptions =
    filters.actor && !actors.some((option) => option.value === filters.actor) ? [...actors, { value: filters.actor, label: shortId(filters.actor) }] : actors;
  const actionOptions: string[] = filters.action && !(AUDIT_ACTIONS as readonly string[]).includes(filters.action) ? [...AUDIT_ACTIONS, filters.action] : [...AUDIT_ACTIONS];

  let body;
  if (query.isPending) body = <TableSkeleton columns={COLUMNS} rows={8} label="Loading the audit log" />;
  else if (query.isError) body = <ErrorState error={query.error} onRetry={() => void query.refetch()} title="Could not load the audit log" />;
  else if (query.data.items.length === 0)
    body = filtered ? (
      <EmptyState
        icon={FilterXIcon}
        title="No entries match these filters"
        description="Widen the date range or clear a filter."
        action={
          <Button variant="outline" onClick={() => router.replace(pathname, { scroll: false })}>
            Clear filters
          </Button>
        }
      />
    ) : (
      <EmptyState icon={ScrollTextIcon} title="Nothing recorded yet" description="Sign-ins and every change made through the API appear here as they happen." />
    );
  else
    body = (
      <div className="grid grid-cols-1 gap-3">
        <div className="rounded-xl border bg-card" aria-busy={query.isFetching && query.isPlaceholderData}>
          <Table>
            <TableHeader>
              <TableRow>
                {COLUMNS.map((column) => (
                  <TableHead key={column}>{column}</TableHead>
                ))}
              </TableRow>
            </TableHeader>
            <TableBody className={query.isPlaceholderData ? 'opacity-60' : undefined}>
              {query.data.items.map((entry) => (
                <TableRow key={entry.id}>
                  <TableCell className="text-muted-foreground">
                    <time dateTime={entry.at} title={formatDateTime(entry.at)}>
                      {formatRelative(entry.at)}
                    </time>
                  </TableCell>
                  <TableCell>
                    {entry.actorLabel || entry.actorId ? (
                      <>
                        {entry.actorId ? (
                          <button
                            type="button"
                            className="block max-w-56 truncate rounded-sm text-left font-medium underline-offset-2 outline-none hover:underline focus-visible:ring-[3px] focus-visible:ring-ring/50"
                            title="Show only this actor"
                            onClick={() => update({ actor: entry.actorId ?? '' })}
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
                    )}
                  </TableCell>
                  <TableCell>
                    <button
                      type="button"
                      className="rounded-sm font-mono text-xs underline-offset-2 outline-none hover:underline focus-visible:ring-[3px] focus-visible:ring-ring/50"
                      title="Show only this action"
                      onClick={() => update({ action: entry.action })}
                    >
                      {entry.action}
                    </button>
                  </TableCell>
                  <TableCell>
                    {entry.targetType || entry.targetId ? (
                      <span title={entry.targetId ?? undefined}>
                        {entry.targetType && <span className="text-muted-foreground">{entry.targetType} </span>}
                        {entry.targetId && <code className="font-mono text-xs">{shortId(entry.targetId)}</code>}
                      </span>
                    ) : (
                      <span className="text-muted-foreground">—</span>
                    )}
                  </TableCell>
                  <TableCell>
                    <StatusBadge tone={entry.result === 'success' ? 'success' : 'destructive'}>
                      {entry.result === 'success' ? 'Success' : 'Failure'} · {entry.statusCode}
                    </StatusBadge>
                  </TableCell>
                  <TableCell className="font-mono text-xs" title={entry.userAgent ?? undefined}>
                    {entry.ip ?? '—'}
                  </TableCell>
                  <TableCell>
                    {entry.requestId ? (
                      <code className="font-mono text-xs text-muted-foreground" title={entry.requestId}>
                        {shortId(entry.requestId)}
                      </code>
                    ) : (
                      <span className="text-muted-foreground">—</span>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
        <Pager page={filters.page} pageSize={PAGE_SIZE} total={query.data.total} onPage={(page) => update({ page })} />
      </div>
    );

  return (
    <>
      <PageHeader title="Audit log" description="Every change made through the API: who, what, when, and whether it worked." />
      <div className="mb-4 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-[repeat(5,minmax(0,1fr))_auto] lg:items-end">
        <div className="grid gap-1.5">
          <Label htmlFor="audit-actor">Actor</Label>
          <Select value={filters.actor || ANY} onValueChange={(value) => update({ actor: value === ANY ? '' : value })}>
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
          <Select value={filters.action || ANY} onValueChange={(value) => update({ action: value === ANY ? '' : value })}>
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
          <Select value={filters.result || ANY} onValueChange={(value) => update({ result: value === ANY ? '' : value })}>
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
          <Input id="audit-from" type="date" value={filters.from} max={filters.to || undefined} onChange={(event) => update({ from: event.target.value })} />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="audit-to">To</Label>
          <Input id="audit-to" type="date" value={filters.to} min={filters.from || undefined} onChange={(event) => update({ to: event.target.value })} />
        </div>
        <Button variant="ghost" disabled={!filtered} onClick={() => router.replace(pathname, { scroll: false })}>
          <FilterXIcon aria-hidden /> Clear
        </Button>
      </div>
      {(filters.targetType || filters.targetId) && (
        <div className="mb-3 flex items-center gap-2 text-sm">
          <span className="text-muted-foreground">Target:</span>
          <Badge variant="outline">
            {filters.targetType} {filters.targetId && shortId(filters.targetId)}
          </Badge>
          <Button variant="ghost" size="icon-sm" aria-label="Remove the target filter" onClick={() => update({ targetType: '', targetId: '' })}>
            <XIcon aria-hidden />
          </Button>
        </div>
      )}
      {body}
    </>
  );
}
