'use client';

import { ActivityIcon, ArrowUpFromLineIcon, CpuIcon, HardDriveIcon, MemoryStickIcon, PlusIcon, TvIcon } from 'lucide-react';
import Link from 'next/link';
import { useMemo } from 'react';
import { ErrorState } from '@/components/error-state';
import { Sparkline } from '@/components/monitoring/sparkline';
import { ActivityCard } from '@/components/overview/activity-card';
import { ServicesCard } from '@/components/overview/services-card';
import { StatCard } from '@/components/overview/stat-card';
import { PageHeader } from '@/components/page-header';
import { Button } from '@/components/ui/button';
import { Progress } from '@/components/ui/progress';
import { useCan } from '@/lib/auth';
import { formatBitrate, formatBytes, formatPercent } from '@/lib/format';
import { toneIndicator, useChannelSummaries, useSystemHistory, useSystemMetrics, usageTone } from '@/lib/monitoring';

const POLL_MS = 5_000;

export function OverviewPage() {
  const canMonitor = useCan('monitoring:read');
  const canReadChannels = useCan('channels:read');
  const canWriteChannels = useCan('channels:write');
  const system = useSystemMetrics(POLL_MS);
  const channels = useChannelSummaries(POLL_MS, canReadChannels);
  const history = useSystemHistory();

  const channelNames = useMemo(() => new Map((channels.data?.items ?? []).map((channel) => [channel.id, channel.name])), [channels.data]);
  const items = channels.data?.items ?? [];
  const running = items.filter((channel) => channel.status === 'running').length;
  // Off the air although they should run: failed, or waiting for their source.
  const failing = items.filter((channel) => channel.status === 'error' || channel.status === 'waiting').length;
  const total = channels.data?.total ?? items.length;

  const metrics = system.data;
  const hls = metrics?.disks.find((disk) => disk.mount === 'hls');
  const recent = history.slice(-60);
  const first = recent[0];
  const last = recent.at(-1);
  const minutes = first && last && last.t > first.t ? Math.max(1, Math.round((last.t - first.t) / 60_000)) : 0;
  const span = minutes ? `the last ${minutes === 1 ? 'minute' : `${minutes} minutes`}` : 'the last samples';
  const memoryTone = usageTone(metrics?.memory.usedPercent);
  const hlsTone = usageTone(hls?.usedPercent);

  return (
    <>
      <PageHeader
        title="Overview"
        description="The platform at a glance, refreshed every 5 seconds."
        actions={
          <>
            {canWriteChannels && (
              <Button asChild size="sm">
                <Link href="/channels?new=1">
                  <PlusIcon aria-hidden /> New channel
                </Link>
              </Button>
            )}
            {canReadChannels && (
              <Button asChild size="sm" variant="outline">
                <Link href="/channels">
                  <TvIcon aria-hidden /> Channels
                </Link>
              </Button>
            )}
            {canMonitor && (
              <Button asChild size="sm" variant="outline">
                <Link href="/monitoring">
                  <ActivityIcon aria-hidden /> System monitoring
                </Link>
              </Button>
            )}
          </>
        }
      />

      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-5">
        <StatCard
          title="Channels running"
          icon={TvIcon}
          href="/channels"
          testId="stat-channels"
          loading={channels.isPending && canReadChannels}
          value={
            channels.isError ? (
              '—'
            ) : (
              <>
                {running}
                <span className="text-base font-normal text-muted-foreground"> / {total}</span>
              </>
            )
          }
          caption={channels.isError ? 'Could not load channels' : failing > 0 ? <span className="text-destructive">{failing} off the air (error or waiting for source)</span> : total === 0 ? 'No channel yet' : 'running / total'}
        />
        <StatCard
          title="CPU"
          icon={CpuIcon}
          testId="stat-cpu"
          loading={system.isPending}
          value={formatPercent(metrics?.cpu.usagePercent)}
          caption={metrics && `${metrics.cpu.cores} cores · load ${metrics.load.load1.toFixed(2)}`}
          footer={<Sparkline values={recent.map((sample) => sample.cpu)} max={100} label={`CPU usage over ${span}`} />}
        />
        <StatCard
          title="RAM"
          icon={MemoryStickIcon}
          testId="stat-ram"
          loading={system.isPending}
          value={
            <>
              {formatBytes(metrics?.memory.usedBytes)}
              <span className="text-base font-normal text-muted-foreground"> / {formatBytes(metrics?.memory.totalBytes)}</span>
            </>
          }
          caption={metrics && `${formatPercent(metrics.memory.usedPercent)} used · ${formatBytes(metrics.memory.availableBytes)} available`}
          footer={<Progress value={metrics?.memory.usedPercent ?? 0} aria-label="Memory used" className="mt-1" indicatorClassName={toneIndicator[memoryTone]} />}
        />
        <StatCard
          title="HLS disk"
          icon={HardDriveIcon}
          testId="stat-hls-disk"
          loading={system.isPending}
          value={hls ? formatBytes(hls.usedBytes) : '—'}
          caption={hls ? `used · ${formatBytes(hls.freeBytes)} free of ${formatBytes(hls.totalBytes)}` : 'HLS root not reported'}
          footer={hls && <Progress value={hls.usedPercent} aria-label="HLS disk used" className="mt-1" indicatorClassName={toneIndicator[hlsTone]} />}
        />
        <StatCard
          title="Bandwidth out"
          icon={ArrowUpFromLineIcon}
          testId="stat-bandwidth"
          loading={system.isPending}
          value={formatBitrate(metrics?.network.txBytesPerSecond == null ? null : metrics.network.txBytesPerSecond * 8)}
          caption={metrics && `in ${formatBitrate(metrics.network.rxBytesPerSecond == null ? null : metrics.network.rxBytesPerSecond * 8)} · all interfaces but loopback`}
          footer={<Sparkline values={recent.map((sample) => sample.tx)} label={`Outgoing bandwidth over ${span}`} color="var(--chart-2)" />}
        />
      </div>

      {system.isError && (
        <div className="mt-4">
          <ErrorState error={system.error} onRetry={() => void system.refetch()} title="Could not read the host metrics" />
        </div>
      )}

      <div className="mt-4 grid grid-cols-1 gap-4 lg:grid-cols-2">
        <ServicesCard />
        <ActivityCard channelNames={channelNames} />
      </div>
    </>
  );
}
