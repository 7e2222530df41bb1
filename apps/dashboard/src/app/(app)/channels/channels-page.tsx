'use client';

import { LayoutGridIcon, ListIcon, PlayIcon, PlusIcon, SearchIcon, SearchXIcon, SquareIcon, TvIcon, XIcon } from 'lucide-react';
import { usePathname, useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { ChannelCard } from '@/components/channels/channel-card';
import { ChannelFormDialog } from '@/components/channels/channel-form-dialog';
import { ChannelTable } from '@/components/channels/channel-table';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { PageHeader } from '@/components/page-header';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { Input } from '@/components/ui/input';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Skeleton } from '@/components/ui/skeleton';
import { useCan } from '@/lib/auth';
import { channelLabels } from '@/lib/channel-names';
import {
  type Channel,
  type ChannelStatus,
  LiveFleetContext,
  type Preset,
  useBulkChannelAction,
  useChannels,
  useDeleteChannel,
  useLiveFleet,
  usePresets,
} from '@/lib/channels';
import { cn } from '@/lib/utils';

type View = 'grid' | 'list';
const VIEW_KEY = 'castline.channels.view';
const VIEW_EVENT = 'castline:channels-view';
const STATUS_FILTERS: ChannelStatus[] = ['running', 'stopped', 'error', 'starting', 'waiting'];

/** The grid/list choice lives in localStorage; read through useSyncExternalStore so the server render stays "grid". */
function subscribeView(onChange: () => void) {
  window.addEventListener('storage', onChange);
  window.addEventListener(VIEW_EVENT, onChange);
  return () => {
    window.removeEventListener('storage', onChange);
    window.removeEventListener(VIEW_EVENT, onChange);
  };
}
const readView = (): View => (localStorage.getItem(VIEW_KEY) === 'list' ? 'list' : 'grid');
function storeView(view: View) {
  localStorage.setItem(VIEW_KEY, view);
  window.dispatchEvent(new Event(VIEW_EVENT));
}

/**
 * Filters live in the URL (?search=&status=). The native history API updates useSearchParams without a server
 * round trip, so filtering feels instant.
 */
function replaceParam(pathname: string, name: string, value: string | undefined) {
  const next = new URLSearchParams(window.location.search);
  if (value) next.set(name, value);
  else next.delete(name);
  const query = next.toString();
  window.history.replaceState(null, '', query ? `${pathname}?${query}` : pathname);
}

