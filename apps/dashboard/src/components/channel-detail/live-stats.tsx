import type { ChannelMetrics } from '@castline/contracts';
import { formatDuration, formatNumber } from '@/lib/format';

/** Uptime, restarts and frame counters of the running FFmpeg. */
export function LiveStats({ metrics }: { metrics: ChannelMetrics | null }) {
  const items = [
    { label: 'Uptime', value: metrics ? formatDuration(metrics.uptimeSeconds) : '—' },
    { label: 'Restarts', value: metrics ? String(metrics.restarts) : '—' },
    { label: 'Dropped', value: metrics ? formatNumber(metrics.dropFrames, 0) : '—' },
    { label: 'Duplicated', value: metrics ? formatNumber(metrics.dupFrames, 0) : '—' },
    { label: 'Threads', value: metrics ? String(metrics.threads) : '—' },
    { label: 'PID', value: metrics ? String(metrics.pid) : '—' },
  ];
  return (
    <dl className="grid grid-cols-3 gap-x-4 gap-y-2 sm:grid-cols-6" data-sampled-at={metrics?.sampledAt ?? ''} data-testid="live-stats">
      {items.map((item) => (
        <div key={item.label} className="min-w-0">
          <dt className="text-xs text-muted-foreground">{item.label}</dt>
          <dd className="truncate text-sm font-medium tabular-nums" title={item.label === 'PID' && metrics ? metrics.workerId : undefined}>
            {item.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
