import type { MediaPlaybackEvent } from '@castline/contracts';

/** The player's events go here (media, public; one event per request). */
export const COLLECT_URL = '/api/v1/media/collect';
/** media.progress every this many seconds of playing. */
export const PROGRESS_INTERVAL_S = 10;
const VIEWER_KEY = 'castline.viewer';

/** A random id this browser keeps for unique viewers (no cookie; a new one when storage is unavailable). */
export function viewerId(): string {
  const fresh = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
  try {
    const known = localStorage.getItem(VIEWER_KEY);
    if (known && /^[A-Za-z0-9_-]{8,64}$/.test(known)) return known;
    const id = fresh();
    localStorage.setItem(VIEWER_KEY, id);
    return id;
  } catch {
    return fresh();
  }
}

function send(event: MediaPlaybackEvent): void {
  void fetch(COLLECT_URL, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event), keepalive: true }).catch(() => undefined);
}

/**
 * Reports one <video>'s playback: media.play on the first play, media.progress every 10 s of playing (position,
 * seconds watched since the last report, the rendition), media.complete at the end, media.quality on a switch.
 * Returns the rendition setter (the player tells it the playing rung) and the function that stops reporting.
 */
export function trackPlayback(element: HTMLVideoElement, video: string): { setRendition: (name: string) => void; stop: () => void } {
  const viewer = viewerId();
  let rendition: string | undefined;
  let played = false;
  let watched = 0;
  let lastTime = element.currentTime;
  const report = (name: MediaPlaybackEvent['name'], extra: Partial<MediaPlaybackEvent> = {}) =>
    send({ name, video, viewer, position: Math.round(element.currentTime * 10) / 10, ...(rendition ? { rendition } : {}), ...extra });
  const flush = () => {
    if (watched <= 0) return;
    report('media.progress', { watched: Math.min(30, Math.round(watched * 10) / 10) });
    watched = 0;
  };
  const onPlay = () => {
    if (played) return;
    played = true;
    report('media.play');
  };
  const onTime = () => {
    const delta = element.currentTime - lastTime;
    lastTime = element.currentTime;
    // Seeks are no watching; normal playback advances by well under a second between timeupdates.
    if (delta > 0 && delta < 2) watched += delta;
    if (watched >= PROGRESS_INTERVAL_S) flush();
  };
  const onEnded = () => {
    flush();
    report('media.complete');
    played = false;
  };
  const onPause = () => flush();
  element.addEventListener('play', onPlay);
  element.addEventListener('timeupdate', onTime);
  element.addEventListener('ended', onEnded);
  element.addEventListener('pause', onPause);
  window.addEventListener('pagehide', flush);
  return {
    setRendition(name) {
      if (name === rendition) return;
      const first = rendition === undefined;
      flush();
      rendition = name;
      if (!first) report('media.quality');
    },
    stop() {
      flush();
      element.removeEventListener('play', onPlay);
      element.removeEventListener('timeupdate', onTime);
      element.removeEventListener('ended', onEnded);
      element.removeEventListener('pause', onPause);
      window.removeEventListener('pagehide', flush);
    },
  };
}
