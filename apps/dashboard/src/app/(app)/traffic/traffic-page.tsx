'use client';

import {
  type SavedSearchView,
  type TrafficJourney,
  type TrafficSearchFilters,
  TrafficSearchFiltersSchema,
  type TrafficSearchPage,
  type TrafficSearchRow,
} from '@castline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { BookmarkIcon, DownloadIcon, HistoryIcon, RouteIcon, SearchIcon, Trash2Icon } from 'lucide-react';
import { useState } from 'react';
import { Controller } from 'react-hook-form';
import { toast } from 'sonner';
import { LiveEventFeed } from '@/components/analytics/live-event-feed';
import { SiteSelect } from '@/components/analytics/site-select';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { FormError, FormField } from '@/components/form-field';
import { PageHeader } from '@/components/page-header';
import { PermissionGate } from '@/components/settings/common';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Sheet, SheetContent, SheetDescription, SheetTitle } from '@/components/ui/sheet';
import { Skeleton } from '@/components/ui/skeleton';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { useSites } from '@/lib/analytics';
import { api, apiBlob, describeError } from '@/lib/api';
import { useCan } from '@/lib/auth';
import {
  describeFilters,
  emptyTrafficForm,
  filtersFromForm,
  formFromFilters,
  resultCount,
  type TrafficFormValues,
  trafficFieldOf,
  trafficKeys,
} from '@/lib/traffic';
import { useZodForm } from '@/lib/use-zod-form';

export function TrafficPage() {
  return (
    <PermissionGate permission="traffic:read" title="Traffic" description="Every request nginx served and every tracker event, searchable." what="traffic">
      <Traffic />
    </PermissionGate>
  );
}

interface Results {
  filters: TrafficSearchFilters;
  items: TrafficSearchRow[];
  nextCursor: string | null;
  count: TrafficSearchPage['count'];
}

const PAGE_SIZE = 50;

