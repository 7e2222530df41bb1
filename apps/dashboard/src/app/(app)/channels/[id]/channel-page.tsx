'use client';

import type { ChannelEventMessage } from '@castline/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { AlertTriangleIcon, ArrowLeftIcon, SearchXIcon } from 'lucide-react';
import Link from 'next/link';
import { useCallback, useMemo, useState } from 'react';
import { ChannelHeader } from '@/components/channel-detail/channel-header';
import { ConnectionBadge, OnAirBadge } from '@/components/channel-detail/connection-badge';
import { EncodingSettings, effectiveProfile } from '@/components/channel-detail/encoding-settings';
import { EventHistory, eventsKey } from '@/components/channel-detail/event-history';
import { LiveCharts } from '@/components/channel-detail/live-charts';
import { LivePlayer } from '@/components/channel-detail/live-player';
import { LiveStats } from '@/components/channel-detail/live-stats';
import { LogViewer } from '@/components/channel-detail/log-viewer';
import { LogoEditor } from '@/components/channel-detail/logo-editor';
import { ViewersChart } from '@/components/channel-detail/viewers-chart';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { Button } from '@/components/ui/button';
import { Card, CardAction, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/skeleton';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { ApiError } from '@/lib/api';
import { useCan } from '@/lib/auth';
import { type Channel, channelKeys, useChannel, usePresets } from '@/lib/channels';
import { useLiveChannel } from '@/lib/live-metrics';
import { useOnAir } from '@/lib/on-air';

function DetailSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading the channel">
      <Skeleton className="mb-2 h-4 w-24" />
      <div className="mb-6 flex flex-wrap items-start justify-between gap-3">
        <div className="space-y-2">
          <Skeleton className="h-8 w-56" />
          <Skeleton className="h-4 w-72" />
        </div>
        <div className="flex gap-2">
          <Skeleton className="h-8 w-20" />
          <Skeleton className="h-8 w-20" />
          <Skeleton className="h-8 w-20" />
        </div>
      </div>
      <Skeleton className="mb-4 h-9 w-72" />
      <div className="grid gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="space-y-4">
          <Skeleton className="aspect-video w-full rounded-xl" />
          <Skeleton className="h-56 w-full rounded-xl" />
        </div>
        <div className="space-y-4">
          <Skeleton className="h-96 w-full rounded-xl" />
          <Skeleton className="h-64 w-full rounded-xl" />
        </div>
      </div>
    </div>
  );
}

function NotFound() {
  return (
    <div className="flex flex-col gap-4">
      <h1 className="sr-only">Channel not found</h1>
      <EmptyState
        icon={SearchXIcon}
        title="Channel not found"
        description="It may have been deleted, or the link is wrong."
        action={
          <Button asChild variant="outline" size="sm">
            <Link href="/channels">
              <ArrowLeftIcon aria-hidden /> Back to channels
            </Link>
          </Button>
        }
      />
    </div>
  );
}

function SectionTitle({ children }: { children: string }) {
  return (
    <CardTitle>
      <h2 className="text-base">{children}</h2>
    </CardTitle>
  );
}

/** /channels/[id]: live preview, live charts, FFmpeg log, events, logo placement and settings of one channel. */
export function ChannelPage({ id }: { id: string }) {
  const channel = useChannel(id);
  const queryClient = useQueryClient();

  const onEvent = useCallback(
    (event: ChannelEventMessage) => {
      if (event.status) {
        queryClient.setQueryData<Channel>(channelKeys.detail(id), (previous) => (previous ? { ...previous, status: event.status! } : previous));
      }
      void queryClient.invalidateQueries({ queryKey: channelKeys.detail(id) });
      void queryClient.invalidateQueries({ queryKey: eventsKey(id) });
    },
    [id, queryClient],
  );
  const live = useLiveChannel(channel.data ? id : undefined, { onEvent });

  if (channel.isPending) return <DetailSkeleton />;
  if (channel.isError) {
    const error = channel.error;
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) return <NotFound />;
    return (
      <div className="flex flex-col gap-4">
        <h1 className="sr-only">Channel</h1>
        <ErrorState error={error} onRetry={() => void channel.refetch()} title="Could not load the channel" />
      </div>
    );
  }
  return <ChannelView channel={channel.data} live={live} />;
}

