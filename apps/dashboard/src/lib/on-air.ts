'use client';

import type { ChannelMetrics } from '@castline/contracts';
import { useEffect, useState } from 'react';

/** A metrics sample older than this is no proof of anything (the worker sends one a second). */
const FRESH_SAMPLE_MS = 5_000;

/**
 * Whether a channel is on the air right now: it is `running` and its worker's latest sample (fresh) says a
 * new segment of this run appeared within three segment durations. Neither the live socket being connected
 * nor old segments left in the playlist count.
 */
export function isOnAir(
  channel: { status: string; hls: { segmentSeconds: number } },
  metrics: Pick<ChannelMetrics, 'sampledAt' | 'lastSegmentAgeSeconds'> | null | undefined,
  now = Date.now(),
): boolean {
  if (channel.status !== 'running' || !metrics) return false;
  if (now - new Date(metrics.sampledAt).getTime() > FRESH_SAMPLE_MS) return false;
  const age = metrics.lastSegmentAgeSeconds;
  return age !== null && age !== undefined && age <= channel.hls.segmentSeconds * 3;
}

/** isOnAir, re-checked every second so a channel whose segments stop arriving stops being "Live". */
export function useOnAir(
  channel: { status: string; hls: { segmentSeconds: number } },
  metrics: Pick<ChannelMetrics, 'sampledAt' | 'lastSegmentAgeSeconds'> | null | undefined,
): boolean {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  return isOnAir(channel, metrics, now);
}

/**
 * FFmpeg lines that are expected when a channel joins a live stream between two keyframes (the decoder
 * has no parameter sets yet) and mean nothing once the first segment is out.
 */
const JOIN_NOISE = [
  /non-existing PPS \d+ referenced/,
  /decode_slice_header error/,
  /no frame!/,
  /Invalid data found when processing input/,
  /co located POCs unavailable/,
  /mmco: unref short failure/,
  /error while decoding MB/,
  /concealing \d+ DC, \d+ AC, \d+ MV errors/,
];

export type LogLineKind = 'expected' | 'error' | 'warning' | 'plain';

/** How the log view shows one FFmpeg line: join noise muted and labelled, real errors red, warnings amber. */
export function logLineKind(line: string): LogLineKind {
  const isError = /\[(error|fatal)\]/.test(line);
  if ((isError || /\[warning\]/.test(line)) && JOIN_NOISE.some((pattern) => pattern.test(line))) return 'expected';
  if (isError) return 'error';
  if (/\[warning\]/.test(line)) return 'warning';
  return 'plain';
}
