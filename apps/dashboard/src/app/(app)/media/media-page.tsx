'use client';

import type { VideoAnalyticsDay, VideoPage, VideoProgress, VideoStatus, VideoView } from '@castline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { DownloadIcon, FilmIcon, RefreshCwIcon, Trash2Icon } from 'lucide-react';
import { useEffect, useState } from 'react';
import { toast } from 'sonner';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { UploadDialog } from '@/components/media/upload-dialog';
import { VodPlayer } from '@/components/media/vod-player';
import { PageHeader } from '@/components/page-header';
import { CopyButton, PermissionGate, StatusBadge } from '@/components/settings/common';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Progress } from '@/components/ui/progress';
import { Skeleton } from '@/components/ui/skeleton';
import { api, describeError } from '@/lib/api';
import { useCan } from '@/lib/auth';
import { formatBytes, formatDuration, formatPercent } from '@/lib/format';
import { openBroadcastFeed } from '@/lib/live-metrics';

const mediaKeys = {
  list: () => ['media', 'list'] as const,
  video: (id: string) => ['media', 'video', id] as const,
};

const STATUS: Record<VideoStatus, { label: string; tone: 'success' | 'muted' | 'warning' | 'destructive' }> = {
  uploading: { label: 'Uploading', tone: 'warning' },
  probing: { label: 'Checking', tone: 'warning' },
  queued: { label: 'Queued', tone: 'warning' },
  transcoding: { label: 'Processing', tone: 'warning' },
  ready: { label: 'Ready', tone: 'success' },
  failed: { label: 'Failed', tone: 'destructive' },
  rejected: { label: 'Rejected', tone: 'destructive' },
  cancelled: { label: 'Cancelled', tone: 'muted' },
};

const rungs = (video: VideoView) => video.versions.filter((version) => version.kind === 'hls').map((version) => version.name);

