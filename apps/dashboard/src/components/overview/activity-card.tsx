'use client';

import { HistoryIcon, LockIcon } from 'lucide-react';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/skeleton';
import { ApiError } from '@/lib/api';
import { useCan } from '@/lib/auth';
import { formatDateTime, formatRelative } from '@/lib/format';
import { describeAction, useRecentActivity } from '@/lib/monitoring';
import { cn } from '@/lib/utils';

/** Re-renders every `ms` so relative times stay fresh between polls. */
function useNow(ms: number) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** Silent token renewals are noise here (the audit log keeps them); show the ten latest other entries. */
function visible<T extends { action: string }>(items: T[]): T[] {
  return items.filter((entry) => entry.action !== 'auth.refresh').slice(0, 10);
}

/** The latest audit entries, newest first. `channelNames` turns channel ids into names and links. */
export function ActivityCard({ channelNames }: { channelNames: Map<string, string> }) {
  const allowed = useCan('activity:read');
  const activity = useRecentActivity(30, 5_000, allowed);
  const now = useNow(15_000);
  const forbidden = !allowed || (activity.error instanceof ApiError && activity.error.status === 403);

  return (
    <Card data-testid="activity-card">
      <CardHeader>
        <CardTitle>
          <h2 className="text-base">Recent activity</h2>
        </CardTitle>
      </CardHeader>
      <CardContent>
        {forbidden ? (
          <EmptyState icon={LockIcon} title="Activity is hidden" description="Your role cannot see who did what. Ask an administrator if you need it." className="p-6" />
        ) : activity.isPending ? (
          <div className="space-y-3">
            {Array.from({ length: 5 }, (_, index) => (
              <div key={index} className="flex items-center gap-3">
                <Skeleton className="h-4 flex-1" />
                <Skeleton className="h-4 w-16" />
              </div>
            ))}
          </div>
        ) : activity.isError ? (
          <ErrorState error={activity.error} onRetry={() => void activity.refetch()} title="Could not load activity" />
        ) : visible(activity.data.items).length === 0 ? (
          <EmptyState icon={HistoryIcon} title="Nothing yet" description="Sign-ins and changes to channels, users and keys will show up here." className="p-6" />
        ) : (
          <ol className="divide-y">
            {visible(activity.data.items).map((entry) => {
              const failed = entry.result !== 'success';
              const channelName = entry.targetType === 'channel' && entry.targetId ? channelNames.get(entry.targetId) : undefined;
              return (
                <li key={entry.id} className="flex items-start gap-3 py-2 text-sm">
                  <span className={cn('mt-1.5 size-1.5 shrink-0 rounded-full', failed ? 'bg-destructive' : 'bg-muted-foreground/50')} aria-hidden />
                  <div className="min-w-0 flex-1">
                    <p className="truncate">
                      <span className="font-medium">{describeAction(entry.action, failed)}</span>
                      {channelName && entry.targetId && (
                        <>
                          {' '}
                          <Link href={`/channels/${entry.targetId}`} className="underline decoration-muted-foreground/40 underline-offset-4 hover:decoration-foreground">
                            {channelName}
                          </Link>
                        </>
                      )}
                      {failed && <span className="text-destructive"> failed ({entry.statusCode})</span>}
                    </p>
                    <p className="truncate text-xs text-muted-foreground">{entry.actorLabel ?? 'System or API key'}</p>
                  </div>
                  <time dateTime={entry.at} title={formatDateTime(entry.at)} className="shrink-0 text-xs tabular-nums text-muted-foreground">
                    {formatRelative(entry.at, now)}
                  </time>
                </li>
              );
            })}
          </ol>
        )}
      </CardContent>
    </Card>
  );
}
