'use client';

import Hls, { type LevelSwitchedData } from 'hls.js';
import { Loader2Icon } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { cn } from '@/lib/utils';

export interface VodPlayerOptions {
  autoplay?: boolean;
  loop?: boolean;
  controls?: boolean;
  muted?: boolean;
}

/**
 * A video of the library through hls.js (Safari: natively). The <video> carries data-fragments-loaded (hls.js
 * FRAG_LOADED events so far), which the e2e tests read. `onRendition` hears the playing rung's name ("720p").
 */
export function VodPlayer({
  src,
  poster,
  options = {},
  label,
  className,
  onAttach,
  onRendition,
}: {
  src: string;
  poster?: string | null;
  options?: VodPlayerOptions;
  label: string;
  className?: string;
  /** Called with the <video> once the player is attached; may return its cleanup (analytics use it). */
  onAttach?: (element: HTMLVideoElement) => (() => void) | void;
  onRendition?: (name: string) => void;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const listeners = useRef({ onAttach, onRendition });
  useEffect(() => {
    listeners.current = { onAttach, onRendition };
  }, [onAttach, onRendition]);

  useEffect(() => {
    const element = video.current;
    if (!element) return;
    let fragments = 0;
    element.dataset.fragmentsLoaded = '0';
    const onPlaying = () => setLoading(false);
    const onCanPlay = () => setLoading(false);
    element.addEventListener('playing', onPlaying);
    element.addEventListener('canplay', onCanPlay);
    let hls: Hls | null = null;
    if (Hls.isSupported()) {
      hls = new Hls({ backBufferLength: 30 });
      const player = hls;
      player.on(Hls.Events.FRAG_LOADED, () => {
        fragments += 1;
        element.dataset.fragmentsLoaded = String(fragments);
      });
      player.on(Hls.Events.LEVEL_SWITCHED, (_event, data: LevelSwitchedData) => {
        const url = player.levels[data.level]?.url[0] ?? '';
        const name = /([a-z0-9_-]+)\/index\.m3u8/.exec(url)?.[1];
        if (name) listeners.current.onRendition?.(name);
      });
      player.on(Hls.Events.ERROR, (_event, data) => {
        if (!data.fatal) return;
        if (data.type === Hls.ErrorTypes.MEDIA_ERROR) player.recoverMediaError();
        else setFailed(data.response?.code === 403 || data.response?.code === 410 ? 'This link has expired: reload the page.' : 'The video cannot be loaded.');
      });
      player.loadSource(src);
      player.attachMedia(element);
    } else if (element.canPlayType('application/vnd.apple.mpegurl')) {
      element.src = src;
    } else {
      void Promise.resolve().then(() => setFailed('This browser cannot play HLS.'));
    }
    const detach = listeners.current.onAttach?.(element);
    return () => {
      detach?.();
      element.removeEventListener('playing', onPlaying);
      element.removeEventListener('canplay', onCanPlay);
      hls?.destroy();
    };
  }, [src]);

  return (
    <div className={cn('relative aspect-video w-full overflow-hidden bg-black', className)}>
      <video
        ref={video}
        aria-label={label}
        className="size-full object-contain"
        poster={poster ?? undefined}
        autoPlay={options.autoplay}
        loop={options.loop}
        controls={options.controls ?? true}
        muted={options.muted}
        playsInline
      />
      {(loading || failed) && (
        <div className="pointer-events-none absolute inset-0 flex flex-col items-center justify-center gap-2 bg-black/40 text-sm text-white">
          {!failed && <Loader2Icon className="size-6 animate-spin" aria-hidden />}
          {failed && <p>{failed}</p>}
        </div>
      )}
    </div>
  );
}