// Renders again with every live sample (one a second): the player, viewers chart, log and events are memo'd
// components, so only what shows samples is redone.
function ChannelView({ channel, live }: { channel: Channel; live: ReturnType<typeof useLiveChannel> }) {
  const canWrite = useCan('channels:write');
  const canReadTraffic = useCan('traffic:read');
  const presets = usePresets();
  const [tab, setTab] = useState('overview');
  const running = channel.status === 'running';
  const active = running || channel.status === 'starting';
  const { profile } = effectiveProfile(channel, presets.data);
  const metrics = active ? live.latestMetrics : null;
  const onAir = useOnAir(channel, metrics);
  // A preset with a fixed size says it; otherwise the running output was measured by its worker.
  const presetWidth = profile?.width;
  const presetHeight = profile?.height;
  const measuredWidth = metrics?.outputWidth;
  const measuredHeight = metrics?.outputHeight;
  const outputSize = useMemo(() => {
    if (presetWidth && presetHeight) return { width: presetWidth, height: presetHeight, measured: false };
    if (measuredWidth && measuredHeight) return { width: measuredWidth, height: measuredHeight, measured: true };
    return null;
  }, [presetWidth, presetHeight, measuredWidth, measuredHeight]);

  return (
    <div className="flex min-w-0 flex-col">
      <Link
        href="/channels"
        className="mb-2 inline-flex w-fit items-center gap-1 rounded-sm text-sm text-muted-foreground outline-none hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50"
      >
        <ArrowLeftIcon className="size-3.5" aria-hidden /> Channels
      </Link>
      <ChannelHeader
        channel={channel}
        canWrite={canWrite}
        connection={
          <>
            <OnAirBadge running={running} onAir={onAir} />
            <ConnectionBadge connection={live.connection} />
          </>
        }
      />
      {channel.statusDetail && (
        <p className="mb-3 text-sm text-muted-foreground" data-testid="status-detail">
          {channel.statusDetail}
        </p>
      )}

      {channel.lastError && channel.status !== 'running' && (
        <div role="alert" className="mb-4 flex gap-3 rounded-lg border border-destructive/40 bg-destructive/5 p-3 text-sm">
          <AlertTriangleIcon className="mt-0.5 size-4 shrink-0 text-destructive" aria-hidden />
          <div className="min-w-0">
            <p className="font-medium">{channel.status === 'error' ? 'The channel failed' : 'Last error'}</p>
            <pre className="mt-1 max-h-32 overflow-auto whitespace-pre-wrap break-words font-mono text-xs text-muted-foreground">{channel.lastError}</pre>
          </div>
        </div>
      )}

      <Tabs value={tab} onValueChange={setTab}>
        <TabsList className="max-w-full overflow-x-auto">
          <TabsTrigger value="overview">Overview</TabsTrigger>
          <TabsTrigger value="logo">Logo</TabsTrigger>
          <TabsTrigger value="settings">Settings</TabsTrigger>
        </TabsList>

        <TabsContent value="overview">
          <div className="grid gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
            <div className="flex min-w-0 flex-col gap-4">
              <Card>
                <CardHeader className="flex-row flex-wrap items-center justify-between">
                  <SectionTitle>Live preview</SectionTitle>
                  <CardAction>
                    <span className="text-xs text-muted-foreground">
                      {channel.playback === 'signed' ? 'Signed HLS' : 'HLS'} · {channel.hls.segmentSeconds} s segments
                    </span>
                  </CardAction>
                </CardHeader>
                <CardContent>
                  <LivePlayer channel={channel} />
                </CardContent>
              </Card>
              <Card>
                <CardHeader>
                  <SectionTitle>Live metrics</SectionTitle>
                  <CardDescription>Last 5 minutes, every second over the live connection</CardDescription>
                </CardHeader>
                <CardContent className="flex flex-col gap-3">
                  <LiveStats metrics={metrics} />
                  <LiveCharts samples={active ? live.samples : []} running={active} />
                </CardContent>
              </Card>
              {canReadTraffic && (
                <Card>
                  <CardHeader>
                    <SectionTitle>Viewers</SectionTitle>
                    <CardDescription>Last 24 hours, distinct viewers per minute from nginx&apos;s access log</CardDescription>
                  </CardHeader>
                  <CardContent>
                    <ViewersChart channelId={channel.id} slug={channel.slug} />
                  </CardContent>
                </Card>
              )}
            </div>
            <div className="flex min-w-0 flex-col gap-4">
              <Card>
                <CardHeader>
                  <SectionTitle>FFmpeg log</SectionTitle>
                  <CardDescription>The last three runs: first 20 and last 200 lines of each</CardDescription>
                </CardHeader>
                <CardContent>
                  <LogViewer channelId={channel.id} running={active} />
                </CardContent>
              </Card>
              <Card>
                <CardHeader>
                  <SectionTitle>Events</SectionTitle>
                  <CardDescription>State changes, restarts, failovers and errors, newest first</CardDescription>
                </CardHeader>
                <CardContent className="max-h-[32rem] overflow-y-auto outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50" tabIndex={0} role="region" aria-label="Event list">
                  <EventHistory channelId={channel.id} liveEvents={live.events} />
                </CardContent>
              </Card>
            </div>
          </div>
        </TabsContent>

        <TabsContent value="logo">
          <Card className="max-w-4xl">
            <CardHeader>
              <SectionTitle>Logo position</SectionTitle>
              <CardDescription>
                {canWrite
                  ? 'Drag the logo over a frame of the output, resize it by its corner, set its opacity. Arrow keys move it by 1 px (10 px with Shift).'
                  : 'Where the logo sits over a frame of the output. Read-only: an operator or admin can move it.'}
              </CardDescription>
            </CardHeader>
            <CardContent>
              <LogoEditor channel={channel} outputSize={outputSize} canWrite={canWrite} />
            </CardContent>
          </Card>
        </TabsContent>

        <TabsContent value="settings">
          <Card>
            <CardHeader>
              <SectionTitle>Encoding and output</SectionTitle>
              <CardDescription>{canWrite ? 'Change these with Edit.' : 'Read-only.'}</CardDescription>
            </CardHeader>
            <CardContent>
              <EncodingSettings
                channel={channel}
                presets={presets.data}
                presetsLoading={presets.isPending}
                measuredSize={outputSize?.measured ? outputSize : null}
              />
            </CardContent>
          </Card>
        </TabsContent>
      </Tabs>
    </div>
  );
}