export function embedSnippet(video: Pick<VideoView, 'id' | 'title'>, origin: string): string {
  const title = video.title.replace(/[&"<>]/g, (char) => `&#${char.charCodeAt(0)};`);
  return `<iframe src="${origin}/embed/${video.id}" title="${title}" width="640" height="360" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen style="border:0"></iframe>`;
}

/** Keeps the library's cards current from the live socket: progress in place, a refetch when a status changes. */
function useLiveProgress() {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      openBroadcastFeed({
        onMedia: (progress: VideoProgress) => {
          let statusChanged = false;
          queryClient.setQueryData<VideoPage>(mediaKeys.list(), (page) => {
            if (!page) return page;
            return {
              ...page,
              items: page.items.map((video) => {
                if (video.id !== progress.videoId) return video;
                statusChanged ||= video.status !== progress.status;
                return { ...video, status: progress.status, progress: progress.progress, errorCode: progress.errorCode ?? video.errorCode };
              }),
            };
          });
          if (statusChanged || progress.status === 'ready') {
            void queryClient.invalidateQueries({ queryKey: mediaKeys.list() });
            void queryClient.invalidateQueries({ queryKey: mediaKeys.video(progress.videoId) });
          }
        },
      }),
    [queryClient],
  );
}

function VideoCard({ video, onOpen }: { video: VideoView; onOpen: () => void }) {
  const status = STATUS[video.status];
  const busy = !['ready', 'failed', 'rejected', 'cancelled'].includes(video.status);
  return (
    <li className="overflow-hidden rounded-lg border bg-card" data-testid="video-card" data-status={video.status}>
      <button type="button" onClick={onOpen} className="block w-full text-left focus-visible:outline-2 focus-visible:outline-ring" aria-label={`Open ${video.title}`}>
        <div className="relative aspect-video bg-muted">
          {video.status === 'ready' && video.playbackBase ? (
            <img src={`${video.playbackBase}poster.jpg`} alt="" className="size-full object-cover" loading="lazy" />
          ) : (
            <div className="flex size-full items-center justify-center text-muted-foreground">
              <FilmIcon className="size-8" aria-hidden />
            </div>
          )}
          {busy && (
            <div className="absolute inset-0 flex flex-col items-center justify-center gap-2 bg-black/60 px-6 text-sm text-white">
              <span>
                {status.label}
                {video.status === 'transcoding' ? ` ${video.progress} %` : ''}
              </span>
              <Progress value={video.progress} className="h-1.5" aria-label={`${video.title} progress`} />
            </div>
          )}
          {video.durationSeconds !== null && (
            <span className="absolute right-2 bottom-2 rounded bg-black/75 px-1.5 py-0.5 font-mono text-xs text-white">{formatDuration(video.durationSeconds)}</span>
          )}
        </div>
      </button>
      <div className="grid gap-2 p-3">
        <p className="truncate font-medium" title={video.title}>
          {video.title}
        </p>
        <div className="flex flex-wrap items-center gap-1.5">
          <StatusBadge tone={status.tone} title={video.errorMessage ?? undefined}>
            {status.label}
          </StatusBadge>
          {rungs(video).map((name) => (
            <Badge key={name} variant="secondary" className="font-mono font-normal">
              {name}
            </Badge>
          ))}
          <span className="ml-auto text-xs text-muted-foreground">{formatBytes(Number(video.sizeBytes))}</span>
        </div>
      </div>
    </li>
  );
}

function AnalyticsSummary({ days }: { days: VideoAnalyticsDay[] }) {
  const plays = days.reduce((sum, day) => sum + day.plays, 0);
  const completions = days.reduce((sum, day) => sum + day.completions, 0);
  const watch = days.reduce((sum, day) => sum + day.watchSeconds, 0);
  const viewers = days.reduce((sum, day) => sum + day.uniqueViewers, 0);
  const quality = new Map<string, number>();
  for (const day of days) for (const [name, seconds] of Object.entries(day.qualitySeconds)) quality.set(name, (quality.get(name) ?? 0) + seconds);
  const totalQuality = [...quality.values()].reduce((sum, seconds) => sum + seconds, 0);
  return (
    <section aria-label="Playback, last 30 days" className="grid gap-2">
      <h3 className="text-sm font-medium">Playback, last 30 days</h3>
      <dl className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-4" data-testid="video-analytics">
        <div>
          <dt className="text-muted-foreground">Plays</dt>
          <dd className="font-mono">{plays}</dd>
        </div>
        <div>
          <dt className="text-muted-foreground">Viewers (daily uniques)</dt>
          <dd className="font-mono">{viewers}</dd>
        </div>
        <div>
          <dt className="text-muted-foreground">Watch time</dt>
          <dd className="font-mono">{formatDuration(watch)}</dd>
        </div>
        <div>
          <dt className="text-muted-foreground">Completion</dt>
          <dd className="font-mono">{formatPercent(plays > 0 ? Math.min(1, completions / plays) * 100 : 0)}</dd>
        </div>
      </dl>
      {totalQuality > 0 && (
        <p className="text-xs text-muted-foreground">
          Quality mix:{' '}
          {[...quality.entries()]
            .sort((a, b) => b[1] - a[1])
            .map(([name, seconds]) => `${name} ${formatPercent((seconds / totalQuality) * 100)}`)
            .join(', ')}
        </p>
      )}
    </section>
  );
}

function VideoDialog({ id, onClose }: { id: string; onClose: () => void }) {
  const queryClient = useQueryClient();
  const canWrite = useCan('media:write');
  const { data: video, error } = useQuery({ queryKey: mediaKeys.video(id), queryFn: () => api<VideoView>(`/media/videos/${id}`) });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: mediaKeys.list() });
    void queryClient.invalidateQueries({ queryKey: mediaKeys.video(id) });
  };
  const remove = useMutation({
    mutationFn: () => api(`/media/videos/${id}`, { method: 'DELETE' }),
    onSuccess: () => {
      toast.success('Video deleted');
      refresh();
      onClose();
    },
    onError: (failure) => toast.error('Could not delete the video', { description: describeError(failure) }),
  });
  const reprocess = useMutation({
    mutationFn: () => api<VideoView>(`/media/videos/${id}/reprocess`, { method: 'POST' }),
    onSuccess: () => {
      toast.success('Processing again');
      refresh();
    },
    onError: (failure) => toast.error('Could not process the video again', { description: describeError(failure) }),
  });
  const origin = typeof window === 'undefined' ? '' : window.location.origin;
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent className="sm:max-w-3xl">
        <DialogHeader>
          <DialogTitle>{video?.title ?? 'Video'}</DialogTitle>
          <DialogDescription>
            {video
              ? `${video.width ?? '?'}x${video.height ?? '?'}, ${formatDuration(video.durationSeconds)}, ${formatBytes(Number(video.sizeBytes))} uploaded, ${video.visibility}`
              : 'Loading…'}
          </DialogDescription>
        </DialogHeader>
        {error && <p className="text-sm text-destructive">{describeError(error)}</p>}
        {video && (
          <div className="grid gap-4">
            {video.status === 'ready' && video.playbackBase ? (
              <VodPlayer src={`${video.playbackBase}index.m3u8`} poster={`${video.playbackBase}poster.jpg`} label={`Preview of ${video.title}`} className="rounded-md" />
            ) : (
              <p className="text-sm text-muted-foreground">
                {STATUS[video.status].label}
                {video.errorMessage ? `: ${video.errorMessage}` : ''}
              </p>
            )}
            {video.status === 'ready' && (
              <div className="grid gap-2">
                <h3 className="text-sm font-medium">Embed</h3>
                <code className="block overflow-x-auto rounded-md bg-muted p-2 text-xs" data-testid="embed-code">
                  {embedSnippet(video, origin)}
                </code>
                <div>
                  <CopyButton value={embedSnippet(video, origin)} what="Embed code" label="Copy embed code" />
                </div>
              </div>
            )}
            {video.analytics && <AnalyticsSummary days={video.analytics} />}
            <div className="flex flex-wrap gap-2">
              {video.status === 'ready' && video.playbackBase && (
                <Button variant="outline" asChild>
                  <a href={`${video.playbackBase}download.mp4`} download={`${video.title}.mp4`}>
                    <DownloadIcon aria-hidden /> Download MP4
                  </a>
                </Button>
              )}
              {canWrite && ['ready', 'failed', 'cancelled'].includes(video.status) && (
                <Button variant="outline" onClick={() => reprocess.mutate()} disabled={reprocess.isPending}>
                  <RefreshCwIcon aria-hidden /> Process again
                </Button>
              )}
              {canWrite && (
                <ConfirmDialog
                  trigger={
                    <Button variant="destructive" className="ml-auto">
                      <Trash2Icon aria-hidden /> Delete
                    </Button>
                  }
                  title={`Delete ${video.title}?`}
                  description="A running transcode stops; the video, its renditions, the original and its statistics are removed. Embeds stop playing."
                  confirmLabel="Delete video"
                  onConfirm={() => remove.mutate()}
                />
              )}
            </div>
          </div>
        )}
      </DialogContent>
    </Dialog>
  );
}

