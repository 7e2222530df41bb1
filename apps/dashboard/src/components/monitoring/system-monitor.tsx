'use client';

import type { DiskUsage, NetworkInterface, SystemMetrics } from '@castline/contracts';
import { AlertTriangleIcon, ArrowDownToLineIcon, ArrowUpFromLineIcon, ClockIcon, CpuIcon, GaugeIcon, MemoryStickIcon } from 'lucide-react';
import type { ReactNode } from 'react';
import { ErrorState } from '@/components/error-state';
import { Card, CardAction, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Progress } from '@/components/ui/progress';
import { Skeleton } from '@/components/ui/skeleton';
import { formatBitrate, formatBytes, formatDateTime, formatDuration, formatPercent } from '@/lib/format';
import { HISTORY_WINDOW_MS, type SystemSample, toneIndicator, usageTone, useSystemHistory, useSystemMetrics } from '@/lib/monitoring';
import { cn } from '@/lib/utils';
import { RateChart } from './rate-chart';
import { ToneBadge } from './tone-badge';

const POLL_MS = 2_000;
const bits = (bytesPerSecond: number | null | undefined) => (bytesPerSecond == null ? null : bytesPerSecond * 8);

function SectionCard({
  title,
  description,
  action,
  children,
  className,
  contentClassName,
  testId,
}: {
  title: string;
  description?: ReactNode;
  action?: ReactNode;
  children: ReactNode;
  className?: string;
  contentClassName?: string;
  testId?: string;
}) {
  return (
    <Card className={className} data-testid={testId}>
      <CardHeader className="flex-row items-start">
        <div className="flex min-w-0 flex-col gap-1">
          <CardTitle>
            <h2 className="text-base">{title}</h2>
          </CardTitle>
          {description && <CardDescription>{description}</CardDescription>}
        </div>
        {action && <CardAction>{action}</CardAction>}
      </CardHeader>
      <CardContent className={contentClassName}>{children}</CardContent>
    </Card>
  );
}

function Figure({ icon: Icon, label, value, detail }: { icon: typeof CpuIcon; label: string; value: ReactNode; detail?: ReactNode }) {
  return (
    <Card className="gap-1 px-4">
      <div className="flex items-center justify-between text-sm text-muted-foreground">
        <span>{label}</span>
        <Icon className="size-4" aria-hidden />
      </div>
      <div className="text-xl font-semibold tabular-nums tracking-tight sm:text-2xl">{value}</div>
      {detail && <div className="text-xs text-muted-foreground">{detail}</div>}
    </Card>
  );
}

function SystemSkeleton() {
  return (
    <div className="space-y-4" aria-busy="true" aria-label="Loading system metrics">
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        {Array.from({ length: 4 }, (_, index) => (
          <Skeleton key={index} className="h-24 rounded-xl" />
        ))}
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <Skeleton className="h-72 rounded-xl" />
        <Skeleton className="h-72 rounded-xl" />
        <Skeleton className="h-56 rounded-xl" />
        <Skeleton className="h-56 rounded-xl" />
      </div>
    </div>
  );
}

function CpuCard({ metrics, history }: { metrics: SystemMetrics; history: SystemSample[] }) {
  const data = history.map((sample) => ({ t: sample.t, cpu: sample.cpu }));
  return (
    <SectionCard title="CPU" description={`${metrics.cpu.cores} cores · ${formatPercent(metrics.cpu.usagePercent)} overall`} testId="cpu-card" contentClassName="flex flex-1 flex-col">
      <ul className="grid gap-x-6 gap-y-2 sm:grid-cols-2">
        {metrics.cpu.perCore.map((core) => {
          const label = `CPU ${core.core}`;
          return (
            <li key={core.core} className="grid grid-cols-[3.5rem_1fr_3rem] items-center gap-2 text-sm">
              <span className="text-muted-foreground">{label}</span>
              <Progress value={core.usagePercent ?? 0} aria-label={`${label} usage`} indicatorClassName={toneIndicator[usageTone(core.usagePercent)]} />
              <span className="text-right tabular-nums">{formatPercent(core.usagePercent)}</span>
            </li>
          );
        })}
      </ul>
      <div className="mt-4 h-48 flex-1 lg:h-auto lg:min-h-48">
        <RateChart data={data} series={[{ key: 'cpu', label: 'CPU', color: 'var(--chart-1)' }]} kind="percent" label="CPU usage, last 5 minutes" windowMs={HISTORY_WINDOW_MS} height="100%" />
      </div>
    </SectionCard>
  );
}

