'use client';

import { GaugeIcon } from 'lucide-react';
import { useState } from 'react';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { Sparkline } from '@/components/monitoring/sparkline';
import { PageHeader } from '@/components/page-header';
import { TableSkeleton } from '@/components/resource-table';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatNumber, formatPercent } from '@/lib/format';
import { useApiMetrics } from '@/lib/logs';

const RANGES = ['1h', '6h', '24h', '7d', '30d'] as const;
const ms = (value: number | null) => (value === null ? '—' : `${formatNumber(value, value < 10 ? 1 : 0)} ms`);

export function ApiMetricsPage() {
  const [range, setRange] = useState<(typeof RANGES)[number]>('1h');
  const metrics = useApiMetrics(range);
  const series = metrics.data?.series ?? [];
  return (
    <>
      <PageHeader
        title="API"
        description="Requests per route: count, error rate (5xx) and latency percentiles from per-minute rollups."
        actions={
          <div className="flex gap-1" role="group" aria-label="Range">
            {RANGES.map((value) => (
              <Button key={value} size="sm" variant={value === range ? 'default' : 'outline'} aria-pressed={value === range} onClick={() => setRange(value)}>
                {value}
              </Button>
            ))}
          </div>
        }
      />
      {metrics.isPending ? (
        <TableSkeleton columns={['Route', 'Requests', 'Errors', 'p50', 'p95', 'p99']} label="Loading API metrics" />
      ) : metrics.isError ? (
        <ErrorState error={metrics.error} onRetry={() => void metrics.refetch()} />
      ) : metrics.data.routes.length === 0 ? (
        <EmptyState icon={GaugeIcon} title="No requests in this range" description="Each service publishes its request rollups every minute." />
      ) : (
        <div className="flex flex-col gap-6">
          <div className="grid gap-4 sm:grid-cols-2">
            <Card className="p-4">
              <p className="mb-2 text-sm text-muted-foreground">Requests per {metrics.data.resolution}</p>
              <Sparkline values={series.map((point) => point.count)} label="Requests" className="h-16 w-full" />
            </Card>
            <Card className="p-4">
              <p className="mb-2 text-sm text-muted-foreground">p95 latency (ms)</p>
              <Sparkline values={series.map((point) => point.p95Ms)} label="p95 latency" className="h-16 w-full" />
            </Card>
          </div>
          <Table aria-label="Routes">
            <TableHeader>
              <TableRow>
                <TableHead>Service</TableHead>
                <TableHead>Route</TableHead>
                <TableHead className="text-right">Requests</TableHead>
                <TableHead className="text-right">Errors</TableHead>
                <TableHead className="text-right">p50</TableHead>
                <TableHead className="text-right">p95</TableHead>
                <TableHead className="text-right">p99</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {metrics.data.routes.map((route) => (
                <TableRow key={`${route.service} ${route.method} ${route.route}`}>
                  <TableCell>{route.service}</TableCell>
                  <TableCell className="font-mono text-xs">
                    {route.method} {route.route}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{route.count}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatPercent(route.errorRate * 100, 1)}</TableCell>
                  <TableCell className="text-right tabular-nums">{ms(route.p50Ms)}</TableCell>
                  <TableCell className="text-right tabular-nums">{ms(route.p95Ms)}</TableCell>
                  <TableCell className="text-right tabular-nums">{ms(route.p99Ms)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </>
  );
}
