'use client';

import Hls, { type ErrorData, type LevelLoadedData } from 'hls.js';
import { Loader2Icon, PlayIcon, VideoOffIcon } from 'lucide-react';
import { memo, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { Button } from '@/components/ui/button';
import { api, describeError } from '@/lib/api';
import { cn } from '@/lib/utils';

interface PlayableChannel {
  id: string;
  status: string;
  statusDetail?: string | null;
  playback: string;
  playbackPath: string | null;
}

type PlayerState = { kind: 'loading' } | { kind: 'playing' } | { kind: 'waiting'; reason: string };

const IDLE: Record<string, { title: string; hint: string }> = {
  stopped: { title: 'Channel is stopped', hint: 'Start the channel to see its live output here.' },
  stopping: { title: 'Channel is stopping', hint: 'The preview ends with the channel.' },
  error: { title: 'Channel failed', hint: 'See the FFmpeg log and the events for the reason.' },
  starting: { title: 'Waiting for the first new segment…', hint: 'The preview starts with this run\'s output, never an older run\'s.' },
  waiting: { title: 'Waiting for source', hint: 'The source does not answer; the channel starts by itself when it does.' },
};

/** Retry delay while the channel starts (its playlist is a 404 until the first segment exists). */
const RETRY_MS = 2_000;

async function playbackUrl(id: string, publicPath: string | null, signal: AbortSignal): Promise<string> {
  if (publicPath) return publicPath;
  const playback = await api<{ url: string }>(`/channels/${id}/playback`, { signal });
  return playback.url;
}

const REDUCED_MOTION = '(prefers-reduced-motion: reduce)';
const subscribeReducedMotion = (onChange: () => void) => {
  const query = window.matchMedia(REDUCED_MOTION);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
};

/**
 * The channel's HLS output through hls.js: muted autoplay (unless the viewer asks for reduced motion: then a
 * play button, as moving video that starts by itself is what that setting turns off), low latency, recovering from media and network
 * errors and retrying while the channel starts. The <video> carries data-fragments-loaded (hls.js
 * FRAG_LOADED events so far), which the e2e tests read.
 */
export const LivePlayer = memo(function LivePlayer({ channel, className }: { channel: PlayableChannel; className?: string }) {
  // Only a running channel is played: while it starts, the playlist still lists the previous run's segments.
  const active = channel.status === 'running';
  const reducedMotion = useSyncExternalStore(subscribeReducedMotion, () => window.matchMedia(REDUCED_MOTION).matches, () => false);
  const [playRequested, setPlayRequested] = useState(false);
  return (
    <div className={cn('relative aspect-video w-full overflow-hidden rounded-lg border bg-black', className)}>
      {active && reducedMotion && !playRequested ? (
        <div className="flex size-full items-center justify-center bg-muted">
          <Button variant="secondary" onClick={() => setPlayRequested(true)}>
            <PlayIcon aria-hidden />
            Play live preview
          </Button>
        </div>
      ) : active ? (
        <ActivePlayer
          key={channel.id}
          id={channel.id}
          publicPath={channel.playback === 'public' ? channel.playbackPath : null}
        />
      ) : (
        <div className="flex size-full flex-col items-center justify-center gap-2 bg-muted text-muted-foreground">
          <VideoOffIcon className="size-8" aria-hidden />
          <p className="text-sm font-medium">{IDLE[channel.status]?.title ?? 'Channel is stopped'}</p>
          <p className="px-4 text-center text-xs">{channel.statusDetail ?? IDLE[channel.status]?.hint ?? 'Start the channel to see its live output here.'}</p>
        </div>
      )}
    </div>
  );
});

function ActivePlayer({ id, publicPath }: { id: string; publicPath: string | null }) {
  const video = useRef<HTMLVideoElement>(null);
  const fragments = useRef(0);
  const [state, setState] = useState<PlayerState>({ kind: 'loading' });
  /** Bumped to tear the player down and build a new one (after a fatal error). */
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const element = video.current;
    if (!element) return;
    element.dataset.fragmentsLoaded = String(fragments.current);
    const abort = new AbortController();
    let hls: Hls | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let lastMediaRecovery = 0;
    let disposed = false;

    const rebuild = (reason: string) => {
      if (disposed) return;
      setState({ kind: 'waiting', reason });
      hls?.destroy();
      hls = null;
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => setGeneration((value) => value + 1), RETRY_MS);
    };

    const start = async () => {
      let url: string;
      try {
        url = await playbackUrl(id, publicPath, abort.signal);
      } catch (error) {
        if (!abort.signal.aborted) rebuild(describeError(error));
        return;
      }
      if (disposed) return;

      if (!Hls.isSupported()) {
        if (element.canPlayType('application/vnd.apple.mpegurl')) {
          element.src = url;
          element.play().catch(() => undefined);
          return;
        }
        setState({ kind: 'waiting', reason: 'This browser cannot play HLS.' });
        return;
      }

      const player = new Hls({
        lowLatencyMode: true,
        liveSyncDurationCount: 2,
        liveMaxLatencyDurationCount: 6,
        maxLiveSyncPlaybackRate: 1.5,
        backBufferLength: 30,
        manifestLoadingMaxRetry: 1,
        levelLoadingMaxRetry: 4,
        fragLoadingMaxRetry: 4,
        // Loading starts on the first playlist, at this run's first segment at the earliest (below).
        autoStartLoad: false,
      });
      hls = player;
      // A restarted FFmpeg appends to the previous run's playlist (append_list): the live edge may still lie in
      // the previous run's segments, which must never play as live. Segment names carry the run id.
      player.once(Hls.Events.LEVEL_LOADED, (_event, data: LevelLoadedData) => {
        const fragmentsListed = data.details.fragments;
        const runOf = (fragment: (typeof fragmentsListed)[number]) => /seg_([^_/]+)_\d+\.\w+$/.exec(fragment.relurl ?? fragment.url)?.[1];
        const run = fragmentsListed.length ? runOf(fragmentsListed.at(-1)!) : undefined;
        const first = run === undefined ? undefined : fragmentsListed.find((fragment) => runOf(fragment) === run);
        const edge = data.details.edge - data.details.targetduration * 2;
        player.startLoad(first && first.start > edge ? first.start : -1);
      });
      player.on(Hls.Events.FRAG_LOADED, () => {
        fragments.current += 1;
        element.dataset.fragmentsLoaded = String(fragments.current);
      });
      player.on(Hls.Events.MANIFEST_PARSED, () => {
        element.play().catch(() => undefined);
      });
      player.on(Hls.Events.ERROR, (_event, data: ErrorData) => {
        if (!data.fatal) return;
        if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
          const now = Date.now();
          if (now - lastMediaRecovery > 3_000) {
            lastMediaRecovery = now;
            player.recoverMediaError();
          } else {
            lastMediaRecovery = now;
            player.swapAudioCodec();
            player.recoverMediaError();
          }
          return;
        }
        const status = data.response?.code;
        if (data.type === Hls.ErrorTypes.NETWORK_ERROR && fragments.current > 0 && data.details === Hls.ErrorDetails.FRAG_LOAD_ERROR) {
          player.startLoad();
          return;
        }
        rebuild(status === 404 ? 'Waiting for the first segment…' : 'Reconnecting to the stream…');
      });
      player.loadSource(url);
      player.attachMedia(element);
    };

    const onPlaying = () => setState({ kind: 'playing' });
    element.addEventListener('playing', onPlaying);
    void start();

    return () => {
      disposed = true;
      abort.abort();
      clearTimeout(retryTimer);
      element.removeEventListener('playing', onPlaying);
      hls?.destroy();
      hls = null;
    };
  }, [id, publicPath, generation]);

  return (
    <>
      <video
        ref={video}
        aria-label="Live preview"
        className="size-full object-contain"
        muted
        autoPlay
        playsInline
        controls
      />
      {state.kind !== 'playing' && (
        <div className="pointer-events-none absolute inset-0 flex flex-col items-center justify-center gap-2 bg-black/60 text-sm text-white">
          <Loader2Icon className="size-6 animate-spin" aria-hidden />
          <p>{state.kind === 'loading' ? 'Loading stream…' : state.reason}</p>
        </div>
      )}
    </>
  );
}
