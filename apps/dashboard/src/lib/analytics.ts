import type { AnalyticsDimension, AnalyticsLive, AnalyticsSeries, AnalyticsSummary, AnalyticsTop, ChannelViewersSeries, SiteView, TrafficLiveEvents } from '@castline/contracts';
import { useQuery } from '@tanstack/react-query';
import { api } from './api';
import { followEventStream } from './server-sent-events';

export type { AnalyticsDimension, AnalyticsLive, AnalyticsSeries, AnalyticsSummary, AnalyticsTop, ChannelViewersSeries, SiteView };

export const ANALYTICS_RANGE_OPTIONS = [
  { value: 'today', label: 'Today' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
] as const;
export type AnalyticsRangeValue = (typeof ANALYTICS_RANGE_OPTIONS)[number]['value'];

export const analyticsKeys = {
  sites: () => ['sites'] as const,
  summary: (site: string, range: string) => ['analytics', 'summary', site, range] as const,
  series: (site: string, range: string) => ['analytics', 'series', site, range] as const,
  top: (site: string, range: string, dimension: string) => ['analytics', 'top', site, range, dimension] as const,
  live: (site: string) => ['analytics', 'live', site] as const,
  channelViewers: (channelId: string) => ['analytics', 'channel-viewers', channelId] as const,
};

/** The flag emoji of an ISO 3166-1 alpha-2 code (regional indicator letters); empty for anything else. */
export function countryFlag(code: string): string {
  if (!/^[A-Za-z]{2}$/.test(code)) return '';
  return String.fromCodePoint(...[...code.toUpperCase()].map((letter) => 0x1f1e6 + letter.charCodeAt(0) - 65));
}

/** Change from `previous` to `current` in percent, null when there is nothing to compare with. */
export function deltaPercent(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return ((current - previous) / previous) * 100;
}

/** How an unknown ('') value of a dimension reads. */
export function dimensionValueLabel(dimension: AnalyticsDimension, value: string): string {
  if (value !== '') return value;
  return dimension === 'referrer' ? 'Direct / none' : 'Unknown';
}

/** The tracked sites (Analytics, Traffic and Settings -> Sites share this query). */
export const useSites = () => useQuery({ queryKey: analyticsKeys.sites(), queryFn: ({ signal }) => api<{ items: SiteView[] }>('/sites', { signal }) });

export type TrafficLiveEvent = TrafficLiveEvents['events'][number];

/** Follows a site's tracker events as they are stored (/analytics/live/stream). Returns the function that stops. */
export function followSiteEvents(siteId: string, onEvents: (events: TrafficLiveEvent[]) => void, onState: (live: boolean) => void): () => void {
  return followEventStream({
    url: () => `/analytics/live/stream?site=${encodeURIComponent(siteId)}`,
    event: 'traffic',
    onData: (data) => onEvents(data.flatMap((item) => (JSON.parse(item) as TrafficLiveEvents).events)),
    onState,
  });
}
