import { Loader2Icon } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import type { ChannelStatus } from '@/lib/channels';
import { cn } from '@/lib/utils';

const VARIANT: Record<ChannelStatus, 'success' | 'warning' | 'destructive' | 'secondary'> = {
  running: 'success',
  starting: 'warning',
  stopping: 'warning',
  error: 'destructive',
  stopped: 'secondary',
  waiting: 'warning',
};

/** What the badge says: `waiting` is spelled out, because the channel is not broken, its source is silent. */
const LABEL: Partial<Record<ChannelStatus, string>> = { waiting: 'waiting for source' };

/**
 * A channel's status as a badge: running green, starting/stopping amber with a spinner, waiting (for its source) amber, error red, stopped grey.
 * The tinted success/warning badges carry their colour in the background and the icon; the word itself uses the
 * foreground colour, because green/amber text on a 15 % tint stays under 4.5:1 contrast in the light theme.
 */
export function ChannelStatusBadge({ status, className }: { status: ChannelStatus; className?: string }) {
  const busy = status === 'starting' || status === 'stopping';
  const variant = VARIANT[status] ?? 'secondary';
  return (
    <Badge
      variant={variant}
      className={cn(variant === 'success' && 'border-success/30 text-foreground', variant === 'warning' && 'border-warning/40 text-foreground', className)}
      data-status={status}
    >
      {busy && <Loader2Icon className="animate-spin text-warning" aria-hidden />}
      {status === 'running' && <span className="size-1.5 rounded-full bg-success" aria-hidden />}
      {LABEL[status] ?? status}
    </Badge>
  );
}

/** Same component under the name the brief uses. */
export const channelStatusBadge = ChannelStatusBadge;