function Traffic() {
  const queryClient = useQueryClient();
  const canExport = useCan('traffic:export');
  const [results, setResults] = useState<Results | null>(null);
  const [saving, setSaving] = useState(false);
  const [journey, setJourney] = useState<string | null>(null);
  const search = useMutation({
    mutationFn: (filters: TrafficSearchFilters) => api<TrafficSearchPage>('/traffic/search', { method: 'POST', body: { filters, limit: PAGE_SIZE } }),
    onSuccess: (page, filters) => {
      setResults({ filters, ...page });
      void queryClient.invalidateQueries({ queryKey: trafficKeys.history() });
    },
  });
  const more = useMutation({
    mutationFn: (current: Results) =>
      api<TrafficSearchPage>('/traffic/search', { method: 'POST', body: { filters: current.filters, limit: PAGE_SIZE, cursor: current.nextCursor } }),
    onSuccess: (page) => setResults((current) => current && { ...current, items: [...current.items, ...page.items], nextCursor: page.nextCursor }),
    onError: (error) => toast.error(describeError(error)),
  });
  const form = useZodForm(TrafficSearchFiltersSchema, search, {
    defaultValues: emptyTrafficForm(),
    prepare: (values: TrafficFormValues) => ({ input: filtersFromForm(values), fieldOf: trafficFieldOf }),
  });
  const exporting = useMutation({
    mutationFn: async ({ format, filters }: { format: 'csv' | 'json'; filters: TrafficSearchFilters }) => {
      const blob = await apiBlob('/traffic/export', { method: 'POST', body: { format, filters } });
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `traffic-${filters.source}.${format}`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return format;
    },
    onSuccess: (format) => toast.success(`Export (${format.toUpperCase()}) downloaded`),
    onError: (error) => toast.error(describeError(error)),
  });
  const apply = (filters: TrafficSearchFilters) => {
    form.reset(formFromFilters(filters));
    void form.submit();
  };
  const { errors } = form.formState;
  const text = (name: keyof TrafficFormValues, label: string, placeholder?: string, type = 'text') => (
    <FormField id={`traffic-${name}`} label={label} error={errors[name]?.message}>
      {(control) => <Input {...control} type={type} placeholder={placeholder} autoComplete="off" {...form.register(name)} />}
    </FormField>
  );
  const select = (name: 'source' | 'pathMatch' | 'device' | 'bot', label: string, options: Array<[string, string]>) => (
    <FormField id={`traffic-${name}`} label={label} error={errors[name]?.message}>
      {(control) => (
        <Controller
          control={form.control}
          name={name}
          render={({ field }) => (
            <Select value={field.value} onValueChange={field.onChange}>
              <SelectTrigger id={control.id} aria-invalid={control['aria-invalid']} aria-describedby={control['aria-describedby']} className="w-full">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {options.map(([value, text]) => (
                  <SelectItem key={value} value={value}>
                    {text}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          )}
        />
      )}
    </FormField>
  );
  const actions = results && canExport && (
    <div className="flex gap-2">
      {(['csv', 'json'] as const).map((format) => (
        <Button key={format} variant="outline" disabled={exporting.isPending} onClick={() => exporting.mutate({ format, filters: results.filters })}>
          <DownloadIcon aria-hidden /> Export {format.toUpperCase()}
        </Button>
      ))}
    </div>
  );
  return (
    <>
      <PageHeader title="Traffic" description="Search nginx's requests or the tracker's events: every filter, newest first, Load more as you go." actions={actions} />
      <div className="grid gap-4 xl:grid-cols-[1fr_18rem]">
        <div className="grid min-w-0 content-start gap-4">
          <Card>
            <CardContent className="pt-6">
              <form onSubmit={form.submit} noValidate className="grid gap-4" aria-label="Search filters">
                <FormError message={form.rootError} />
                <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
                  {select('source', 'Source', [['requests', 'Requests (nginx)'], ['events', 'Events (tracker)']])}
                  {text('from', 'From', undefined, 'datetime-local')}
                  {text('to', 'To', undefined, 'datetime-local')}
                  {text('ip', 'IP or CIDR', '203.0.113.7')}
                  {text('path', 'Path', '/live/')}
                  {select('pathMatch', 'Path match', [['prefix', 'Starts with'], ['contains', 'Contains'], ['exact', 'Exactly']])}
                  {text('host', 'Host / domain', 'tv.example.com')}
                  {text('method', 'Method', 'GET, POST')}
                  {text('status', 'Status', '404, 5xx, 500-504')}
                  {text('country', 'Country', 'DE, FR')}
                  {select('device', 'Device', [['any', 'All'], ['desktop', 'Desktop'], ['mobile', 'Mobile'], ['tablet', 'Tablet'], ['smarttv', 'Smart TV']])}
                  {select('bot', 'Bot traffic', [['any', 'All'], ['no', 'Real users only'], ['yes', 'Bots only']])}
                  {text('browser', 'Browser', 'Chrome')}
                  {text('os', 'OS', 'iOS')}
                  {text('referrer', 'Referrer', 'google.com')}
                  {text('channel', 'Channel', 'slug or id')}
                  {text('utmSource', 'UTM source')}
                  {text('utmMedium', 'UTM medium')}
                  {text('utmCampaign', 'UTM campaign')}
                  {text('minResponseMs', 'Min response (ms)', undefined, 'number')}
                  {text('maxResponseMs', 'Max response (ms)', undefined, 'number')}
                  {text('session', 'Session (events)', 'session id')}
                  {text('event', 'Event name (events)', 'page_view')}
                </div>
                <div className="flex flex-wrap gap-2">
                  <Button type="submit" disabled={form.formState.isSubmitting}>
                    <SearchIcon aria-hidden /> Search
                  </Button>
                  <Button type="button" variant="outline" onClick={() => form.reset(emptyTrafficForm())}>
                    Clear
                  </Button>
                  <Button type="button" variant="outline" disabled={!results} onClick={() => setSaving(true)}>
                    <BookmarkIcon aria-hidden /> Save search
                  </Button>
                </div>
              </form>
            </CardContent>
          </Card>
          {search.isPending ? (
            <Skeleton className="h-48 w-full" />
          ) : !results ? (
            <EmptyState icon={SearchIcon} title="No search yet" description="Pick filters and search; the last 24 hours are the default range." />
          ) : (
            <ResultsTable results={results} onJourney={setJourney} onMore={() => more.mutate(results)} loadingMore={more.isPending} />
          )}
        </div>
        <div className="grid content-start gap-4">
          <SavedSearches onApply={apply} />
          <SearchHistory onApply={apply} />
        </div>
      </div>
      <TrafficLiveFeed />
      {saving && results && <SaveSearchDialog filters={results.filters} onClose={() => setSaving(false)} />}
      <JourneyDrawer sessionId={journey} onClose={() => setJourney(null)} />
    </>
  );
}

/** The live feed of one tracked site's events (the first site unless another is picked). */
function TrafficLiveFeed() {
  const sites = useSites();
  const [picked, setPicked] = useState<string | null>(null);
  const site = sites.data?.items.find((each) => each.id === picked) ?? sites.data?.items[0];
  if (!site) return null;
  return (
    <Card className="mt-6">
      <CardContent className="grid gap-3">
        <SiteSelect id="traffic-live-site" sites={sites.data!.items} value={site.id} onChange={setPicked} />
        <LiveEventFeed siteId={site.id} />
      </CardContent>
    </Card>
  );
}

const time = (ts: string) => new Date(ts).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'medium' });

function ResultsTable({ results, onJourney, onMore, loadingMore }: { results: Results; onJourney: (id: string) => void; onMore: () => void; loadingMore: boolean }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle data-testid="traffic-count">{results.count ? resultCount(results.count) : `${results.items.length} shown`}</CardTitle>
      </CardHeader>
      <CardContent className="grid gap-3">
        {results.items.length === 0 ? (
          <p className="text-sm text-muted-foreground">Nothing matches these filters.</p>
        ) : (
          <div className="overflow-x-auto">
            <Table aria-label="Traffic results">
              <TableHeader>
                <TableRow>
                  <TableHead>Time</TableHead>
                  <TableHead>IP</TableHead>
                  <TableHead>Country</TableHead>
                  <TableHead>Host</TableHead>
                  <TableHead>Request</TableHead>
                  <TableHead>Referrer</TableHead>
                  <TableHead>Device</TableHead>
                  <TableHead className="text-right">Response</TableHead>
                  <TableHead>Bot</TableHead>
                  <TableHead>
                    <span className="sr-only">Actions</span>
                  </TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {results.items.map((row) => (
                  <TableRow key={`${row.source}:${row.id}`} data-row={row.id}>
                    <TableCell className="whitespace-nowrap tabular-nums">{time(row.ts)}</TableCell>
                    <TableCell className="font-mono text-xs">{row.ip ?? '—'}</TableCell>
                    <TableCell>{row.country ?? '—'}</TableCell>
                    <TableCell className="max-w-40 truncate" title={row.host ?? undefined}>
                      {row.host ?? '—'}
                    </TableCell>
                    <TableCell className="max-w-80 truncate" title={row.path}>
                      <span className="font-mono text-xs">
                        {row.source === 'events' ? row.event : `${row.method} ${row.status}`} {row.path}
                      </span>
                    </TableCell>
                    <TableCell className="max-w-40 truncate" title={row.referrer ?? undefined}>
                      {row.referrer ?? '—'}
                    </TableCell>
                    <TableCell className="whitespace-nowrap">{[row.device, row.browser, row.os].filter(Boolean).join(' · ') || '—'}</TableCell>
                    <TableCell className="text-right tabular-nums">{row.responseMs === null ? '—' : `${row.responseMs} ms`}</TableCell>
                    <TableCell>{row.isBot ? <Badge variant="secondary">{row.botType ?? 'bot'}</Badge> : '—'}</TableCell>
                    <TableCell>
                      {row.sessionId && (
                        <Button size="sm" variant="ghost" onClick={() => onJourney(row.sessionId!)}>
                          <RouteIcon aria-hidden /> Journey
                        </Button>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        )}
        {results.nextCursor && (
          <Button variant="outline" className="justify-self-center" onClick={onMore} disabled={loadingMore}>
            {loadingMore ? 'Loading…' : 'Load more'}
          </Button>
        )}
      </CardContent>
    </Card>
  );
}

function SavedSearches({ onApply }: { onApply: (filters: TrafficSearchFilters) => void }) {
  const queryClient = useQueryClient();
  const saved = useQuery({ queryKey: trafficKeys.saved(), queryFn: ({ signal }) => api<{ items: SavedSearchView[] }>('/traffic/saved-searches', { signal }) });
  const remove = useMutation({
    mutationFn: (id: string) => api<void>(`/traffic/saved-searches/${id}`, { method: 'DELETE' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: trafficKeys.saved() }),
    onError: (error) => toast.error(describeError(error)),
  });
  return (
    <Card>
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <BookmarkIcon className="size-4" aria-hidden /> Saved searches
        </CardTitle>
      </CardHeader>
      <CardContent>
        {saved.isPending ? (
          <Skeleton className="h-16 w-full" />
        ) : saved.isError ? (
          <ErrorState title="Could not load saved searches" error={saved.error} onRetry={() => void saved.refetch()} />
        ) : saved.data.items.length === 0 ? (
          <p className="text-sm text-muted-foreground">None yet: search, then Save search.</p>
        ) : (
          <ul className="grid gap-2" aria-label="Saved searches">
            {saved.data.items.map((item) => (
              <li key={item.id} className="flex items-start gap-1" data-saved-search={item.name}>
                <button type="button" className="min-w-0 flex-1 rounded-md px-2 py-1 text-left hover:bg-muted" onClick={() => onApply(item.filters)}>
                  <span className="block truncate text-sm font-medium">{item.name}</span>
                  <span className="block truncate text-xs text-muted-foreground">{describeFilters(item.filters)}</span>
                </button>
                <Button size="icon" variant="ghost" aria-label={`Delete ${item.name}`} onClick={() => remove.mutate(item.id)}>
                  <Trash2Icon aria-hidden />
                </Button>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

function SearchHistory({ onApply }: { onApply: (filters: TrafficSearchFilters) => void }) {
  const history = useQuery({
    queryKey: trafficKeys.history(),
    queryFn: ({ signal }) => api<{ items: Array<{ id: string; filters: TrafficSearchFilters; resultCount: number | null; capped: boolean; executedAt: string }> }>('/traffic/search-history', { signal }),
  });
  return (
    <Card>
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <HistoryIcon className="size-4" aria-hidden /> History
        </CardTitle>
      </CardHeader>
      <CardContent>
        {history.isPending ? (
          <Skeleton className="h-16 w-full" />
        ) : history.isError ? (
          <ErrorState title="Could not load the history" error={history.error} onRetry={() => void history.refetch()} />
        ) : history.data.items.length === 0 ? (
          <p className="text-sm text-muted-foreground">Your last 50 searches appear here.</p>
        ) : (
          <ul className="grid max-h-96 gap-1 overflow-y-auto" aria-label="Search history">
            {history.data.items.slice(0, 20).map((item) => (
              <li key={item.id}>
                <button type="button" className="w-full rounded-md px-2 py-1 text-left hover:bg-muted" onClick={() => onApply(item.filters)}>
                  <span className="block truncate text-xs">{describeFilters(item.filters)}</span>
                  <span className="block text-xs text-muted-foreground">
                    {time(item.executedAt)}
                    {item.resultCount !== null && ` · ${resultCount({ value: item.resultCount, capped: item.capped })}`}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

function SaveSearchDialog({ filters, onClose }: { filters: TrafficSearchFilters; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const save = useMutation({
    mutationFn: () => api<SavedSearchView>('/traffic/saved-searches', { method: 'POST', body: { name, filters } }),
    onSuccess: (saved) => {
      toast.success(`Saved “${saved.name}”`);
      void queryClient.invalidateQueries({ queryKey: trafficKeys.saved() });
      onClose();
    },
  });
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Save search</DialogTitle>
          <DialogDescription>{describeFilters(filters)}</DialogDescription>
        </DialogHeader>
        <form
          className="grid gap-4"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate();
          }}
        >
          <FormError message={save.isError ? describeError(save.error) : undefined} />
          <FormField id="saved-name" label="Name">
            {(control) => <Input {...control} value={name} maxLength={100} onChange={(event) => setName(event.target.value)} autoComplete="off" />}
          </FormField>
          <DialogFooter>
            <Button type="button" variant="outline" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={!name.trim() || save.isPending}>
              Save
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function JourneyDrawer({ sessionId, onClose }: { sessionId: string | null; onClose: () => void }) {
  const journey = useQuery({
    queryKey: trafficKeys.journey(sessionId ?? ''),
    queryFn: ({ signal }) => api<TrafficJourney>(`/traffic/sessions/${sessionId}/journey`, { signal }),
    enabled: sessionId !== null,
  });
  return (
    <Sheet open={sessionId !== null} onOpenChange={(open) => !open && onClose()}>
      <SheetContent className="right-0 left-auto w-[32rem] gap-4 overflow-y-auto border-r-0 border-l bg-background p-6 text-foreground data-[state=open]:slide-in-from-right">
        <SheetTitle>Journey</SheetTitle>
        <SheetDescription className="font-mono text-xs break-all">{sessionId}</SheetDescription>
        {journey.isPending ? (
          <Skeleton className="h-32 w-full" />
        ) : journey.isError ? (
          <ErrorState title="Could not load the journey" error={journey.error} onRetry={() => void journey.refetch()} />
        ) : !journey.data.session ? (
          <p className="text-sm text-muted-foreground">This session is unknown or past retention.</p>
        ) : (
          <>
            <dl className="grid grid-cols-2 gap-2 text-sm" data-testid="journey-session">
              <dt className="text-muted-foreground">Started</dt>
              <dd>{time(journey.data.session.startedAt)}</dd>
              <dt className="text-muted-foreground">Page views / events</dt>
              <dd>
                {journey.data.session.pageviews} / {journey.data.session.events}
              </dd>
              <dt className="text-muted-foreground">Entry → exit</dt>
              <dd className="break-all">
                {journey.data.session.entryPath} → {journey.data.session.exitPath}
              </dd>
              <dt className="text-muted-foreground">From</dt>
              <dd>{[journey.data.session.country, journey.data.session.device, journey.data.session.browser, journey.data.session.referrerDomain].filter(Boolean).join(' · ') || '—'}</dd>
            </dl>
            <ol className="grid gap-2 border-l pl-4" aria-label="Journey steps">
              {journey.data.items.map((step) => (
                <li key={step.id} data-step={step.event}>
                  <span className="text-xs text-muted-foreground tabular-nums">{time(step.ts)}</span>
                  <span className="block text-sm">
                    <span className="font-medium">{step.event}</span> <span className="font-mono text-xs">{step.path}</span>
                  </span>
                </li>
              ))}
            </ol>
          </>
        )}
      </SheetContent>
    </Sheet>
  );
}
