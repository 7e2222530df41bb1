'use client';

import { BellIcon } from 'lucide-react';
import Link from 'next/link';
import { useQueryClient } from '@tanstack/react-query';
import { Button } from '@/components/ui/button';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuLabel, DropdownMenuSeparator, DropdownMenuTrigger } from '@/components/ui/dropdown-menu';
import { api } from '@/lib/api';
import { useApiMutation, useNotifications } from '@/lib/alerts';
import { useCan } from '@/lib/auth';
import { formatRelative } from '@/lib/format';
import { useLiveFeedEvents } from '@/lib/live-metrics';
import { cn } from '@/lib/utils';

/** The bell: unread dashboard notifications of this user, refreshed the moment the live feed announces one. */
export function NotificationBell() {
  const canRead = useCan('monitoring:read');
  if (!canRead) return null;
  return <Bell />;
}

function Bell() {
  const notifications = useNotifications();
  const client = useQueryClient();
  const markAll = useApiMutation(() => api('/notifications/read', { method: 'POST', body: { all: true } }), ['notifications']);
  useLiveFeedEvents({ onNotification: () => void client.invalidateQueries({ queryKey: ['notifications'] }) });
  const unread = notifications.data?.unread ?? 0;
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="icon" className="relative" aria-label={unread > 0 ? `Notifications: ${unread} unread` : 'Notifications'} data-testid="notification-bell">
          <BellIcon aria-hidden />
          {unread > 0 && (
            <span className="absolute -top-0.5 -right-0.5 flex h-4 min-w-4 items-center justify-center rounded-full bg-destructive px-1 text-[10px] font-semibold text-white" data-testid="notification-count">
              {unread > 99 ? '99+' : unread}
            </span>
          )}
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end" className="w-80">
        <DropdownMenuLabel className="flex items-center justify-between">
          Notifications
          {unread > 0 && (
            <Button variant="link" size="sm" className="h-auto p-0" onClick={() => markAll.mutate(undefined)}>
              Mark all read
            </Button>
          )}
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        {(notifications.data?.items ?? []).length === 0 && <p className="px-2 py-3 text-sm text-muted-foreground">Nothing yet.</p>}
        {(notifications.data?.items ?? []).slice(0, 8).map((item) => (
          <DropdownMenuItem key={item.id} asChild>
            <Link href="/alerts" className="flex flex-col items-start gap-0.5">
              <span className={cn('text-sm', !item.read && 'font-semibold')}>{item.title}</span>
              <span className="line-clamp-2 text-xs text-muted-foreground">{item.body}</span>
              <span className="text-xs text-muted-foreground">{formatRelative(item.createdAt)}</span>
            </Link>
          </DropdownMenuItem>
        ))}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
