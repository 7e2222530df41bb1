'use client';

import type { AdAccountView, AnalyticsReply, CampaignView, SyncRunView, TrackingLinkView } from '@castline/contracts';

export type { AdAccountView, AnalyticsReply, CampaignView, SyncRunView, TrackingLinkView };

export const campaignKeys = {
  all: ['campaigns'] as const,
  list: (params: unknown) => ['campaigns', 'list', params] as const,
  analytics: (params: unknown) => ['campaigns', 'analytics', params] as const,
  accounts: () => ['campaigns', 'accounts'] as const,
  runs: (id: string) => ['campaigns', 'accounts', id, 'runs'] as const,
  links: () => ['campaigns', 'links'] as const,
};

/** yyyy-mm-dd of today minus `days` (UTC). */
export const dayAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

export function formatMoney(value: number | null | undefined, currency: string): string {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat('en', { style: 'currency', currency, maximumFractionDigits: 2 }).format(value);
}

export const formatRatio = (value: number | null | undefined, digits = 2) => (value === null || value === undefined ? '—' : value.toFixed(digits));
