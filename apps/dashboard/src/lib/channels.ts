'use client';

/**
 * Channels: the gateway's channel view as the dashboard sees it, plus the TanStack Query hooks that read and change it.
 * Shapes are the API's view schemas in @castline/contracts (views.ts; dates arrive as ISO strings).
 */
import type {
  BulkChannelResult,
  ChannelLogoView,
  ChannelMetrics,
  ChannelPage,
  ChannelPlayback,
  ChannelScheduleView,
  ChannelSourceView,
  ChannelStatus,
  ChannelView,
  CreateChannel,
  LogoPlacement,
  PresetView,
  UpdateChannel,
  UploadView,
} from '@castline/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useMemo, useState } from 'react';
import { toast } from 'sonner';
import { api, ApiError, apiBlob, describeError } from './api';
import { runOnce } from './in-flight';
import { type LiveConnection, openLiveFeed } from './live-metrics';

export type { ChannelStatus };
export const CHANNEL_STATUSES: ChannelStatus[] = ['stopped', 'starting', 'running', 'stopping', 'error', 'waiting'];

export type LogoAnchor = LogoPlacement['anchor'];
export type Playback = ChannelPlayback;

export type ChannelSource = ChannelSourceView;
export type ChannelLogo = ChannelLogoView;
export type ChannelSchedule = ChannelScheduleView;
export type Channel = ChannelView;
export type ChannelList = ChannelPage;
export type Preset = PresetView;
export type Upload = UploadView;

export type ChannelAction = 'start' | 'stop' | 'restart';

export type BulkResult = BulkChannelResult;

export type { ChannelMetrics };

export interface ChannelFilters {
  search?: string;
  status?: ChannelStatus;
}

export const channelKeys = {
  all: ['channels'] as const,
  lists: () => [...channelKeys.all, 'list'] as const,
  list: (filters: ChannelFilters) => [...channelKeys.lists(), { search: filters.search ?? '', status: filters.status ?? '' }] as const,
  detail: (id: string) => [...channelKeys.all, 'detail', id] as const,
  metrics: (id: string) => [...channelKeys.all, 'metrics', id] as const,
  thumbnail: (id: string) => [...channelKeys.all, 'thumbnail', id] as const,
  presets: ['presets'] as const,
};

/**
 * The channels page's one live socket, following every channel ('*'): each metrics message lands in the query
 * cache of that channel's metrics, so a card shows it without a request of its own, and channel events refetch
 * the list (at most every 250 ms: a bulk start sends hundreds). Returns the socket's state for LiveFleetContext.
 */
export function useLiveFleet(): LiveConnection {
  const queryClient = useQueryClient();
  const [connection, setConnection] = useState<LiveConnection>('connecting');
  useEffect(() => {
    let refetchTimer: ReturnType<typeof setTimeout> | undefined;
    const close = openLiveFeed(['*'], {
      onConnection: setConnection,
      onMetrics: (metrics) => {
        if (metrics?.channelId) queryClient.setQueryData(channelKeys.metrics(metrics.channelId), metrics);
      },
      onEvent: () => {
        refetchTimer ??= setTimeout(() => {
          refetchTimer = undefined;
          void queryClient.invalidateQueries({ queryKey: channelKeys.lists() });
        }, 250);
      },
    });
    return () => {
      clearTimeout(refetchTimer);
      close();
    };
  }, [queryClient]);
  return connection;
}

/** The state of the page's useLiveFleet socket; null where there is none. While it is live nothing polls metrics. */
export const LiveFleetContext = createContext<LiveConnection | null>(null);

/** Channels matching the filters (up to 200): every 5 s, or every 30 s while the live socket reports changes. */
export function useChannels(filters: ChannelFilters = {}, live = false) {
  return useQuery({
    queryKey: channelKeys.list(filters),
    queryFn: ({ signal }) => {
      const params = new URLSearchParams({ pageSize: '200' });
      const search = filters.search?.trim();
      if (search) params.set('search', search);
      if (filters.status) params.set('status', filters.status);
      return api<ChannelList>(`/channels?${params.toString()}`, { signal });
    },
    refetchInterval: live ? 30_000 : 5_000,
    placeholderData: keepPreviousData,
  });
}

export function useChannel(id: string | undefined) {
  return useQuery({
    queryKey: channelKeys.detail(id ?? ''),
    queryFn: ({ signal }) => api<Channel>(`/channels/${id}`, { signal }),
    enabled: Boolean(id),
    refetchInterval: 5_000,
  });
}