function MemoryCard({ metrics }: { metrics: SystemMetrics }) {
  const memory = metrics.memory;
  const total = memory.totalBytes || 1;
  const cache = memory.cachedBytes + memory.buffersBytes;
  const usedShare = (memory.usedBytes / total) * 100;
  const cacheShare = Math.min(100 - usedShare, (cache / total) * 100);
  const swapUsed = memory.swapTotalBytes - memory.swapFreeBytes;
  const tone = usageTone(memory.usedPercent);
  const rows: Array<{ label: string; value: string; swatch?: string }> = [
    { label: 'Used', value: formatBytes(memory.usedBytes), swatch: tone === 'ok' ? 'bg-chart-1' : toneIndicator[tone] },
    { label: 'Cache and buffers', value: formatBytes(cache), swatch: 'bg-chart-2' },
    { label: 'Available', value: formatBytes(memory.availableBytes), swatch: 'bg-muted' },
    { label: 'Total', value: formatBytes(memory.totalBytes) },
    { label: 'Swap', value: memory.swapTotalBytes > 0 ? `${formatBytes(swapUsed)} of ${formatBytes(memory.swapTotalBytes)}` : 'none' },
  ];
  return (
    <SectionCard
      title="Memory"
      description={`${formatPercent(memory.usedPercent)} used`}
      testId="memory-card"
      action={tone !== 'ok' && <ToneBadge tone={tone === 'critical' ? 'destructive' : 'warning'}>High</ToneBadge>}
    >
      <div
        role="img"
        aria-label={`Memory: ${formatBytes(memory.usedBytes)} used, ${formatBytes(cache)} cache and buffers, ${formatBytes(memory.totalBytes)} total`}
        className="flex h-3 w-full overflow-hidden rounded-full bg-muted"
      >
        <div className={cn('h-full', rows[0]?.swatch)} style={{ width: `${usedShare}%` }} />
        <div className="h-full bg-chart-2" style={{ width: `${cacheShare}%` }} />
      </div>
      <dl className="mt-4 grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
        {rows.map((row) => (
          <div key={row.label} className="flex items-center justify-between gap-2">
            <dt className="flex items-center gap-2 text-muted-foreground">
              {row.swatch && <span className={cn('size-2.5 rounded-sm border', row.swatch)} aria-hidden />}
              {row.label}
            </dt>
            <dd className="tabular-nums">{row.value}</dd>
          </div>
        ))}
      </dl>
    </SectionCard>
  );
}

const DISK_LABELS: Record<DiskUsage['mount'], string> = { hls: 'HLS segments', data: 'Data' };

function DisksCard({ disks }: { disks: DiskUsage[] }) {
  return (
    <SectionCard title="Disks" description="The HLS root and the data directory" testId="disks-card">
      {disks.length === 0 ? (
        <p className="text-sm text-muted-foreground">No disk is reported.</p>
      ) : (
        <ul className="space-y-4">
          {disks.map((disk) => {
            const tone = usageTone(disk.usedPercent);
            const high = tone !== 'ok';
            return (
              <li key={disk.mount} className={cn('rounded-lg border p-3', high && 'border-warning/60 bg-warning/5', tone === 'critical' && 'border-destructive/60 bg-destructive/5')} data-testid={`disk-${disk.mount}`}>
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <div className="min-w-0">
                    <p className="text-sm font-medium">{DISK_LABELS[disk.mount] ?? disk.mount}</p>
                    <p className="truncate font-mono text-xs text-muted-foreground" title={disk.measuredPath}>
                      {disk.path}
                      {!disk.pathExists && ` (missing; measured ${disk.measuredPath})`}
                    </p>
                  </div>
                  {high && (
                    <ToneBadge tone={tone === 'critical' ? 'destructive' : 'warning'}>
                      <AlertTriangleIcon aria-hidden /> {formatPercent(disk.usedPercent)} full
                    </ToneBadge>
                  )}
                </div>
                <Progress value={disk.usedPercent} aria-label={`${DISK_LABELS[disk.mount] ?? disk.mount} disk used`} className="mt-2" indicatorClassName={toneIndicator[tone]} />
                <p className="mt-1.5 flex flex-wrap justify-between gap-x-4 text-xs text-muted-foreground tabular-nums">
                  <span>
                    {formatBytes(disk.usedBytes)} used of {formatBytes(disk.totalBytes)} ({formatPercent(disk.usedPercent)})
                  </span>
                  <span className={cn(high && 'font-medium text-foreground')}>{formatBytes(disk.freeBytes)} free</span>
                </p>
              </li>
            );
          })}
        </ul>
      )}
    </SectionCard>
  );
}