export function ChannelsPage() {
  const canWrite = useCan('channels:write');
  const pathname = usePathname();
  const params = useSearchParams();
  const search = params.get('search') ?? '';
  const statusParam = params.get('status');
  const status = STATUS_FILTERS.includes(statusParam as ChannelStatus) ? (statusParam as ChannelStatus) : undefined;

  const [searchText, setSearchText] = useState(search);
  const view = useSyncExternalStore(subscribeView, readView, () => 'grid' as View);

  const fleet = useLiveFleet();
  const channels = useChannels({ search, status }, fleet === 'live');
  const presets = usePresets();
  const bulk = useBulkChannelAction();
  const remove = useDeleteChannel();

  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Channel | null>(null);
  const [deleting, setDeleting] = useState<Channel | null>(null);
  const [picked, setPicked] = useState<Set<string>>(() => new Set());

  const setParam = (name: string, value: string | undefined) => replaceParam(pathname, name, value);

  // The search box updates the URL (and so the query) 300 ms after the last keystroke.
  useEffect(() => {
    const value = searchText.trim();
    if (value === search) return;
    const timer = setTimeout(() => replaceParam(pathname, 'search', value), 300);
    return () => clearTimeout(timer);
  }, [searchText, search, pathname]);

  const items = useMemo(() => channels.data?.items ?? [], [channels.data]);
  const labels = useMemo(() => channelLabels(items), [items]);
  const presetById = useMemo(() => new Map<string, Preset>((presets.data ?? []).map((preset) => [preset.id, preset])), [presets.data]);
  // Only channels still in the list count as selected.
  const selected = useMemo(() => new Set(items.filter((channel) => picked.has(channel.id)).map((channel) => channel.id)), [items, picked]);
  const allSelected: boolean | 'indeterminate' = items.length > 0 && selected.size === items.length ? true : selected.size > 0 ? 'indeterminate' : false;
  const filtered = Boolean(search || status);

  const toggle = (id: string, value: boolean) =>
    setPicked((current) => {
      const next = new Set(current);
      if (value) next.add(id);
      else next.delete(id);
      return next;
    });
  const selectAll = (value: boolean) => setPicked(value ? new Set(items.map((channel) => channel.id)) : new Set());

  const runBulk = (action: 'start' | 'stop') =>
    bulk.mutate(
      { action, ids: [...selected] },
      {
        onSuccess: ({ results }) => {
          // Keep the failed ones selected so they can be retried.
          setPicked(new Set(results.filter((result) => !result.ok).map((result) => result.id)));
        },
      },
    );

  const newButton = canWrite ? (
    <Button onClick={() => setCreating(true)}>
      <PlusIcon aria-hidden /> New channel
    </Button>
  ) : null;

  return (
    <LiveFleetContext.Provider value={fleet}>
      <PageHeader title="Channels" description="Every live channel: its picture, its state and its numbers." actions={newButton} />

      <div className="mb-4 flex flex-wrap items-center gap-2">
        <div className="relative w-full sm:w-64">
          <SearchIcon className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden />
          <Input
            type="search"
            aria-label="Search channels"
            placeholder="Search name or slug"
            value={searchText}
            onChange={(event) => setSearchText(event.target.value)}
            className="pl-8"
          />
        </div>
        <Select value={status ?? 'all'} onValueChange={(value) => setParam('status', value === 'all' ? undefined : value)}>
          <SelectTrigger className="w-40" aria-label="Filter by status">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value="all">All statuses</SelectItem>
            {STATUS_FILTERS.map((value) => (
              <SelectItem key={value} value={value}>
                {value.charAt(0).toUpperCase() + value.slice(1)}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
        <div className="flex rounded-md border p-0.5" role="group" aria-label="View">
          <Button variant={view === 'grid' ? 'secondary' : 'ghost'} size="icon-sm" className="size-7" aria-label="Grid view" aria-pressed={view === 'grid'} onClick={() => storeView('grid')}>
            <LayoutGridIcon aria-hidden />
          </Button>
          <Button variant={view === 'list' ? 'secondary' : 'ghost'} size="icon-sm" className="size-7" aria-label="List view" aria-pressed={view === 'list'} onClick={() => storeView('list')}>
            <ListIcon aria-hidden />
          </Button>
        </div>
        <p className="ml-auto text-sm text-muted-foreground" aria-live="polite" data-testid="channel-count">
          {channels.data ? `${channels.data.total} channel${channels.data.total === 1 ? '' : 's'}` : ''}
        </p>
      </div>

      {canWrite && items.length > 0 && (view === 'grid' || selected.size > 0) && (
        <div
          className={cn(
            'mb-4 flex min-h-11 flex-wrap items-center gap-2 rounded-lg border px-3 py-1.5 text-sm',
            selected.size > 0 ? 'border-primary/40 bg-primary/5' : 'bg-card',
          )}
          aria-label="Bulk actions"
          role="region"
        >
          {view === 'grid' && (
            <Checkbox checked={allSelected} onCheckedChange={(value) => selectAll(value === true)} aria-label="Select all channels" />
          )}
          <span className="mr-auto text-muted-foreground">{selected.size > 0 ? `${selected.size} selected` : 'Select channels to start or stop them together'}</span>
          {selected.size > 0 && (
            <>
              <Button size="sm" variant="outline" disabled={bulk.isPending} onClick={() => runBulk('start')}>
                <PlayIcon aria-hidden /> Start selected
              </Button>
              <Button size="sm" variant="outline" disabled={bulk.isPending} onClick={() => runBulk('stop')}>
                <SquareIcon aria-hidden /> Stop selected
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setPicked(new Set())}>
                <XIcon aria-hidden /> Clear
              </Button>
            </>
          )}
        </div>
      )}

      {channels.isError && !channels.data ? (
        <ErrorState error={channels.error} onRetry={() => void channels.refetch()} title="Could not load the channels" />
      ) : channels.isLoading ? (
        <LoadingGrid view={view} />
      ) : items.length === 0 ? (
        filtered ? (
          <EmptyState
            icon={SearchXIcon}
            title="No channels match"
            description={`Nothing matches${search ? ` “${search}”` : ''}${status ? ` with status ${status}` : ''}. Try another search or clear the filters.`}
            action={
              <Button
                variant="outline"
                onClick={() => {
                  setSearchText('');
                  window.history.replaceState(null, '', pathname);
                }}
              >
                Clear filters
              </Button>
            }
          />
        ) : (
          <EmptyState
            icon={TvIcon}
            title="No channels yet"
            description={canWrite ? 'A channel takes a source (UDP, SRT, RTMP, HLS…), encodes it and serves it as HLS.' : 'An operator or admin can create channels; they will appear here.'}
            action={
              canWrite ? (
                <Button onClick={() => setCreating(true)}>
                  <PlusIcon aria-hidden /> Create your first channel
                </Button>
              ) : undefined
            }
          />
        )
      ) : view === 'grid' ? (
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-3 2xl:grid-cols-4">
          {items.map((channel) => (
            <ChannelCard
              key={channel.id}
              channel={channel}
              label={labels.get(channel.id)}
              preset={channel.presetId ? presetById.get(channel.presetId) : undefined}
              selected={selected.has(channel.id)}
              onSelectedChange={(value) => toggle(channel.id, value)}
              canWrite={canWrite}
              onEdit={setEditing}
              onDelete={setDeleting}
            />
          ))}
        </div>
      ) : (
        <ChannelTable
          channels={items}
          labels={labels}
          presets={presetById}
          selected={selected}
          onSelectedChange={toggle}
          allSelected={allSelected}
          onSelectAll={selectAll}
          canWrite={canWrite}
          onEdit={setEditing}
          onDelete={setDeleting}
        />
      )}

      {canWrite && (
        <>
          <ChannelFormDialog open={creating} onOpenChange={setCreating} />
          <ChannelFormDialog channel={editing ?? undefined} open={editing !== null} onOpenChange={(open) => !open && setEditing(null)} />
          <ConfirmDialog
            open={deleting !== null}
            onOpenChange={(open) => !open && setDeleting(null)}
            title={`Delete ${deleting ? (labels.get(deleting.id) ?? deleting.name) : 'channel'}?`}
            description="The channel, its sources and its settings are removed for good. Its playback URL stops working."
            confirmLabel="Delete channel"
            onConfirm={() => {
              if (deleting) remove.mutate({ id: deleting.id, name: labels.get(deleting.id) ?? deleting.name });
              setDeleting(null);
            }}
          />
        </>
      )}
    </LiveFleetContext.Provider>
  );
}

function LoadingGrid({ view }: { view: View }) {
  if (view === 'list') {
    return (
      <div className="space-y-2 rounded-xl border bg-card p-3" aria-busy="true" aria-label="Loading channels">
        {Array.from({ length: 5 }, (_, index) => (
          <Skeleton key={index} className="h-10 w-full" />
        ))}
      </div>
    );
  }
  return (
    <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-3 2xl:grid-cols-4" aria-busy="true" aria-label="Loading channels">
      {Array.from({ length: 4 }, (_, index) => (
        <div key={index} className="overflow-hidden rounded-xl border bg-card">
          <Skeleton className="aspect-video w-full rounded-none" />
          <div className="space-y-2 p-3">
            <Skeleton className="h-4 w-2/3" />
            <Skeleton className="h-3 w-1/2" />
            <Skeleton className="h-8 w-full" />
          </div>
        </div>
      ))}
    </div>
  );
}
