'use client';

import type { EmbedPlayback } from '@castline/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { trackPlayback } from '@/components/media/playback-analytics';
import { VodPlayer } from '@/components/media/vod-player';

/** The page that frames this one (its origin), or this page's own origin when it is not framed. */
function parentOrigin(): string {
  if (window.top === window) return window.location.origin;
  const ancestors = window.location.ancestorOrigins;
  if (ancestors && ancestors.length > 0) return ancestors[0]!;
  try {
    return new URL(document.referrer).origin;
  } catch {
    return '';
  }
}

type EmbedState = { kind: 'loading' } | { kind: 'ready'; playback: EmbedPlayback } | { kind: 'refused'; message: string };

export function EmbedPlayer({ id }: { id: string }) {
  const [state, setState] = useState<EmbedState>({ kind: 'loading' });
  const tracker = useRef<ReturnType<typeof trackPlayback>>(undefined);

  useEffect(() => {
    const abort = new AbortController();
    fetch(`/api/v1/media/embed/${encodeURIComponent(id)}?parent=${encodeURIComponent(parentOrigin())}`, { signal: abort.signal })
      .then(async (response) => {
        if (response.ok) setState({ kind: 'ready', playback: (await response.json()) as EmbedPlayback });
        else setState({ kind: 'refused', message: response.status === 403 ? 'This video cannot be played on this site.' : 'This video is not available.' });
      })
      .catch(() => {
        if (!abort.signal.aborted) setState({ kind: 'refused', message: 'The video cannot be loaded.' });
      });
    return () => abort.abort();
  }, [id]);

  const playback = state.kind === 'ready' ? state.playback : undefined;
  const attach = useCallback(
    (element: HTMLVideoElement) => {
      if (!playback) return;
      const tracking = trackPlayback(element, playback.id);
      tracker.current = tracking;
      return () => tracking.stop();
    },
    [playback],
  );
  const onRendition = useCallback((name: string) => tracker.current?.setRendition(name), []);

  return (
    <main className="flex h-dvh w-full items-center justify-center bg-black text-white">
      {state.kind === 'loading' && <p className="text-sm">Loading…</p>}
      {state.kind === 'refused' && <p className="text-sm">{state.message}</p>}
      {playback && (
        <VodPlayer
          src={playback.playlistUrl}
          poster={playback.posterUrl}
          label={playback.title}
          className="h-full"
          options={playback}
          onAttach={attach}
          onRendition={onRendition}
        />
      )}
    </main>
  );
}
