/**
 * Redis keys and limits of the live telemetry the workers write and the channels service reads. Both
 * connect with REDIS_KEY_PREFIX as ioredis' keyPrefix, so these are the unprefixed names.
 */
export const TelemetryKeys = {
  /** A list of `LogRunEntry` JSON, newest first, at most LOG_RUNS_KEPT. */
  logRuns: (channelId: string) => `channel-logs:${channelId}:runs`,
  logHead: (channelId: string, runId: string) => `channel-logs:${channelId}:${runId}:head`,
  logTail: (channelId: string, runId: string) => `channel-logs:${channelId}:${runId}:tail`,
  /** A hash: `jpeg` (bytes) and `capturedAt` (ISO 8601). */
  thumbnail: (channelId: string) => `channel-thumbnail:${channelId}`,
};

export interface LogRunEntry {
  runId: string;
  startedAt: string;
}

export const LOG_HEAD_LINES = 20;
export const LOG_TAIL_LINES = 200;
export const LOG_RUNS_KEPT = 3;
/** Logs outlive the channel's runs by a few days, then Redis drops them. */
export const LOG_TTL_SECONDS = 3 * 24 * 3600;
/** A thumbnail older than this is gone: the channel stopped or its output stalled. */
export const THUMBNAIL_TTL_SECONDS = 60;
