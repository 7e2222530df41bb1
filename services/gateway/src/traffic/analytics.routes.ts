import {
  AnalyticsRangeQuerySchema,
  AnalyticsSeriesQuerySchema,
  AnalyticsSiteQuerySchema,
  AnalyticsTopQuerySchema,
  ChannelViewersQuerySchema,
  Rpc,
} from '@castline/contracts';
import { forward, forwardController } from '../common/forward';

/** Site analytics and channel viewer charts from the traffic-logger's rollups (every role: traffic:read). */
export const AnalyticsController = forwardController('AnalyticsController', 'analytics', 'traffic', [
  forward({
    name: 'summary',
    method: 'GET',
    path: 'summary',
    permission: 'traffic:read',
    rpc: Rpc.analytics.summary,
    summary: 'Visitors, page views, sessions, bounce rate and average duration of a site over today / 7d / 30d / custom (UTC days, at most 92), with the period before',
    query: AnalyticsRangeQuerySchema,
  }),
  forward({
    name: 'series',
    method: 'GET',
    path: 'series',
    permission: 'traffic:read',
    rpc: Rpc.analytics.series,
    summary: 'Visitors and page views per hour or day of the range, zeros where nothing happened',
    query: AnalyticsSeriesQuerySchema,
  }),
  forward({
    name: 'top',
    method: 'GET',
    path: 'top',
    permission: 'traffic:read',
    rpc: Rpc.analytics.top,
    summary: 'Top pages, referrers, UTM values, countries, devices, browsers or OS by page views, the rest summed as others',
    query: AnalyticsTopQuerySchema,
  }),
  forward({
    name: 'live',
    method: 'GET',
    path: 'live',
    permission: 'traffic:read',
    rpc: Rpc.analytics.live,
    summary: 'Distinct visitors of the site in the last 5 minutes',
    query: AnalyticsSiteQuerySchema,
  }),
  forward({
    name: 'channelViewers',
    method: 'GET',
    path: 'channel-viewers',
    permission: 'traffic:read',
    rpc: Rpc.analytics.channelViewers,
    summary: "A live channel's viewers and bytes per minute over the last 24 h (by channel id and/or slug)",
    query: ChannelViewersQuerySchema,
  }),
]);
