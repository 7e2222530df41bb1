import { Badge } from '@/components/ui/badge';
import type { LiveConnection } from '@/lib/live-metrics';
import { cn } from '@/lib/utils';

const LABEL: Record<LiveConnection, string> = {
  connecting: 'Connecting…',
  live: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};
const VARIANT: Record<LiveConnection, 'success' | 'warning' | 'secondary' | 'destructive'> = {
  connecting: 'secondary',
  live: 'success',
  reconnecting: 'warning',
  offline: 'destructive',
};

/**
 * The live socket's state; its text is exactly "Connected" while connected and "Reconnecting…" while retrying.
 * Whether the channel itself is live is OnAirBadge's business (new segments, not the socket).
 */
export function ConnectionBadge({ connection, className }: { connection: LiveConnection; className?: string }) {
  return (
    <Badge
      role="status"
      variant={VARIANT[connection]}
      data-connection={connection}
      aria-label={LABEL[connection]}
      className={cn('gap-1.5', className)}
    >
      <span
        aria-hidden
        className={cn('size-1.5 rounded-full bg-current', connection === 'live' && 'animate-pulse', connection === 'reconnecting' && 'animate-ping')}
      />
      {LABEL[connection]}
    </Badge>
  );
}

/** "Live" only while new segments arrive (isOnAir); "No new segments" while running without them. */
export function OnAirBadge({ onAir, running, className }: { onAir: boolean; running: boolean; className?: string }) {
  if (!running) return null;
  return (
    <Badge variant={onAir ? 'success' : 'warning'} data-on-air={onAir} className={cn('gap-1.5', onAir && 'border-success/30 text-foreground', className)}>
      <span aria-hidden className={cn('size-1.5 rounded-full', onAir ? 'animate-pulse bg-success' : 'bg-warning')} />
      {onAir ? 'Live' : 'No new segments'}
    </Badge>
  );
}
