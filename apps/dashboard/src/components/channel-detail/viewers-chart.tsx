'use client';

import { useQuery } from '@tanstack/react-query';
import { memo } from 'react';
import { Area, AreaChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { ErrorState } from '@/components/error-state';
import { Skeleton } from '@/components/ui/skeleton';
import { analyticsKeys, type ChannelViewersSeries } from '@/lib/analytics';
import { api } from '@/lib/api';
import { queryString } from '@/lib/settings';

/** A channel's viewers per minute over the last 24 h (the traffic-logger's per-minute rollup), refreshed every minute. */
export const ViewersChart = memo(function ViewersChart({ channelId, slug }: { channelId: string; slug: string }) {
  const series = useQuery({
    queryKey: analyticsKeys.channelViewers(channelId),
    queryFn: ({ signal }) => api<ChannelViewersSeries>(`/analytics/channel-viewers${queryString({ channelId, slug })}`, { signal }),
    refetchInterval: 60_000,
  });
  if (series.isPending) return <Skeleton className="h-48 w-full" />;
  if (series.isError) return <ErrorState title="Could not load the viewers" error={series.error} onRetry={() => void series.refetch()} />;
  const points = series.data.points.map((point) => ({ time: new Date(point.minute).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }), viewers: point.viewers }));
  const peak = Math.max(0, ...points.map((point) => point.viewers));
  return (
    <div role="img" aria-label={`Viewers per minute over the last 24 hours, peak ${peak}`} data-testid="viewers-24h-chart">
      <AreaChart responsive data={points} style={{ width: '100%', height: 200 }} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid vertical={false} stroke="var(--border)" strokeDasharray="3 3" />
        <XAxis dataKey="time" tick={{ fontSize: 11 }} minTickGap={48} />
        <YAxis tick={{ fontSize: 11 }} width={40} allowDecimals={false} />
        <Tooltip />
        <Area type="stepAfter" dataKey="viewers" name="Viewers" stroke="var(--chart-1)" fill="var(--chart-1)" fillOpacity={0.2} isAnimationActive={false} />
      </AreaChart>
    </div>
  );
});
