'use client';

import type { ApiMetrics, AppLogView, LogFilter } from '@castline/contracts';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { apiBlob, api } from './api';
import { followEventStream } from './server-sent-events';

/** App logs and API metrics as the gateway serves them. */

export type LogFilters = Pick<LogFilter, 'service' | 'level' | 'contains' | 'route'> & { status?: string };

export function logQuery(filters: LogFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, ...extra })) if (value) params.set(key, String(value));
  return params.toString();
}

export const useLogs = (filters: LogFilters) =>
  useInfiniteQuery({
    queryKey: ['logs', filters],
    queryFn: ({ pageParam, signal }) => api<{ items: AppLogView[]; nextCursor: string | null }>(`/logs?${logQuery(filters, { limit: '100', ...(pageParam ? { before: pageParam } : {}) })}`, { signal }),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });

export const useApiMetrics = (range: string) =>
  useQuery({ queryKey: ['api-metrics', range], queryFn: ({ signal }) => api<ApiMetrics>(`/monitoring/api-metrics?range=${range}`, { signal }), refetchInterval: 60_000 });

/** Downloads the filtered records (the gateway streams every page) as a file. */
export async function downloadLogs(filters: LogFilters, format: 'json' | 'txt'): Promise<void> {
  const blob = await apiBlob(`/logs/export?${logQuery(filters, { format })}`);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `castline-logs.${format}`;
  link.click();
  URL.revokeObjectURL(url);
}

/**
 * Follows /logs/stream with the session's token, reconnecting with Last-Event-ID so nothing between two
 * connections is missed. Returns the function that stops.
 */
export function followLogs(filters: LogFilters, onRows: (rows: AppLogView[]) => void, onState: (live: boolean) => void): () => void {
  return followEventStream({
    url: (lastEventId) => `/logs/stream?${logQuery(filters, lastEventId ? { lastEventId } : {})}`,
    event: 'log',
    onData: (data) => onRows(data.map((item) => JSON.parse(item) as AppLogView)),
    onState,
  });
}