export function MediaPage() {
  const queryClient = useQueryClient();
  const canWrite = useCan('media:write');
  const [openId, setOpenId] = useState<string | null>(null);
  const { data, error, isPending, refetch } = useQuery({ queryKey: mediaKeys.list(), queryFn: () => api<VideoPage>('/media/videos?pageSize=100') });
  useLiveProgress();
  return (
    <PermissionGate permission="media:read" title="Media" description="Uploaded videos, their renditions and embeds." what="the media library">
      <PageHeader
        title="Media"
        description="Uploaded videos: processed once into every rendition, played from nginx, embeddable anywhere."
        actions={canWrite && <UploadDialog onUploaded={() => void queryClient.invalidateQueries({ queryKey: mediaKeys.list() })} />}
      />
      {error ? (
        <ErrorState title="Could not load the library" error={error} onRetry={() => void refetch()} />
      ) : isPending ? (
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-4">
          {[0, 1, 2].map((key) => (
            <li key={key}>
              <Skeleton className="aspect-video w-full" />
            </li>
          ))}
        </ul>
      ) : data.items.length === 0 ? (
        <EmptyState icon={FilmIcon} title="No videos yet" description={canWrite ? 'Upload a video: it is processed into HLS renditions, a poster and an MP4.' : 'Operators upload videos here.'} />
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-4" aria-label="Videos">
          {data.items.map((video) => (
            <VideoCard key={video.id} video={video} onOpen={() => setOpenId(video.id)} />
          ))}
        </ul>
      )}
      {openId && <VideoDialog id={openId} onClose={() => setOpenId(null)} />}
    </PermissionGate>
  );
}
