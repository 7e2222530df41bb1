'use client';

/**
 * The gateway's live feed (WebSocket /api/v1/ws/metrics) for one channel: a metrics sample every second while
 * it runs, and its events (status changes, restarts, failovers, errors) as they happen.
 *
 * Protocol (services/gateway/src/live/metrics-socket.ts): the browser offers the subprotocols
 * ["bearer", <access token>], sends {"subscribe": [<channel id>]}, then receives
 * {"type":"metrics","data":ChannelMetrics}, {"type":"event","data":ChannelEventMessage},
 * {"type":"backup","data":BackupProgress} (with backups:read) and {"type":"subscriptions","channels":[...]}. Close codes: 4401 = token refused (refresh, then reconnect),
 * 4403 = role may not read channels (give up), 4408 = too slow (reconnect).
 */
import type { BackupProgress, CampaignEvent, ChannelEventMessage, ChannelMetrics, NotificationView, VideoProgress } from '@castline/contracts';
import { useEffect, useRef, useState } from 'react';
import { api, getAccessToken, notifySessionLost, refreshSession } from './api';

/** A notification frame of the live feed (a notification without the caller's read state). */
export type NotificationEvent = Omit<NotificationView, 'read'>;

export type LiveConnection = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** One point of the live charts. */
export interface LiveSample {
  /** Epoch milliseconds of the sample (the worker's sampledAt). */
  t: number;
  fps: number | null;
  speed: number | null;
  bitrateKbps: number | null;
  cpuPercent: number | null;
  rssBytes: number;
  writeBytesPerSecond: number | null;
  dropFrames: number;
  dupFrames: number;
  restarts: number;
  uptimeSeconds: number;
}

export interface LiveChannelState {
  connection: LiveConnection;
  /** The last WINDOW_MS of samples, oldest first. */
  samples: LiveSample[];
  /** The newest full metrics message (null until one arrives). */
  latestMetrics: ChannelMetrics | null;
  latestEvent: ChannelEventMessage | null;
  /** Events received on this page, newest first (at most MAX_EVENTS). */
  events: ChannelEventMessage[];
}

export const WINDOW_MS = 5 * 60_000;
const MAX_SAMPLES = 400;
const MAX_EVENTS = 100;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;
export const SOCKET_PATH = '/api/v1/ws/metrics';
const CLOSE_UNAUTHENTICATED = 4401;
const CLOSE_FORBIDDEN = 4403;

/** 1 s, 2 s, 4 s ... capped at 30 s, each ±20 % so a restarted gateway is not hit by every tab at once. */
export function backoffDelay(attempt: number, random = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.round(base * (0.8 + 0.4 * random()));
}

export function toSample(metrics: ChannelMetrics): LiveSample {
  const t = Date.parse(metrics.sampledAt);
  return {
    t: Number.isFinite(t) ? t : Date.now(),
    fps: metrics.fps,
    speed: metrics.speed,
    bitrateKbps: metrics.bitrateKbps,
    cpuPercent: metrics.cpuPercent,
    rssBytes: metrics.rssBytes,
    writeBytesPerSecond: metrics.writeBytesPerSecond,
    dropFrames: metrics.dropFrames,
    dupFrames: metrics.dupFrames,
    restarts: metrics.restarts,
    uptimeSeconds: metrics.uptimeSeconds,
  };
}

/** Appends a sample, keeping time order and only the last WINDOW_MS. */
export function appendSample(samples: LiveSample[], sample: LiveSample): LiveSample[] {
  const last = samples[samples.length - 1];
  if (last && sample.t <= last.t) {
    if (sample.t === last.t) return samples;
    // an out-of-order sample (a late frame): insert it where it belongs
    const next = [...samples, sample].sort((a, b) => a.t - b.t);
    return trim(next, next[next.length - 1]!.t);
  }
  return trim([...samples, sample], sample.t);
}

function trim(samples: LiveSample[], newest: number): LiveSample[] {
  let start = 0;
  while (start < samples.length && samples[start]!.t < newest - WINDOW_MS) start++;
  if (samples.length - start > MAX_SAMPLES) start = samples.length - MAX_SAMPLES;
  return start === 0 ? samples : samples.slice(start);
}

function socketUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}${SOCKET_PATH}`;
}

export interface LiveFeedHandlers {
  onConnection?: (connection: LiveConnection) => void;
  onMetrics?: (metrics: ChannelMetrics) => void;
  onEvent?: (event: ChannelEventMessage) => void;
  /** A new dashboard notification (the bell), whatever channels are followed. */
  onNotification?: (notification: NotificationEvent) => void;
  /** An ad account paused, failing or synced again (campaigns.events), whatever channels are followed. */
  onCampaign?: (event: CampaignEvent) => void;
  /** A video's transcode progress or status (media.videos.progress), whatever channels are followed. */
  onMedia?: (progress: VideoProgress) => void;
  /** A backup, verify or restore's progress (backup.progress; sent only with backups:read). */
  onBackup?: (progress: BackupProgress) => void;
}

/** The live socket for its broadcasts only (notifications, campaign events, media progress): no channel followed. */
export function openBroadcastFeed(handlers: Pick<LiveFeedHandlers, 'onNotification' | 'onCampaign' | 'onMedia'>): () => void {
  return openLiveFeed([], { onConnection: () => undefined, onMetrics: () => undefined, onEvent: () => undefined, ...handlers });
}

/**
 * Opens the live socket for the given channels (ids, or '*' for all) and keeps it open until the returned
 * function is called: reconnects with exponential backoff, refreshes the token after a 4401 close (the gateway
 * closes a socket when its token expires or is revoked) and, when no session can be renewed any more, hands
 * over to the app's session handling.
 */
export function openLiveFeed(channels: readonly string[], handlers: LiveFeedHandlers): () => void {
  let disposed = false;
  let socket: WebSocket | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let connection: LiveConnection | null = null;
  const setConnection = (next: LiveConnection) => {
    if (disposed || connection === next) return;
    connection = next;
    handlers.onConnection?.(next);
  };

  const schedule = (delayMs: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => void connect(), delayMs);
  };

  const retry = () => {
    if (disposed) return;
    setConnection('reconnecting');
    if (typeof navigator !== 'undefined' && navigator.onLine === false) {
      setConnection('offline');
      return; // the 'online' listener reconnects
    }
    schedule(backoffDelay(attempt));
    attempt += 1;
  };

  const connect = async () => {
    if (disposed) return;
    clearTimeout(timer);
    let token = getAccessToken();
    if (!token) {
      const session = await refreshSession().catch(() => undefined);
      if (disposed) return;
      if (session === null) notifySessionLost();
      token = session?.accessToken ?? null;
      if (!token) {
        retry();
        return;
      }
    }
    let ws: WebSocket;
    try {
      ws = new WebSocket(socketUrl(), ['bearer', token]);
    } catch {
      retry();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      if (disposed || socket !== ws) return;
      ws.send(JSON.stringify({ subscribe: channels }));
    };
    ws.onmessage = (message: MessageEvent) => {
      if (disposed || socket !== ws || typeof message.data !== 'string') return;
      let frame: { type?: string; data?: unknown; channels?: unknown };
      try {
        frame = JSON.parse(message.data) as typeof frame;
      } catch {
        return;
      }
      if (frame.type === 'subscriptions') {
        attempt = 0;
        setConnection('live');
      } else if (frame.type === 'metrics') {
        setConnection('live');
        handlers.onMetrics?.(frame.data as ChannelMetrics);
      } else if (frame.type === 'event') {
        handlers.onEvent?.(frame.data as ChannelEventMessage);
      } else if (frame.type === 'notification') {
        handlers.onNotification?.(frame.data as NotificationEvent);
      } else if (frame.type === 'campaign') {
        handlers.onCampaign?.(frame.data as CampaignEvent);
      } else if (frame.type === 'backup') {
        handlers.onBackup?.(frame.data as BackupProgress);
      } else if (frame.type === 'media') {
        handlers.onMedia?.(frame.data as VideoProgress);
      }
    };
    ws.onclose = (close: CloseEvent) => {
      if (disposed || socket !== ws) return;
      socket = null;
      if (close.code === CLOSE_FORBIDDEN) {
        setConnection('offline');
        return;
      }
      if (close.code === CLOSE_UNAUTHENTICATED) {
        setConnection('reconnecting');
        refreshSession()
          .catch(() => undefined)
          .then((session) => {
            if (disposed) return;
            if (session === null) {
              // signed out (here, elsewhere, or by an admin): back to the login page
              notifySessionLost();
              retry();
              return;
            }
            // a failed refresh (network) retries with backoff; a renewed one reconnects at once
            schedule(session === undefined || attempt > 0 ? backoffDelay(attempt) : 0);
            attempt += 1;
          });
        return;
      }
      retry();
    };
  };

  const online = () => {
    if (disposed || socket) return;
    attempt = 0;
    setConnection('reconnecting');
    void connect();
  };
  window.addEventListener('online', online);

  setConnection('connecting');
  void connect();
  return () => {
    disposed = true;
    clearTimeout(timer);
    window.removeEventListener('online', online);
    const current = socket;
    socket = null;
    if (current) {
      current.onclose = null;
      current.onmessage = null;
      current.onopen = null;
      if (current.readyState === WebSocket.CONNECTING) current.onopen = () => current.close(1000, 'page left');
      else current.close(1000, 'page left');
    }
  };
}

/** What a page or component follows on the live feed besides channels: notifications and ad-account events. */
export type LiveFeedEventHandlers = Pick<LiveFeedHandlers, 'onNotification' | 'onCampaign'>;

const eventListeners = new Set<{ current: LiveFeedEventHandlers }>();
let closeEventsFeed: (() => void) | null = null;

/**
 * Adds a listener to the one socket every events-only follower shares (subscribed to no channel: notifications
 * and campaign events reach every socket). The socket opens with the first listener and closes with the last.
 */
export function followLiveFeedEvents(listener: { current: LiveFeedEventHandlers }): () => void {
  eventListeners.add(listener);
  closeEventsFeed ??= openLiveFeed([], {
    onNotification: (notification) => eventListeners.forEach((each) => each.current.onNotification?.(notification)),
    onCampaign: (event) => eventListeners.forEach((each) => each.current.onCampaign?.(event)),
  });
  return () => {
    eventListeners.delete(listener);
    if (eventListeners.size > 0) return;
    closeEventsFeed?.();
    closeEventsFeed = null;
  };
}

/**
 * Calls the handlers for the live feed's notifications and campaign events while the component is mounted.
 * The latest handlers are used (no need to memoise them); every follower shares one socket.
 */
export function useLiveFeedEvents(handlers: LiveFeedEventHandlers): void {
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });
  useEffect(() => followLiveFeedEvents(latest), []);
}

interface FeedState {
  channelId: string | undefined;
  connection: LiveConnection;
  samples: LiveSample[];
  latestMetrics: ChannelMetrics | null;
  events: ChannelEventMessage[];
}

const initial = (channelId: string | undefined): FeedState => ({ channelId, connection: 'connecting', samples: [], latestMetrics: null, events: [] });

/**
 * Follows one channel on the live socket (see openLiveFeed). `onEvent` is called for every event of the
 * channel (e.g. to refetch the channel).
 */
export function useLiveChannel(channelId: string | undefined, options: { onEvent?: (event: ChannelEventMessage) => void } = {}): LiveChannelState {
  const [state, setState] = useState<FeedState>(() => initial(channelId));
  const onEvent = useRef(options.onEvent);
  useEffect(() => {
    onEvent.current = options.onEvent;
  }, [options.onEvent]);

  useEffect(() => {
    if (!channelId) return;
    let disposed = false;
    const update = (change: (current: FeedState) => FeedState) =>
      setState((current) => change(current.channelId === channelId ? current : initial(channelId)));
    const addMetrics = (metrics: ChannelMetrics) =>
      update((current) => ({ ...current, latestMetrics: metrics, samples: appendSample(current.samples, toSample(metrics)) }));

    // Seed the charts with the latest metrics while the socket connects (404 when the channel is not running).
    api<ChannelMetrics>(`/channels/${channelId}/metrics`)
      .then((metrics) => {
        if (!disposed && metrics?.channelId === channelId) update((current) => (current.latestMetrics ? current : { ...current, latestMetrics: metrics, samples: appendSample(current.samples, toSample(metrics)) }));
      })
      .catch(() => undefined);

    const close = openLiveFeed([channelId], {
      onConnection: (connection) => update((current) => (current.connection === connection ? current : { ...current, connection })),
      onMetrics: (metrics) => {
        if (metrics?.channelId === channelId) addMetrics(metrics);
      },
      onEvent: (event) => {
        if (event?.channelId !== channelId) return;
        update((current) => ({ ...current, events: [event, ...current.events].slice(0, MAX_EVENTS) }));
        onEvent.current?.(event);
      },
    });
    return () => {
      disposed = true;
      close();
    };
  }, [channelId]);

  const current = state.channelId === channelId ? state : initial(channelId);
  return {
    connection: current.connection,
    samples: current.samples,
    latestMetrics: current.latestMetrics,
    latestEvent: current.events[0] ?? null,
    events: current.events,
  };
}
