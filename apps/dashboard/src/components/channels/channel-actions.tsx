'use client';

import { MoreHorizontalIcon, PencilIcon, PlayIcon, RotateCwIcon, SquareIcon, Trash2Icon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuSeparator, DropdownMenuTrigger } from '@/components/ui/dropdown-menu';
import { type Channel, useChannelAction } from '@/lib/channels';

/** A channel is "on" while it should run (starting, running, or failing and retrying). */
export const isOn = (channel: Channel) =>
  channel.desiredState === 'running' || channel.status === 'running' || channel.status === 'starting';

/**
 * Start or Stop (whichever applies), Restart while on, and a "…" menu with Edit and Delete.
 * Only rendered for users who may change channels.
 */
export function ChannelActions({
  channel,
  label = channel.name,
  onEdit,
  onDelete,
  compact = false,
}: {
  channel: Channel;
  /** How to name the channel in accessible names and toasts (its name, with the slug when names repeat). */
  label?: string;
  onEdit: (channel: Channel) => void;
  onDelete: (channel: Channel) => void;
  compact?: boolean;
}) {
  const action = useChannelAction();
  const on = isOn(channel);
  const pending = action.isPending;
  const run = (kind: 'start' | 'stop' | 'restart') => action.mutate({ id: channel.id, action: kind, name: label });
  const size = compact ? 'icon-sm' : 'sm';

  return (
    <div className="flex items-center gap-1.5">
      {on ? (
        <Button variant="outline" size={size} aria-label={`Stop ${label}`} title={compact ? 'Stop' : undefined} disabled={pending || channel.status === 'stopping'} onClick={() => run('stop')}>
          <SquareIcon aria-hidden />
          {!compact && 'Stop'}
        </Button>
      ) : (
        <Button variant={compact ? 'outline' : 'default'} size={size} aria-label={`Start ${label}`} title={compact ? 'Start' : undefined} disabled={pending} onClick={() => run('start')}>
          <PlayIcon aria-hidden />
          {!compact && 'Start'}
        </Button>
      )}
      {on && (
        <Button variant="outline" size={size} aria-label={`Restart ${label}`} title={compact ? 'Restart' : undefined} disabled={pending || channel.status === 'stopping'} onClick={() => run('restart')}>
          <RotateCwIcon aria-hidden />
          {!compact && 'Restart'}
        </Button>
      )}
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" size="icon-sm" aria-label={`More actions for ${label}`} className={compact ? undefined : 'ml-auto'}>
            <MoreHorizontalIcon aria-hidden />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end">
          <DropdownMenuItem onSelect={() => onEdit(channel)}>
            <PencilIcon aria-hidden /> Edit
          </DropdownMenuItem>
          <DropdownMenuSeparator />
          <DropdownMenuItem variant="destructive" disabled={on} onSelect={() => onDelete(channel)} title={on ? 'Stop the channel before deleting it' : undefined}>
            <Trash2Icon aria-hidden /> {on ? 'Delete (stop it first)' : 'Delete'}
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
    </div>
  );
}
