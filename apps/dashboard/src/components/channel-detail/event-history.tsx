'use client';

import type { ChannelEventMessage } from '@castline/contracts';
import { useQuery } from '@tanstack/react-query';
import {
  ActivityIcon,
  AlertCircleIcon,
  ArrowLeftRightIcon,
  HistoryIcon,
  InfoIcon,
  type LucideIcon,
  PauseCircleIcon,
  RotateCwIcon,
  Undo2Icon,
} from 'lucide-react';
import { memo, useMemo } from 'react';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { Badge } from '@/components/ui/badge';
import { Skeleton } from '@/components/ui/skeleton';
import type { ChannelHistoryEntry } from '@castline/contracts';
import { api, ApiError } from '@/lib/api';
import { formatDateTime, formatRelative } from '@/lib/format';
import { cn } from '@/lib/utils';

export type ChannelEvent = ChannelHistoryEntry;

const TYPES: Record<string, { icon: LucideIcon; tone: string; label: string }> = {
  state: { icon: ActivityIcon, tone: 'text-chart-1 bg-chart-1/10', label: 'State' },
  restart: { icon: RotateCwIcon, tone: 'text-warning bg-warning/10', label: 'Restart' },
  error: { icon: AlertCircleIcon, tone: 'text-destructive bg-destructive/10', label: 'Error' },
  failover: { icon: ArrowLeftRightIcon, tone: 'text-warning bg-warning/10', label: 'Failover' },
  failback: { icon: Undo2Icon, tone: 'text-success bg-success/10', label: 'Failback' },
  stall: { icon: PauseCircleIcon, tone: 'text-warning bg-warning/10', label: 'Stall' },
};
const OTHER = { icon: InfoIcon, tone: 'text-muted-foreground bg-muted', label: 'Event' };

export const eventsKey = (channelId: string) => ['channels', 'events', channelId] as const;

/** null = the gateway has no events endpoint (404): only live events are shown. */
export function useChannelEvents(channelId: string) {
  return useQuery({
    queryKey: eventsKey(channelId),
    queryFn: async ({ signal }) => {
      try {
        return await api<{ items: ChannelEvent[] }>(`/channels/${channelId}/events?limit=100`, { signal });
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    refetchInterval: 15_000,
    retry: 1,
  });
}

function sameEvent(live: ChannelEventMessage, stored: ChannelEvent): boolean {
  return live.type === stored.type && live.message === stored.message && Math.abs(Date.parse(live.at) - Date.parse(stored.at)) < 2_000;
}

function detailsText(details: unknown): string | null {
  if (details === null || details === undefined) return null;
  if (typeof details === 'object' && details !== null && 'lastLines' in details && typeof (details as { lastLines: unknown }).lastLines === 'string') {
    const { lastLines, ...rest } = details as { lastLines: string };
    const more = Object.keys(rest).length ? `\n\n${JSON.stringify(rest, null, 2)}` : '';
    return `${lastLines}${more}`;
  }
  return typeof details === 'string' ? details : JSON.stringify(details, null, 2);
}

/** The channel's events (restarts, failovers, errors, state changes), newest first, live ones on top. */
export const EventHistory = memo(function EventHistory({ channelId, liveEvents, className }: { channelId: string; liveEvents: ChannelEventMessage[]; className?: string }) {
  const history = useChannelEvents(channelId);

  const items = useMemo(() => {
    const stored = history.data?.items ?? [];
    const fresh: ChannelEvent[] = liveEvents
      .filter((event) => !stored.some((item) => sameEvent(event, item)))
      .map((event, index) => ({
        id: `live-${event.at}-${index}`,
        at: event.at,
        type: event.type,
        category: event.category ?? null,
        message: event.message,
        details: null,
      }));
    return [...fresh, ...stored].sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).slice(0, 200);
  }, [history.data, liveEvents]);

  if (history.isPending) {
    return (
      <div className={cn('flex flex-col gap-3', className)} aria-busy="true">
        {Array.from({ length: 5 }, (_, index) => (
          <div key={index} className="flex gap-3">
            <Skeleton className="size-7 rounded-full" />
            <div className="flex-1 space-y-1.5">
              <Skeleton className="h-4 w-3/4" />
              <Skeleton className="h-3 w-1/3" />
            </div>
          </div>
        ))}
      </div>
    );
  }
  if (history.isError && items.length === 0) {
    return <ErrorState error={history.error} onRetry={() => void history.refetch()} title="Could not load the events" />;
  }

  return (
    <div className={cn('flex flex-col gap-2', className)}>
      {history.data === null && (
        <p className="text-xs text-muted-foreground">The event history is not available on this server yet; new events appear here live.</p>
      )}
      {items.length === 0 ? (
        <EmptyState
          icon={HistoryIcon}
          title="No events yet"
          description="Starts, stops, restarts, failovers and errors of this channel show up here as they happen."
        />
      ) : (
        <ol className="flex flex-col" aria-label="Channel events">
          {items.map((event) => {
            const kind = TYPES[event.type] ?? OTHER;
            const Icon = kind.icon;
            const details = detailsText(event.details);
            return (
              <li key={event.id} className="flex gap-3 border-b py-2.5 last:border-b-0" data-event-type={event.type}>
                <span className={cn('mt-0.5 flex size-7 shrink-0 items-center justify-center rounded-full', kind.tone)}>
                  <Icon className="size-3.5" aria-hidden />
                </span>
                <div className="min-w-0 flex-1">
                  <p className="break-words text-sm">{event.message}</p>
                  <div className="mt-1 flex flex-wrap items-center gap-1.5 text-xs text-muted-foreground">
                    <Badge variant="outline" className="px-1.5 py-0 text-[11px]">
                      {TYPES[event.type]?.label ?? event.type}
                    </Badge>
                    {event.category && (
                      <Badge variant="secondary" className="px-1.5 py-0 text-[11px]">
                        {event.category}
                      </Badge>
                    )}
                    <time dateTime={event.at} title={formatDateTime(event.at)}>
                      {formatRelative(event.at)}
                    </time>
                  </div>
                  {details && (
                    <details className="mt-1.5 text-xs">
                      <summary className="cursor-pointer text-muted-foreground hover:text-foreground">Details</summary>
                      <pre className="mt-1 max-h-48 overflow-auto whitespace-pre-wrap break-all rounded-md bg-muted/50 p-2 font-mono" tabIndex={0}>
                        {details}
                      </pre>
                    </details>
                  )}
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
});
