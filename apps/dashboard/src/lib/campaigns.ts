'use client';

import type { AdAccountView, AnalyticsReply, CampaignEvent, CampaignView, CreativeList, SyncRunView, TrackingLinkView } from '@castline/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import { useLiveFeedEvents } from './live-metrics';

export type { AdAccountView, AnalyticsReply, CampaignView, CreativeList, SyncRunView, TrackingLinkView };

export const campaignKeys = {
  all: ['campaigns'] as const,
  list: (params: unknown) => ['campaigns', 'list', params] as const,
  analytics: (params: unknown) => ['campaigns', 'analytics', params] as const,
  accounts: () => ['campaigns', 'accounts'] as const,
  runs: (id: string) => ['campaigns', 'accounts', id, 'runs'] as const,
  links: () => ['campaigns', 'links'] as const,
  detail: (id: string) => ['campaigns', 'detail', id] as const,
  creatives: (id: string, params: unknown) => ['campaigns', 'detail', id, 'creatives', params] as const,
};

/** The ranges the campaigns pages offer, in days back from today. */
export const CAMPAIGN_RANGES = [
  { value: '7', label: 'Last 7 days' },
  { value: '30', label: 'Last 30 days' },
  { value: '90', label: 'Last 90 days' },
  { value: '365', label: 'Last 365 days' },
] as const;

/**
 * yyyy-mm-dd of the operator's today minus `days`, on their own calendar: at 00:30 in Berlin "today" is already
 * the new day (UTC would still say yesterday). Each figure's day is its account's own day.
 */
export function dayAgo(days: number): string {
  const day = new Date();
  day.setDate(day.getDate() - days);
  return `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
}

export function formatMoney(value: number | null | undefined, currency: string): string {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat('en', { style: 'currency', currency, maximumFractionDigits: 2 }).format(value);
}

export const formatRatio = (value: number | null | undefined, digits = 2) => (value === null || value === undefined ? '—' : value.toFixed(digits));

/** What a toast says about an account event (null: nothing worth a toast, e.g. a synced account). */
export function describeAccountEvent(event: CampaignEvent, name: string): string | null {
  const why = event.message ?? event.code;
  if (event.type === 'account.paused') return `${name} paused${why ? `: ${why}` : ''}`;
  if (event.type === 'account.error') return `${name} failed to sync${why ? `: ${why}` : ''}`;
  return null;
}

/**
 * Follows campaigns.events on the live feed: the accounts list refreshes on every account event, and a pause or
 * failure shows a toast naming the account.
 */
export function useAccountEvents(): void {
  const client = useQueryClient();
  useLiveFeedEvents({
    onCampaign: (event) => {
      const accounts = client.getQueryData<{ items: AdAccountView[] }>(campaignKeys.accounts());
      const name = accounts?.items.find((account) => account.id === event.accountId)?.name ?? 'An ad account';
      const text = describeAccountEvent(event, name);
      if (text) toast.error(text);
      void client.invalidateQueries({ queryKey: campaignKeys.accounts() });
      void client.invalidateQueries({ queryKey: campaignKeys.runs(event.accountId) });
    },
  });
}
