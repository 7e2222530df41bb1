'use client';

import Link from 'next/link';
import { OnAirBadge } from '@/components/channel-detail/connection-badge';
import { Card } from '@/components/ui/card';
import { Checkbox } from '@/components/ui/checkbox';
import { type Channel, type Preset, useChannelMetrics } from '@/lib/channels';
import { useChannelAudience } from '@/lib/monitoring';
import { useOnAir } from '@/lib/on-air';
import { cn } from '@/lib/utils';
import { ChannelActions } from './channel-actions';
import { ChannelAudience, ChannelMetricsStrip } from './channel-metrics';
import { ChannelStatusBadge } from './channel-status-badge';
import { ChannelThumbnail } from './channel-thumbnail';

/** One channel in the grid: live picture, name, status, live numbers and (for writers) its actions. */
export function ChannelCard({
  channel,
  label = channel.name,
  preset,
  selected,
  onSelectedChange,
  canWrite,
  onEdit,
  onDelete,
}: {
  channel: Channel;
  /** Its name, with the slug when another listed channel has the same name. */
  label?: string;
  preset: Preset | undefined;
  selected: boolean;
  onSelectedChange: (selected: boolean) => void;
  canWrite: boolean;
  onEdit: (channel: Channel) => void;
  onDelete: (channel: Channel) => void;
}) {
  const running = channel.status === 'running';
  const metrics = useChannelMetrics(channel.id, running);
  const audience = useChannelAudience(channel.id, running);
  // "Live" only while new segments of this run arrive, as on the detail page.
  const onAir = useOnAir(channel, metrics.data);
  return (
    <Card
      className={cn('gap-0 overflow-hidden py-0', selected && 'ring-2 ring-ring/60')}
      data-channel-id={channel.id}
      data-testid="channel-card"
    >
      <div className="relative">
        <ChannelThumbnail id={channel.id} name={channel.name} status={channel.status} />
        {canWrite && (
          <div className="absolute top-2 left-2 flex rounded-md bg-background p-1.5 shadow-sm">
            <Checkbox checked={selected} onCheckedChange={(value) => onSelectedChange(value === true)} aria-label={`Select ${label}`} />
          </div>
        )}
        <span className="absolute top-2 right-2 flex gap-1">
          {running && (
            <span className="rounded-md bg-background shadow-sm">
              <OnAirBadge running={running} onAir={onAir} />
            </span>
          )}
          <span className="rounded-md bg-background shadow-sm">
            <ChannelStatusBadge status={channel.status} />
          </span>
        </span>
      </div>
      <div className="flex flex-1 flex-col gap-3 p-3">
        <div className="min-w-0">
          <h2 className="truncate text-sm font-semibold">
            <Link href={`/channels/${channel.id}`} aria-label={label} className="hover:underline focus-visible:underline">
              {channel.name}
            </Link>
          </h2>
          <p className="truncate text-xs text-muted-foreground">
            <span className="font-mono">{channel.slug}</span>
            {' · '}
            {preset?.name ?? (channel.output ? 'Custom output' : 'No preset')}
            {' · '}
            {channel.sources.length} source{channel.sources.length === 1 ? '' : 's'}
          </p>
          {channel.statusDetail ? (
            <p className={cn('mt-1 line-clamp-2 text-xs', channel.status === 'error' ? 'text-destructive' : 'text-muted-foreground')} title={channel.statusDetail}>
              {channel.statusDetail}
            </p>
          ) : (
            channel.status === 'error' &&
            channel.lastError && (
              <p className="mt-1 line-clamp-2 text-xs text-destructive" title={channel.lastError}>
                {channel.lastError}
              </p>
            )
          )}
        </div>
        {running ? (
          <div className="flex flex-col gap-2">
            <ChannelAudience audience={audience.data} />
            <ChannelMetricsStrip metrics={metrics.data} />
          </div>
        ) : (
          <p className="text-xs text-muted-foreground">{channel.status === 'starting' ? 'Waiting for the first frames…' : 'Live numbers appear while it runs.'}</p>
        )}
        {canWrite && (
          <div className="mt-auto">
            <ChannelActions channel={channel} label={label} onEdit={onEdit} onDelete={onDelete} />
          </div>
        )}
      </div>
    </Card>
  );
}