function InterfaceCard({ nic, history }: { nic: NetworkInterface; history: SystemSample[] }) {
  const data = history.map((sample) => ({ t: sample.t, rx: bits(sample.interfaces[nic.name]?.rx), tx: bits(sample.interfaces[nic.name]?.tx) }));
  const problems = nic.rxErrors + nic.txErrors + nic.rxDrops + nic.txDrops;
  return (
    <div className="rounded-lg border p-3" data-testid={`nic-${nic.name}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="font-mono text-sm font-medium">
          {nic.name}
          {nic.name === 'lo' && <span className="ml-2 font-sans text-xs font-normal text-muted-foreground">loopback</span>}
        </h3>
        <div className="flex flex-wrap gap-3 text-xs tabular-nums">
          <span className="flex items-center gap-1">
            <ArrowDownToLineIcon className="size-3.5 text-chart-1" aria-hidden /> rx {formatBitrate(bits(nic.rxBytesPerSecond))}
          </span>
          <span className="flex items-center gap-1">
            <ArrowUpFromLineIcon className="size-3.5 text-chart-2" aria-hidden /> tx {formatBitrate(bits(nic.txBytesPerSecond))}
          </span>
        </div>
      </div>
      <div className="mt-2">
        <RateChart
          data={data}
          series={[
            { key: 'rx', label: 'Received', color: 'var(--chart-1)' },
            { key: 'tx', label: 'Sent', color: 'var(--chart-2)' },
          ]}
          kind="bitrate"
          label={`${nic.name} traffic, last 5 minutes`}
          windowMs={HISTORY_WINDOW_MS}
          height={120}
        />
      </div>
      <p className="mt-1 text-xs text-muted-foreground tabular-nums">
        Total {formatBytes(nic.rxBytes)} in · {formatBytes(nic.txBytes)} out
        {problems > 0 && (
          <span className="font-medium text-foreground">
            {' '}
            · <AlertTriangleIcon className="inline size-3.5 text-warning" aria-hidden /> {nic.rxErrors + nic.txErrors} errors, {nic.rxDrops + nic.txDrops} drops
          </span>
        )}
      </p>
    </div>
  );
}

function NetworkCard({ metrics, history }: { metrics: SystemMetrics; history: SystemSample[] }) {
  const active = metrics.network.interfaces.filter((nic) => nic.rxBytes + nic.txBytes > 0);
  const idle = metrics.network.interfaces.filter((nic) => nic.rxBytes + nic.txBytes === 0);
  return (
    <SectionCard
      title="Network"
      className="lg:col-span-2"
      testId="network-card"
      description={`All interfaces but loopback: ${formatBitrate(bits(metrics.network.rxBytesPerSecond))} in, ${formatBitrate(bits(metrics.network.txBytesPerSecond))} out`}
    >
      <div className="grid gap-4 md:grid-cols-2">
        {active.map((nic) => (
          <InterfaceCard key={nic.name} nic={nic} history={history} />
        ))}
      </div>
      {idle.length > 0 && <p className="mt-3 text-xs text-muted-foreground">No traffic yet on {idle.map((nic) => nic.name).join(', ')}.</p>}
    </SectionCard>
  );
}

export function SystemMonitor() {
  const system = useSystemMetrics(POLL_MS);
  const history = useSystemHistory();

  if (system.isPending) return <SystemSkeleton />;
  if (system.isError) return <ErrorState error={system.error} onRetry={() => void system.refetch()} title="Could not read the host metrics" />;

  const metrics = system.data;
  const { load1, load5, load15 } = metrics.load;
  const overloaded = load1 > metrics.cpu.cores;

  return (
    <div className="space-y-4">
      <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-4">
        <Figure icon={CpuIcon} label="CPU" value={formatPercent(metrics.cpu.usagePercent)} detail={`${metrics.cpu.cores} cores`} />
        <Figure
          icon={GaugeIcon}
          label="Load average"
          value={
            <span className="flex items-center gap-2">
              {load1.toFixed(2)}
              {overloaded && <ToneBadge tone="warning">over {metrics.cpu.cores} cores</ToneBadge>}
            </span>
          }
          detail={`1 min · ${load5.toFixed(2)} (5 min) · ${load15.toFixed(2)} (15 min)`}
        />
        <Figure icon={MemoryStickIcon} label="Memory" value={formatBytes(metrics.memory.usedBytes)} detail={`of ${formatBytes(metrics.memory.totalBytes)} · ${formatPercent(metrics.memory.usedPercent)}`} />
        <Figure icon={ClockIcon} label="Uptime" value={formatDuration(metrics.uptimeSeconds)} detail={`Sampled ${formatDateTime(metrics.sampledAt)}`} />
      </div>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <CpuCard metrics={metrics} history={history} />
        <div className="grid gap-4">
          <MemoryCard metrics={metrics} />
          <DisksCard disks={metrics.disks} />
        </div>
        <NetworkCard metrics={metrics} history={history} />
      </div>
    </div>
  );
}
