'use client';

import type { CheckView, NotificationView, ReceiverView, RuleView } from '@castline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './api';

/** Alerting as the gateway serves it: checks, alerts, rules, silences, receivers, notifications. */

export interface AlertRow {
  id: string;
  rule: string;
  severity: string;
  message: string;
  labels: Record<string, string>;
  isResolved: boolean;
  createdAt: string;
  resolvedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  silenced: boolean;
}

export interface SilenceRow {
  id: string;
  matchers: Array<{ label: string; value: string; regex: boolean }>;
  startsAt: string;
  endsAt: string;
  comment: string;
  createdBy: string | null;
  active: boolean;
}

export interface DeliveryRow {
  idempotencyKey: string;
  message: string;
  transition: string;
  alerts: number;
  createdAt: string;
  deliveredAt: string | null;
  failedAt: string | null;
  attempts: Array<{ at: string; outcome: string; statusCode: number | null; reply: string | null; latencyMs: number | null; error: string | null }>;
}

export const useChecks = () => useQuery({ queryKey: ['checks'], queryFn: () => api<{ items: CheckView[] }>('/monitoring/checks'), refetchInterval: 10_000 });
export const useAlerts = (state: 'open' | 'resolved' | 'all') =>
  useQuery({ queryKey: ['alerts', state], queryFn: () => api<{ items: AlertRow[] }>(`/alerts?state=${state}`), refetchInterval: 10_000 });
export const useRules = () => useQuery({ queryKey: ['alert-rules'], queryFn: () => api<{ items: RuleView[] }>('/alerts/rules') });
export const useSilences = () => useQuery({ queryKey: ['silences'], queryFn: () => api<{ items: SilenceRow[] }>('/alerts/silences') });
export const useReceivers = () => useQuery({ queryKey: ['receivers'], queryFn: () => api<{ items: ReceiverView[] }>('/alerts/receivers') });
export const useDeliveries = (id: string | null) =>
  useQuery({ queryKey: ['deliveries', id], queryFn: () => api<{ items: DeliveryRow[] }>(`/alerts/receivers/${id}/deliveries?limit=20`), enabled: id !== null });
export const useNotifications = () =>
  useQuery({ queryKey: ['notifications'], queryFn: () => api<{ items: NotificationView[]; unread: number }>('/notifications?limit=20'), refetchInterval: 60_000 });

/** A mutation that refreshes the given queries when it succeeds. */
export function useApiMutation<T>(call: (input: T) => Promise<unknown>, invalidate: string[]) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: async () => {
      await Promise.all(invalidate.map((key) => client.invalidateQueries({ queryKey: [key] })));
    },
  });
}