export function usePresets() {
  return useQuery({
    queryKey: channelKeys.presets,
    queryFn: ({ signal }) => api<Preset[] | { items: Preset[] }>('/settings/presets', { signal }),
    select: (data): Preset[] => (Array.isArray(data) ? data : (data?.items ?? [])),
    staleTime: 60_000,
  });
}

/**
 * The latest metrics of a running channel; null when the channel has none (404: not running, or no report
 * yet). Pushed by the page's live socket (LiveFleetContext) while it is live: then only the first value is
 * fetched. Otherwise polled every 2.5 s while `enabled`.
 */
export function useChannelMetrics(id: string, enabled = true) {
  const pushed = useContext(LiveFleetContext) === 'live';
  return useQuery({
    queryKey: channelKeys.metrics(id),
    queryFn: async ({ signal }) => {
      try {
        return await api<ChannelMetrics>(`/channels/${id}/metrics`, { signal });
      } catch (error) {
        if (error instanceof ApiError && (error.status === 404 || error.status === 409)) return null;
        throw error;
      }
    },
    enabled,
    refetchInterval: enabled && !pushed ? 2_500 : false,
    // pushed values are always fresh; polled ones keep the app's default
    staleTime: pushed ? Infinity : undefined,
    retry: false,
  });
}

const ACTION_DONE: Record<ChannelAction, string> = { start: 'Starting', stop: 'Stopping', restart: 'Restarting' };

function useInvalidateChannels() {
  const queryClient = useQueryClient();
  return (id?: string) => {
    void queryClient.invalidateQueries({ queryKey: channelKeys.lists() });
    if (id) {
      void queryClient.invalidateQueries({ queryKey: channelKeys.detail(id) });
      void queryClient.invalidateQueries({ queryKey: channelKeys.metrics(id) });
    }
  };
}

/**
 * Start / stop / restart one channel: `mutate({ id, action, name? })`. One action per channel at a time: the
 * second click of a double click is dropped before it becomes a second request (and a second toast).
 */
export function useChannelAction() {
  const invalidate = useInvalidateChannels();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: ({ id, action }: { id: string; action: ChannelAction; name?: string }) =>
      api<Channel>(`/channels/${id}/${action}`, { method: 'POST' }),
    onSuccess: (channel, { id, action, name }) => {
      if (channel && typeof channel === 'object' && 'id' in channel) {
        queryClient.setQueryData(channelKeys.detail(id), channel);
      }
      toast.success(`${ACTION_DONE[action]} ${name ?? channel?.name ?? 'channel'}`);
    },
    onError: (error, { action, name }) => toast.error(`Could not ${action} ${name ?? 'the channel'}: ${describeError(error)}`),
    onSettled: (_data, _error, { id }) => invalidate(id),
  });
  return {
    ...mutation,
    mutate: (variables: { id: string; action: ChannelAction; name?: string }) =>
      // the mutation toasts its own errors
      void runOnce(`channel:${variables.id}`, () => mutation.mutateAsync(variables))?.catch(() => undefined),
  };
}

/**
 * Revoke a signed channel's playback links: `mutate({ id, name })`. Every signed URL handed out so far stops
 * working (a new signing version; a running channel restarts into it); GET /playback gives new ones.
 */
export function useRevokePlayback() {
  const invalidate = useInvalidateChannels();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id }: { id: string; name: string }) => api<Channel>(`/channels/${id}/playback/revoke`, { method: 'POST' }),
    onSuccess: (channel, { id, name }) => {
      queryClient.setQueryData(channelKeys.detail(id), channel);
      toast.success(`Revoked the playback links of ${name}`, { description: 'Links handed out before now are refused; copy a new one.' });
    },
    onError: (error, { name }) => toast.error(`Could not revoke the playback links of ${name}: ${describeError(error)}`),
    onSettled: (_data, _error, { id }) => invalidate(id),
  });
}

/** How long a delete waits for a running channel to stop before it gives up (and deletes nothing). */
const STOP_BEFORE_DELETE_MS = 30_000;

