'use client';

import type {
  ChannelPage,
  ChannelStatus,
  ChannelView,
  MonitoringProcesses,
  MonitoringStreams,
  PlatformHealth,
  RecentActivityReply,
  ServiceStatus,
  SystemMetrics,
} from '@castline/contracts';
import { useQuery } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { API_BASE, ApiError, api, getAccessToken } from './api';

/** How far back the client-side history (sparklines, network charts) reaches. */
export const HISTORY_WINDOW_MS = 5 * 60_000;

// ---------------------------------------------------------------------------------------------------------------
// Shapes the gateway answers, from the view schemas in @castline/contracts.

export type { ChannelStatus, PlatformHealth, ServiceStatus };

export type ChannelSummary = Pick<ChannelView, 'id' | 'name' | 'slug' | 'status'>;

type ChannelList = Pick<ChannelPage, 'total'> & { items: ChannelSummary[] };

// ---------------------------------------------------------------------------------------------------------------
// Client-side history of system samples, shared by every page (kept across navigation, dropped after 5 minutes).

export interface SystemSample {
  /** sampledAt in epoch ms. */
  t: number;
  cpu: number | null;
  memory: number;
  rx: number | null;
  tx: number | null;
  interfaces: Record<string, { rx: number | null; tx: number | null }>;
}

const EMPTY: SystemSample[] = [];
let history: SystemSample[] = EMPTY;
const listeners = new Set<() => void>();

