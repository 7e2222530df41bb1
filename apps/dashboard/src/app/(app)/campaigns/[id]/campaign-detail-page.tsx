'use client';

import { useQuery } from '@tanstack/react-query';
import { ImageIcon } from 'lucide-react';
import Link from 'next/link';
import { useState } from 'react';
import { type CampaignRange, RangeSelect } from '@/components/campaigns/range-select';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { PageHeader } from '@/components/page-header';
import { PermissionGate } from '@/components/settings/common';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/skeleton';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { api } from '@/lib/api';
import { type CampaignView, campaignKeys, type CreativeList, dayAgo, formatMoney, formatRatio } from '@/lib/campaigns';
import { queryString } from '@/lib/settings';

export function CampaignDetailPage({ id }: { id: string }) {
  return (
    <PermissionGate permission="campaigns:read" title="Campaign" description="A campaign and its ads." what="this campaign">
      <CampaignDetail id={id} />
    </PermissionGate>
  );
}

/** A campaign's settings and its ads (creatives) with their figures over a range, sorted by spend. */
function CampaignDetail({ id }: { id: string }) {
  const [days, setDays] = useState<CampaignRange>('30');
  const since = dayAgo(Number(days) - 1);
  const until = dayAgo(0);
  const campaign = useQuery({
    queryKey: campaignKeys.detail(id),
    queryFn: ({ signal }) => api<CampaignView>(`/campaigns/${encodeURIComponent(id)}`, { signal }),
  });
  const creatives = useQuery({
    queryKey: campaignKeys.creatives(id, { since, until }),
    queryFn: ({ signal }) => api<CreativeList>(`/campaigns/${encodeURIComponent(id)}/creatives${queryString({ since, until })}`, { signal }),
    enabled: campaign.isSuccess,
  });

  if (campaign.isPending) return <Skeleton className="h-64 w-full" />;
  if (campaign.isError) return <ErrorState title="Could not load the campaign" error={campaign.error} onRetry={() => void campaign.refetch()} />;
  const value = campaign.data;
  const facts = [
    { label: 'Platform', value: value.platform },
    { label: 'Status', value: value.status },
    { label: 'Objective', value: value.objective ?? '—' },
    { label: 'Currency', value: value.currency },
    { label: 'Daily budget', value: formatMoney(value.dailyBudget, value.currency) },
    { label: 'External id', value: value.externalId ?? '—' },
  ];
  const items = [...(creatives.data?.items ?? [])].sort((a, b) => b.spend - a.spend);

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/campaigns" className="text-muted-foreground hover:underline">
          ← Campaigns
        </Link>
      </p>
      <PageHeader title={value.name} description="The campaign's ads with their figures over the range; money in the campaign's currency." />
      <dl className="mb-6 grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6" data-testid="campaign-facts">
        {facts.map((fact) => (
          <div key={fact.label} className="rounded-lg border p-3">
            <dt className="text-xs text-muted-foreground">{fact.label}</dt>
            <dd className="truncate font-medium">{fact.value}</dd>
          </div>
        ))}
      </dl>
      <Card>
        <CardHeader className="flex flex-row flex-wrap items-end justify-between gap-3">
          <CardTitle>Creatives</CardTitle>
          <RangeSelect id="creatives-range" value={days} onChange={setDays} />
        </CardHeader>
        <CardContent>
          {creatives.isPending ? (
            <Skeleton className="h-32 w-full" />
          ) : creatives.isError ? (
            <ErrorState title="Could not load the creatives" error={creatives.error} onRetry={() => void creatives.refetch()} />
          ) : items.length === 0 ? (
            <EmptyState icon={ImageIcon} title="No creatives" description="This campaign has no ads synced yet (manual campaigns have none)." />
          ) : (
            <Table data-testid="creatives-table">
              <TableHeader>
                <TableRow>
                  <TableHead>Ad</TableHead>
                  <TableHead className="text-right">Impressions</TableHead>
                  <TableHead className="text-right">Clicks</TableHead>
                  <TableHead className="text-right">CTR</TableHead>
                  <TableHead className="text-right">Spend</TableHead>
                  <TableHead className="text-right">Conversions</TableHead>
                  <TableHead className="text-right">Revenue</TableHead>
                  <TableHead className="text-right">ROAS</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {items.map((creative) => (
                  <TableRow key={creative.id} data-creative={creative.name}>
                    <TableCell className="font-medium">
                      {creative.name}
                      {creative.externalAdId && <span className="ml-2 text-xs text-muted-foreground">{creative.externalAdId}</span>}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{creative.impressions.toLocaleString('en')}</TableCell>
                    <TableCell className="text-right tabular-nums">{creative.clicks.toLocaleString('en')}</TableCell>
                    <TableCell className="text-right tabular-nums">{creative.ctr === null ? '—' : `${(creative.ctr * 100).toFixed(2)} %`}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatMoney(creative.spend, creatives.data.currency)}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatRatio(creative.platformConversions, 0)}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatMoney(creative.platformRevenue, creatives.data.currency)}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatRatio(creative.roas)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
    </>
  );
}
