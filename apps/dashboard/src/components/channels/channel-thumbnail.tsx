'use client';

import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { ImageOffIcon, Loader2Icon, MonitorPlayIcon } from 'lucide-react';
import { useRef } from 'react';
import { ApiError, apiBlob } from '@/lib/api';
import { type ChannelStatus, channelKeys } from '@/lib/channels';
import { useOnScreen } from '@/lib/use-on-screen';
import { cn } from '@/lib/utils';

/** The object URL currently shown per channel; the previous one is released shortly after a newer one replaces it. */
const current = new Map<string, string>();
const watched = new WeakSet<QueryClient>();

function release(url: string | null | undefined, delay = 2_000) {
  if (url) setTimeout(() => URL.revokeObjectURL(url), delay);
}

/** Releases a channel's object URL when its thumbnail query leaves the cache (no card has shown it for a while). */
function watchCache(queryClient: QueryClient) {
  if (watched.has(queryClient)) return;
  watched.add(queryClient);
  queryClient.getQueryCache().subscribe((event) => {
    if (event.type !== 'removed') return;
    const [, kind, id] = event.query.queryKey as [string, string, string];
    if (kind !== 'thumbnail') return;
    release(current.get(id), 0);
    current.delete(id);
  });
}

/** The latest frame of a running channel as an object URL (every 5 s while `enabled`); null when there is none (404). */
export function useChannelThumbnail(id: string, enabled: boolean) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: channelKeys.thumbnail(id),
    queryFn: async ({ signal }) => {
      watchCache(queryClient);
      let url: string | null = null;
      try {
        url = URL.createObjectURL(await apiBlob(`/channels/${id}/thumbnail`, { signal }));
      } catch (error) {
        if (!(error instanceof ApiError && (error.status === 404 || error.status === 409 || error.status === 503 || error.status === 504))) throw error;
      }
      release(current.get(id));
      if (url) current.set(id, url);
      else current.delete(id);
      return url;
    },
    enabled,
    refetchInterval: enabled ? 5_000 : false,
    retry: false,
    gcTime: 30_000,
  });
}

/**
 * A 16:9 frame: the live picture of a running channel, otherwise a placeholder saying why there is none.
 * Refreshed only while on screen.
 */
export function ChannelThumbnail({ id, name, status, className }: { id: string; name: string; status: ChannelStatus; className?: string }) {
  const frame = useRef<HTMLDivElement>(null);
  const onScreen = useOnScreen(frame);
  const live = status === 'running';
  const thumbnail = useChannelThumbnail(id, live && onScreen);
  const url = live ? thumbnail.data : null;
  return (
    <div ref={frame} className={cn('relative aspect-video w-full overflow-hidden bg-muted', className)}>
      {url ? (
        <img src={url} alt={`Live picture of ${name}`} className="size-full object-cover" />
      ) : (
        <div className="flex size-full flex-col items-center justify-center gap-1.5 text-muted-foreground">
          {live && thumbnail.isLoading ? (
            <Loader2Icon className="size-5 animate-spin" aria-hidden />
          ) : live ? (
            <ImageOffIcon className="size-5" aria-hidden />
          ) : (
            <MonitorPlayIcon className="size-5" aria-hidden />
          )}
          <span className="text-xs">
            {live ? (thumbnail.isLoading ? 'Loading picture…' : 'No picture yet') : status === 'starting' ? 'Starting…' : status === 'waiting' ? 'Waiting for source' : status === 'error' ? 'Not running (error)' : 'Not running'}
          </span>
        </div>
      )}
    </div>
  );
}