/** Polls the channel until no FFmpeg runs for it any more. */
async function waitUntilStopped(id: string, name: string): Promise<void> {
  const deadline = Date.now() + STOP_BEFORE_DELETE_MS;
  for (;;) {
    const channel = await api<Channel>(`/channels/${id}`);
    if (channel.desiredState === 'stopped' && (channel.status === 'stopped' || channel.status === 'error')) return;
    if (Date.now() > deadline) throw new Error(`${name} did not stop within ${STOP_BEFORE_DELETE_MS / 1000} s, so it was not deleted`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Delete one channel: `mutate({ id, name?, stopFirst? })`. With `stopFirst` (a channel that should run) it is
 * stopped, and deleted once it has stopped; one toast follows the steps in order: stopping, stopped and
 * deleting, deleted. Nothing is deleted when the stop fails.
 */
export function useDeleteChannel() {
  const queryClient = useQueryClient();
  const invalidate = useInvalidateChannels();
  return useMutation({
    mutationFn: async ({ id, name = 'the channel', stopFirst = false }: { id: string; name?: string; stopFirst?: boolean }) => {
      if (stopFirst) {
        toast.loading(`Stopping ${name}…`, { id: `delete-${id}` });
        await api<Channel>(`/channels/${id}/stop`, { method: 'POST' });
        await waitUntilStopped(id, name);
        toast.loading(`Stopped ${name}. Deleting…`, { id: `delete-${id}` });
      }
      await api<void>(`/channels/${id}`, { method: 'DELETE' });
    },
    onSuccess: (_data, { id, name = 'the channel', stopFirst }) => {
      queryClient.removeQueries({ queryKey: channelKeys.detail(id) });
      toast.success(stopFirst ? `Stopped and deleted ${name}` : `Deleted ${name}`, { id: `delete-${id}` });
    },
    onError: (error, { id, name = 'the channel' }) => toast.error(`Could not delete ${name}: ${describeError(error)}`, { id: `delete-${id}` }),
    onSettled: (_data, _error, { id }) => invalidate(id),
  });
}

/** Start or stop many channels; the toast says how many succeeded and failed. Resolves to the per-id results. */
export function useBulkChannelAction() {
  const invalidate = useInvalidateChannels();
  return useMutation({
    mutationFn: ({ action, ids }: { action: 'start' | 'stop'; ids: string[] }) =>
      api<{ results: BulkResult[] }>('/channels/bulk', { method: 'POST', body: { action, ids } }),
    onSuccess: ({ results }, { action }) => {
      const ok = results.filter((result) => result.ok).length;
      const failed = results.length - ok;
      const verb = action === 'start' ? 'Started' : 'Stopped';
      if (failed === 0) toast.success(`${verb} ${ok} channel${ok === 1 ? '' : 's'}`);
      else {
        const first = results.find((result) => !result.ok)?.error?.message;
        toast.error(`${verb} ${ok}, ${failed} failed`, { description: first });
      }
    },
    onError: (error, { action }) => toast.error(`Could not ${action} the selected channels: ${describeError(error)}`),
    onSettled: () => invalidate(),
  });
}

export type SaveChannelInput = { id?: undefined; body: CreateChannel } | { id: string; body: UpdateChannel };

/**
 * Create (no id) or partially update (id) a channel. Refusals are the form's to show (on their fields), so only
 * success is toasted.
 */
export function useSaveChannel() {
  const queryClient = useQueryClient();
  const invalidate = useInvalidateChannels();
  return useMutation({
    mutationFn: (input: SaveChannelInput) =>
      input.id
        ? api<Channel>(`/channels/${input.id}`, { method: 'PATCH', body: input.body })
        : api<Channel>('/channels', { method: 'POST', body: input.body }),
    onSuccess: (channel, input) => {
      if (channel?.id) queryClient.setQueryData(channelKeys.detail(channel.id), channel);
      toast.success(input.id ? `Saved ${channel?.name ?? 'the channel'}` : `Created ${channel?.name ?? 'the channel'}`);
    },
    onSettled: (channel, _error, input) => invalidate(input.id ?? channel?.id),
  });
}

/** An uploaded image (a logo). Uploads never change (a new logo is a new upload): fetched once. */
export function useUploadImage(uploadId: string | undefined) {
  return useQuery({
    queryKey: ['uploads', 'content', uploadId],
    queryFn: ({ signal }) => apiBlob(`/uploads/${uploadId}/content`, { signal }),
    enabled: Boolean(uploadId),
    staleTime: Infinity,
    retry: false,
  });
}

/** A Blob as an object URL, revoked when the Blob changes or the component leaves. */
export function useObjectUrl(blob: Blob | null | undefined): string | null {
  const url = useMemo(() => (blob ? URL.createObjectURL(blob) : null), [blob]);
  useEffect(
    () => () => {
      if (url) URL.revokeObjectURL(url);
    },
    [url],
  );
  return url;
}

/** Upload a logo (multipart field "file"); resolves to the upload view. A refusal is the form's to show, on the logo field. */
export function useUploadLogo() {
  return useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append('file', file, file.name);
      return api<Upload>('/uploads/logo', { method: 'POST', body: form });
    },
    onSuccess: (upload) => toast.success(`Uploaded ${upload.originalName}`),
  });
}