function record(metrics: SystemMetrics) {
  const t = new Date(metrics.sampledAt).getTime();
  if (!Number.isFinite(t) || history.some((sample) => sample.t === t)) return;
  const sample: SystemSample = {
    t,
    cpu: metrics.cpu.usagePercent,
    memory: metrics.memory.usedPercent,
    rx: metrics.network.rxBytesPerSecond,
    tx: metrics.network.txBytesPerSecond,
    interfaces: Object.fromEntries(metrics.network.interfaces.map((nic) => [nic.name, { rx: nic.rxBytesPerSecond, tx: nic.txBytesPerSecond }])),
  };
  history = [...history, sample].filter((entry) => entry.t >= t - HISTORY_WINDOW_MS).sort((a, b) => a.t - b.t);
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** The system samples fetched in the last five minutes, oldest first. */
export function useSystemHistory(): SystemSample[] {
  return useSyncExternalStore(
    subscribe,
    () => history,
    () => EMPTY,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Queries.

export function useSystemMetrics(refetchInterval = 2_000) {
  return useQuery({
    queryKey: ['monitoring', 'system'],
    queryFn: async ({ signal }) => {
      const metrics = await api<SystemMetrics>('/monitoring/system', { signal });
      record(metrics);
      return metrics;
    },
    refetchInterval,
    staleTime: 1_000,
  });
}

export function useProcesses(refetchInterval = 2_000) {
  return useQuery({
    queryKey: ['monitoring', 'processes'],
    queryFn: ({ signal }) => api<MonitoringProcesses>('/monitoring/processes', { signal }),
    refetchInterval,
    staleTime: 1_000,
  });
}

export function useStreams(refetchInterval = 2_000) {
  return useQuery({
    queryKey: ['monitoring', 'streams'],
    queryFn: ({ signal }) => api<MonitoringStreams>('/monitoring/streams', { signal }),
    refetchInterval,
    staleTime: 1_000,
  });
}

/**
 * A running channel's viewers and egress (the traffic-logger's count via monitoring), null while unknown. Every
 * card shares the one `monitoring/streams` query; its viewer count moves every 5 s.
 */
export function useChannelAudience(channelId: string, enabled: boolean) {
  return useQuery({
    queryKey: ['monitoring', 'streams'],
    queryFn: ({ signal }) => api<MonitoringStreams>('/monitoring/streams', { signal }),
    refetchInterval: 5_000,
    staleTime: 1_000,
    enabled,
    select: (data) => {
      const stream = data.streams.find((each) => each.channelId === channelId);
      return stream ? { viewers: stream.viewers, egressBitsPerSecond: stream.egressBitsPerSecond } : null;
    },
  });
}

/** GET /health answers 503 with the same body when something is down: read the body either way. */
async function fetchHealth(signal?: AbortSignal): Promise<PlatformHealth> {
  let response: Response;
  try {
    // Signed in, the details (versions, pids, latencies, errors) come too; without a token only up/down.
    const token = getAccessToken();
    response = await fetch(`${API_BASE}/health`, { signal, cache: 'no-store', headers: token ? { authorization: `Bearer ${token}` } : {} });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK_ERROR', 'Castline cannot be reached. Check the connection and try again.');
  }
  if (response.ok || response.status === 503) {
    const body = (await response.json().catch(() => null)) as PlatformHealth | null;
    if (body && Array.isArray(body.services)) return body;
  }
  throw new ApiError(response.status, `HTTP_${response.status}`, response.statusText || 'Health check failed');
}

export function usePlatformHealth(refetchInterval = 5_000) {
  return useQuery({
    queryKey: ['health'],
    queryFn: ({ signal }) => fetchHealth(signal),
    refetchInterval,
    staleTime: 2_000,
  });
}

export function useRecentActivity(limit = 10, refetchInterval = 5_000, enabled = true) {
  return useQuery({
    queryKey: ['activity', limit],
    queryFn: ({ signal }) => api<RecentActivityReply>(`/activity?limit=${limit}`, { signal }),
    refetchInterval,
    enabled,
  });
}

/** Every channel (up to 200), for counts and for naming processes. */
export function useChannelSummaries(refetchInterval = 5_000, enabled = true) {
  return useQuery({
    queryKey: ['channels', 'summaries'],
    queryFn: async ({ signal }) => {
      const list = await api<ChannelList>('/channels?pageSize=200', { signal });
      return list;
    },
    refetchInterval,
    enabled,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers.

/** Percent thresholds for usage colours. */
export function usageTone(percent: number | null | undefined): 'ok' | 'warn' | 'critical' {
  if (percent === null || percent === undefined) return 'ok';
  if (percent > 95) return 'critical';
  if (percent > 85) return 'warn';
  return 'ok';
}

export const toneIndicator: Record<'ok' | 'warn' | 'critical', string> = {
  ok: 'bg-primary',
  warn: 'bg-warning',
  critical: 'bg-destructive',
};

/** Audit actions as [what happened, what was tried]: "auth.login" → "Signed in" / "Sign in". */
const ACTION_LABELS: Record<string, [string, string]> = {
  'auth.login': ['Signed in', 'Sign in'],
  'auth.logout': ['Signed out', 'Sign out'],
  'auth.refresh': ['Renewed session', 'Renew session'],
  'channels.create': ['Created channel', 'Create channel'],
  'channels.update': ['Updated channel', 'Update channel'],
  'channels.delete': ['Deleted channel', 'Delete channel'],
  'channels.start': ['Started channel', 'Start channel'],
  'channels.stop': ['Stopped channel', 'Stop channel'],
  'channels.restart': ['Restarted channel', 'Restart channel'],
  'channels.bulk': ['Bulk channel action', 'Bulk channel action'],
  'users.create': ['Created user', 'Create user'],
  'users.update': ['Updated user', 'Update user'],
  'users.delete': ['Deleted user', 'Delete user'],
  'api-keys.create': ['Created API key', 'Create API key'],
  'api-keys.revoke': ['Revoked API key', 'Revoke API key'],
  'presets.create': ['Created preset', 'Create preset'],
  'presets.update': ['Updated preset', 'Update preset'],
  'presets.delete': ['Deleted preset', 'Delete preset'],
  'uploads.logo': ['Uploaded logo', 'Upload logo'],
  'uploads.delete': ['Deleted upload', 'Delete upload'],
};

/** A readable line for an audit action; `failed` gives the attempted form ("Sign in" failed). */
export function describeAction(action: string, failed = false): string {
  const known = ACTION_LABELS[action];
  if (known) return failed ? known[1] : known[0];
  const words = action.replace(/[._-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
