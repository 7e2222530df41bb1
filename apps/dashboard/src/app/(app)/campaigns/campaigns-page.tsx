'use client';

import { ListCampaignsSchema } from '@castline/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { MegaphoneIcon } from 'lucide-react';
import Link from 'next/link';
import { useState } from 'react';
import { Line, LineChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { z } from 'zod';
import { RangeSelect } from '@/components/campaigns/range-select';
import { SourcesPie } from '@/components/campaigns/sources-pie';
import { EmptyState } from '@/components/empty-state';
import { PageHeader } from '@/components/page-header';
import { ResourceTable } from '@/components/resource-table';
import { PermissionGate } from '@/components/settings/common';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { api } from '@/lib/api';
import { type AnalyticsReply, type CampaignView, campaignKeys, dayAgo, formatMoney, formatRatio } from '@/lib/campaigns';
import { type Page, queryString } from '@/lib/settings';
import { useTableSearch } from '@/lib/use-table-search';

const CampaignsSearchSchema = z.object({
  page: ListCampaignsSchema.shape.page.catch(1),
  pageSize: ListCampaignsSchema.shape.pageSize.catch(25),
  sort: ListCampaignsSchema.shape.sort.catch('-spend'),
  days: z.enum(['7', '30', '90', '365']).catch('30'),
});

export function CampaignsPage() {
  return (
    <PermissionGate permission="campaigns:read" title="Campaigns" description="Ad campaigns from Meta and Google Ads, and manual ones." what="campaigns">
      <Campaigns />
    </PermissionGate>
  );
}

function Campaigns() {
  const search = useTableSearch(CampaignsSearchSchema);
  const { days, ...paging } = search.values;
  const since = dayAgo(Number(days) - 1);
  const until = dayAgo(0);
  const analytics = useQuery({
    queryKey: campaignKeys.analytics({ since, until }),
    queryFn: ({ signal }) => api<AnalyticsReply>(`/campaigns/analytics${queryString({ since, until })}`, { signal }),
    refetchInterval: 60_000,
  });
  const currencies = analytics.data?.currencies ?? [];
  const [picked, setPicked] = useState<string | null>(null);
  const currency = picked && currencies.some((block) => block.currency === picked) ? picked : (currencies[0]?.currency ?? null);
  const block = currencies.find((each) => each.currency === currency);
  const query = useQuery({
    queryKey: campaignKeys.list({ ...paging, since, until }),
    queryFn: ({ signal }) => api<Page<CampaignView>>(`/campaigns${queryString({ ...paging, since, until })}`, { signal }),
    placeholderData: keepPreviousData,
  });

  const columns: Array<ColumnDef<CampaignView, never>> = [
    { accessorKey: 'name', header: 'Campaign', meta: { className: 'font-medium' }, cell: ({ row }) => (
        <Link href={`/campaigns/${row.original.id}`} className="hover:underline">
          {row.original.name}
        </Link>
      ),
    },
    { accessorKey: 'platform', header: 'Platform', cell: ({ row }) => row.original.platform },
    { accessorKey: 'status', header: 'Status', cell: ({ row }) => row.original.status },
    { accessorKey: 'spend', header: 'Spend', sortDescFirst: true, cell: ({ row }) => formatMoney(row.original.spend, row.original.currency) },
    { accessorKey: 'revenue', header: 'Revenue', sortDescFirst: true, cell: ({ row }) => formatMoney(row.original.revenue, row.original.currency) },
  ];

  const totals = block?.totals;
  const cards = [
    { label: 'Spend', value: totals && currency ? formatMoney(totals.spend, currency) : '—' },
    { label: 'Revenue', value: totals && currency ? formatMoney(totals.platformRevenue, currency) : '—' },
    { label: 'ROAS', value: formatRatio(totals?.roas) },
    { label: 'CTR', value: totals?.ctr === null || totals?.ctr === undefined ? '—' : `${(totals.ctr * 100).toFixed(2)} %` },
    { label: 'CPA', value: totals && currency ? formatMoney(totals.cpa, currency) : '—' },
    { label: 'Conversions (platform / tracked)', value: totals ? `${formatRatio(totals.platformConversions, 0)} / ${totals.trackedConversions}` : '—' },
  ];

  return (
    <>
      <PageHeader title="Campaigns" description="Figures are sums over the range; ratios come from the sums. Currencies are never added together." />
      <div className="mb-4 flex flex-wrap items-end gap-4">
        <RangeSelect id="campaigns-range" value={days} onChange={(value) => search.set({ days: value, page: 1 })} />
        {currencies.length > 0 && (
          <div className="grid gap-1.5">
            <Label htmlFor="campaigns-currency">Currency</Label>
            <Select value={currency ?? undefined} onValueChange={setPicked}>
              <SelectTrigger id="campaigns-currency" className="w-28">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {currencies.map((each) => (
                  <SelectItem key={each.currency} value={each.currency}>
                    {each.currency}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </div>
        )}
      </div>
      <div className="mb-6 grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6" data-testid="campaign-cards">
        {cards.map((card) => (
          <Card key={card.label} className="gap-1 py-4">
            <CardHeader className="px-4">
              <CardTitle className="text-sm font-normal text-muted-foreground">{card.label}</CardTitle>
            </CardHeader>
            <CardContent className="px-4 text-xl font-semibold tabular-nums">{card.value}</CardContent>
          </Card>
        ))}
      </div>
      <Card className="mb-6">
        <CardHeader>
          <CardTitle>Spend vs revenue{currency ? ` (${currency})` : ''}</CardTitle>
        </CardHeader>
        <CardContent>
          {block && block.series.length > 0 ? (
            <div role="img" aria-label={`Spend and revenue per day in ${currency}`} data-testid="spend-revenue-chart">
              <LineChart responsive data={block.series} style={{ width: '100%', height: 260 }} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid vertical={false} stroke="var(--border)" strokeDasharray="3 3" />
                <XAxis dataKey="date" tick={{ fontSize: 11 }} minTickGap={24} />
                <YAxis tick={{ fontSize: 11 }} width={56} />
                <Tooltip />
                <Legend />
                <Line type="monotone" dataKey="spend" name="Spend" stroke="var(--chart-1)" dot={false} isAnimationActive={false} />
                <Line type="monotone" dataKey="platformRevenue" name="Revenue" stroke="var(--chart-2)" dot={false} isAnimationActive={false} />
              </LineChart>
            </div>
          ) : (
            <p className="text-sm text-muted-foreground">No figures in this range yet.</p>
          )}
        </CardContent>
      </Card>
      <SourcesPie sources={analytics.data?.sources} />
      <ResourceTable
        label="campaigns"
        columns={columns}
        query={query}
        search={search}
        getRowId={(campaign) => campaign.id}
        rowProps={(campaign) => ({ 'data-campaign': campaign.name })}
        errorTitle="Could not load the campaigns"
        empty={<EmptyState icon={MegaphoneIcon} title="No campaigns yet" description="Connect a Meta or Google Ads account under Campaigns → Accounts, or add a manual campaign through the API." />}
      />
    </>
  );
}
