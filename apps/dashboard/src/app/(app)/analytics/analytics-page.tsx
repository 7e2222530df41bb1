'use client';

import { useQuery } from '@tanstack/react-query';
import { ChartLineIcon } from 'lucide-react';
import Link from 'next/link';
import { useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { EmptyState } from '@/components/empty-state';
import { LiveEventFeed } from '@/components/analytics/live-event-feed';
import { SiteSelect } from '@/components/analytics/site-select';
import { ErrorState } from '@/components/error-state';
import { PageHeader } from '@/components/page-header';
import { PermissionGate } from '@/components/settings/common';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Skeleton } from '@/components/ui/skeleton';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import {
  ANALYTICS_RANGE_OPTIONS,
  type AnalyticsDimension,
  type AnalyticsLive,
  type AnalyticsRangeValue,
  type AnalyticsSeries,
  type AnalyticsSummary,
  type AnalyticsTop,
  analyticsKeys,
  countryFlag,
  deltaPercent,
  dimensionValueLabel,
  useSites,
} from '@/lib/analytics';
import { api } from '@/lib/api';
import { formatDuration } from '@/lib/format';
import { queryString } from '@/lib/settings';

export function AnalyticsPage() {
  return (
    <PermissionGate permission="traffic:read" title="Analytics" description="Visitors and page views of the sites that embed the tracker." what="analytics">
      <Analytics />
    </PermissionGate>
  );
}

