'use client';

import type { ChannelMetrics } from '@castline/contracts';
import { Eye } from 'lucide-react';
import { formatBitrate, formatBytes, formatNumber, formatPercent } from '@/lib/format';

/** The live numbers of a running channel, formatted for display (— when unknown). */
export function formatChannelMetrics(metrics: ChannelMetrics | null | undefined) {
  return {
    speed: metrics?.speed != null ? `${metrics.speed.toFixed(2)}x` : '—',
    fps: formatNumber(metrics?.fps, 1),
    bitrate: formatBitrate(metrics?.bitrateKbps != null ? metrics.bitrateKbps * 1000 : null),
    /** One decimal, for the narrow card cells. */
    bitrateShort:
      metrics?.bitrateKbps == null
        ? '—'
        : metrics.bitrateKbps >= 1000
          ? `${(metrics.bitrateKbps / 1000).toFixed(1)} Mb/s`
          : `${Math.round(metrics.bitrateKbps)} kb/s`,
    cpu: formatPercent(metrics?.cpuPercent),
    ram: formatBytes(metrics?.rssBytes),
  };
}

/** Speed, fps, bitrate, CPU and RAM as a compact row of labelled numbers. */
export function ChannelMetricsStrip({ metrics }: { metrics: ChannelMetrics | null | undefined }) {
  const values = formatChannelMetrics(metrics);
  const items: Array<[string, string, string]> = [
    ['Speed', values.speed, 'speed'],
    ['FPS', values.fps, 'fps'],
    ['Bitrate', values.bitrateShort, 'bitrate'],
    ['CPU', values.cpu, 'cpu'],
    ['RAM', values.ram, 'ram'],
  ];
  return (
    <div className="@container">
      <dl className="grid grid-cols-3 gap-1 text-center @[17rem]:grid-cols-5">
      {items.map(([label, value, key]) => (
        <div key={key} className="min-w-0 rounded-md bg-muted/60 px-1 py-1.5" data-metric={key}>
          <dt className="text-[10px] font-medium uppercase tracking-wide text-muted-foreground">{label}</dt>
          <dd className="truncate text-xs font-medium tabular-nums" title={value}>
            {value}
          </dd>
        </div>
      ))}
      </dl>
    </div>
  );
}

/** Viewers and what nginx sends them, on one line: "3 viewers · 2.40 Mb/s" (— while nobody counted). */
export function ChannelAudience({ audience }: { audience: { viewers: number | null; egressBitsPerSecond: number | null } | null | undefined }) {
  const viewers = audience?.viewers;
  return (
    <p className="flex items-center gap-1.5 text-xs text-muted-foreground" data-testid="channel-audience">
      <Eye className="size-3.5" aria-hidden />
      <span className="font-medium tabular-nums text-foreground" data-metric="viewers">
        {viewers == null ? '—' : formatNumber(viewers, 0)}
      </span>
      {viewers === 1 ? 'viewer' : 'viewers'}
      {' · '}
      <span className="tabular-nums" data-metric="egress">
        {formatBitrate(audience?.egressBitsPerSecond)}
      </span>
    </p>
  );
}
