'use client';

import type { ApiMetrics, AppLogView, LogFilter } from '@castline/contracts';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { apiBlob, apiResponse, api } from './api';

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

/** Splits server-sent event text into events (pure): complete blocks out, the unfinished rest kept. */
export function parseEvents(buffer: string): { events: Array<{ id?: string; event?: string; data?: string }>; rest: string } {
  const events: Array<{ id?: string; event?: string; data?: string }> = [];
  let rest = buffer;
  let end: number;
  while ((end = rest.indexOf('\n\n')) >= 0) {
    const block = rest.slice(0, end);
    rest = rest.slice(end + 2);
    const event: { id?: string; event?: string; data?: string } = {};
    for (const line of block.split('\n')) {
      const colon = line.indexOf(': ');
      if (colon <= 0) continue;
      const field = line.slice(0, colon);
      if (field === 'id' || field === 'event' || field === 'data') event[field] = line.slice(colon + 2);
    }
    if (event.event) events.push(event);
  }
  return { events, rest };
}

/**
 * Follows /logs/stream with the session's token (fetch, so the Authorization header goes along), reconnecting
 * after 2 s with Last-Event-ID so nothing between two connections is missed. Returns the function that stops.
 */
export function followLogs(filters: LogFilters, onRows: (rows: AppLogView[]) => void, onState: (live: boolean) => void): () => void {
  const controller = new AbortController();
  let lastId: string | undefined;
  const connect = async () => {
    while (!controller.signal.aborted) {
      try {
        const response = await apiResponse(`/logs/stream?${logQuery(filters, lastId ? { lastEventId: lastId } : {})}`, { signal: controller.signal });
        onState(true);
        const reader = response.body!.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const parsed = parseEvents(buffer + decoder.decode(value, { stream: true }));
          buffer = parsed.rest;
          const rows = parsed.events.filter((event) => event.event === 'log' && event.data).map((event) => JSON.parse(event.data!) as AppLogView);
          if (rows.length > 0) {
            lastId = rows.at(-1)!.id;
            onRows(rows);
          }
        }
      } catch {
        // aborted or refused: retried below unless stopped
      }
      onState(false);
      if (!controller.signal.aborted) await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  };
  void connect();
  return () => controller.abort();
}