function Analytics() {
  const sites = useSites();
  const [picked, setPicked] = useState<string | null>(null);
  const [range, setRange] = useState<AnalyticsRangeValue>('7d');
  const site = sites.data?.items.find((each) => each.id === picked) ?? sites.data?.items[0];
  return (
    <>
      <PageHeader title="Analytics" description="From hourly rollups (refreshed every minute). Days are UTC; visitors over a range are the sum of each day's distinct visitors." />
      {sites.isPending ? (
        <Skeleton className="h-32 w-full" />
      ) : sites.isError ? (
        <ErrorState title="Could not load the sites" error={sites.error} onRetry={() => void sites.refetch()} />
      ) : !site ? (
        <EmptyState
          icon={ChartLineIcon}
          title="No sites yet"
          description="Add a site and paste its tracker snippet into its pages."
          action={
            <Button asChild>
              <Link href="/settings/sites">Settings → Sites</Link>
            </Button>
          }
        />
      ) : (
        <>
          <div className="mb-4 flex flex-wrap items-end gap-4">
            <SiteSelect id="analytics-site" sites={sites.data.items} value={site.id} onChange={setPicked} />
            <div className="grid gap-1.5">
              <Label htmlFor="analytics-range">Range</Label>
              <Select value={range} onValueChange={(value) => setRange(value as AnalyticsRangeValue)}>
                <SelectTrigger id="analytics-range" className="w-44">
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  {ANALYTICS_RANGE_OPTIONS.map((option) => (
                    <SelectItem key={option.value} value={option.value}>
                      {option.label}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            </div>
          </div>
          <SiteAnalytics siteId={site.id} range={range} />
        </>
      )}
    </>
  );
}

function SiteAnalytics({ siteId, range }: { siteId: string; range: AnalyticsRangeValue }) {
  const params = { site: siteId, range };
  const summary = useQuery({
    queryKey: analyticsKeys.summary(siteId, range),
    queryFn: ({ signal }) => api<AnalyticsSummary>(`/analytics/summary${queryString(params)}`, { signal }),
    refetchInterval: 60_000,
  });
  const series = useQuery({
    queryKey: analyticsKeys.series(siteId, range),
    queryFn: ({ signal }) => api<AnalyticsSeries>(`/analytics/series${queryString(params)}`, { signal }),
    refetchInterval: 60_000,
  });
  const live = useQuery({
    queryKey: analyticsKeys.live(siteId),
    queryFn: ({ signal }) => api<AnalyticsLive>(`/analytics/live${queryString({ site: siteId })}`, { signal }),
    refetchInterval: 15_000,
  });
  if (summary.isError) return <ErrorState title="Could not load the analytics" error={summary.error} onRetry={() => void summary.refetch()} />;
  const current = summary.data?.current;
  const previous = summary.data?.previous;
  const percent = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)} %`);
  const cards = [
    { label: 'Visitors', value: current?.visitors.toLocaleString(), delta: deltaPercent(current?.visitors ?? null, previous?.visitors ?? null) },
    { label: 'Page views', value: current?.pageviews.toLocaleString(), delta: deltaPercent(current?.pageviews ?? null, previous?.pageviews ?? null) },
    { label: 'Sessions', value: current?.sessions.toLocaleString(), delta: deltaPercent(current?.sessions ?? null, previous?.sessions ?? null) },
    { label: 'Bounce rate', value: percent(current?.bounceRate), delta: deltaPercent(current?.bounceRate ?? null, previous?.bounceRate ?? null), lowerIsBetter: true },
    { label: 'Avg. visit', value: current ? formatDuration(current.avgDurationSeconds) : undefined, delta: deltaPercent(current?.avgDurationSeconds ?? null, previous?.avgDurationSeconds ?? null) },
    { label: 'Visitors now (5 min)', value: live.data?.visitors.toLocaleString(), delta: null },
  ];
  const points = (series.data?.points ?? []).map((point) => ({
    ...point,
    label: series.data?.interval === 'hour' ? point.at.slice(11, 16) : point.at.slice(5, 10),
  }));
  return (
    <>
      <div className="mb-6 grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6" data-testid="analytics-cards">
        {cards.map((card) => (
          <Card key={card.label} className="gap-1 py-4">
            <CardHeader className="px-4">
              <CardTitle className="text-sm font-normal text-muted-foreground">{card.label}</CardTitle>
            </CardHeader>
            <CardContent className="px-4">
              <div className="text-xl font-semibold tabular-nums">{card.value ?? '—'}</div>
              {card.delta !== null && (
                <div className={`text-xs tabular-nums ${(card.delta >= 0) !== Boolean(card.lowerIsBetter) ? 'text-emerald-700 dark:text-emerald-400' : 'text-red-700 dark:text-red-400'}`}>
                  {card.delta >= 0 ? '+' : ''}
                  {card.delta.toFixed(1)} % vs previous period
                </div>
              )}
            </CardContent>
          </Card>
        ))}
      </div>
      <Card className="mb-6">
        <CardHeader>
          <CardTitle>Visitors and page views</CardTitle>
        </CardHeader>
        <CardContent>
          {points.length > 0 ? (
            <div role="img" aria-label={`Visitors and page views per ${series.data?.interval ?? 'day'}`} data-testid="analytics-chart">
              <LineChart responsive data={points} style={{ width: '100%', height: 260 }} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid vertical={false} stroke="var(--border)" strokeDasharray="3 3" />
                <XAxis dataKey="label" tick={{ fontSize: 11 }} minTickGap={24} />
                <YAxis tick={{ fontSize: 11 }} width={48} allowDecimals={false} />
                <Tooltip />
                <Legend />
                <Line type="monotone" dataKey="visitors" name="Visitors" stroke="var(--chart-1)" dot={false} isAnimationActive={false} />
                <Line type="monotone" dataKey="pageviews" name="Page views" stroke="var(--chart-2)" dot={false} isAnimationActive={false} />
              </LineChart>
            </div>
          ) : (
            <Skeleton className="h-64 w-full" />
          )}
        </CardContent>
      </Card>
      <div className="mb-6">
        <LiveEventFeed siteId={siteId} />
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <TopTable siteId={siteId} range={range} dimension="page" title="Pages" />
        <TopTable siteId={siteId} range={range} dimension="referrer" title="Referrers" />
        <TopTable siteId={siteId} range={range} dimension="country" title="Countries" />
        <TopTable siteId={siteId} range={range} dimension="utm_source" title="UTM sources" />
        <TopTable siteId={siteId} range={range} dimension="utm_medium" title="UTM media" />
        <TopTable siteId={siteId} range={range} dimension="utm_campaign" title="UTM campaigns" />
        <TopTable siteId={siteId} range={range} dimension="device" title="Devices" />
        <TopTable siteId={siteId} range={range} dimension="browser" title="Browsers" />
        <TopTable siteId={siteId} range={range} dimension="os" title="Operating systems" />
      </div>
    </>
  );
}

function TopTable({ siteId, range, dimension, title }: { siteId: string; range: AnalyticsRangeValue; dimension: AnalyticsDimension; title: string }) {
  const top = useQuery({
    queryKey: analyticsKeys.top(siteId, range, dimension),
    queryFn: ({ signal }) => api<AnalyticsTop>(`/analytics/top${queryString({ site: siteId, range, dimension, limit: 10 })}`, { signal }),
    refetchInterval: 60_000,
  });
  const rows = top.data ? [...top.data.items, ...(top.data.others ? [{ ...top.data.others, value: null }] : [])] : [];
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
      </CardHeader>
      <CardContent>
        {top.isPending ? (
          <Skeleton className="h-24 w-full" />
        ) : top.isError ? (
          <ErrorState title={`Could not load ${title.toLowerCase()}`} error={top.error} onRetry={() => void top.refetch()} />
        ) : rows.length === 0 ? (
          <p className="text-sm text-muted-foreground">Nothing in this range.</p>
        ) : (
          <Table aria-label={title}>
            <TableHeader>
              <TableRow>
                <TableHead>{title}</TableHead>
                <TableHead className="text-right">Visitors</TableHead>
                <TableHead className="text-right">Page views</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((row) => (
                <TableRow key={row.value ?? '(others)'}>
                  <TableCell className="max-w-72 truncate" title={row.value ?? undefined}>
                    {row.value === null ? (
                      <span className="text-muted-foreground">Others</span>
                    ) : dimension === 'country' && row.value !== '' ? (
                      <>
                        <span aria-hidden>{countryFlag(row.value)}</span> {row.value}
                      </>
                    ) : (
                      dimensionValueLabel(dimension, row.value)
                    )}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{row.visitors.toLocaleString()}</TableCell>
                  <TableCell className="text-right tabular-nums">{row.pageviews.toLocaleString()}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </CardContent>
    </Card>
  );
}
