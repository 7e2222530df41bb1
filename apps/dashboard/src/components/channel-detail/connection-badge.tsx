import { Badge } from '@/components/ui/badge';
import type { LiveConnection } from '@/lib/live-metrics';
import { cn } from '@/lib/utils';

const LABEL: Record<LiveConnection, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};
const VARIANT: Record<LiveConnection, 'success' | 'warning' | 'secondary' | 'destructive'> = {
  connecting: 'secondary',
  live: 'success',
  reconnecting: 'warning',
  offline: 'destructive',
};

/** The live socket's state; its text is exactly "Live" while connected and "Reconnecting…" while retrying. */
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
