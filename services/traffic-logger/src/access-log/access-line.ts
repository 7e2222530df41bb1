import { z } from 'zod';

/**
 * One line of nginx's `castline_json` access log (nginx/snippets/http.conf). nginx writes numbers unquoted
 * ($status, $bytes_sent, $msec, $request_time) and strings with escape=json; "-" stands for an empty value.
 */
const AccessLineSchema = z.object({
  time: z.string(),
  msec: z.number().positive(),
  request_id: z.string().regex(/^[0-9a-f]{32}$/),
  host: z.string(),
  method: z.string().max(32),
  uri: z.string().startsWith('/'),
  status: z.number().int().min(100).max(999),
  bytes: z.number().int().nonnegative(),
  bytes_sent: z.number().int().nonnegative(),
  request_time: z.number().nonnegative(),
  upstream_response_time: z.string(),
  upstream_addr: z.string(),
  upstream_status: z.string(),
  remote_addr: z.string().min(1),
  x_forwarded_for: z.string(),
  user_agent: z.string(),
  referer: z.string(),
});

export interface AccessLogEntry {
  /** nginx's $request_id: unique per request, the natural key of a stored row (replays are idempotent). */
  requestId: string;
  /** When the request finished, from $msec. */
  at: Date;
  host: string;
  method: string;
  /** As logged: ?token= already redacted by nginx. */
  uri: string;
  status: number;
  /** $body_bytes_sent and $bytes_sent (headers included). */
  bodyBytes: number;
  bytesSent: number;
  requestTimeMs: number;
  upstreamAddr: string | null;
  upstreamStatus: string | null;
  upstreamResponseTime: string | null;
  remoteAddr: string;
  forwardedFor: string | null;
  userAgent: string | null;
  referer: string | null;
}

export type ParsedLine = { ok: true; entry: AccessLogEntry } | { ok: false; reason: string };

const orNull = (value: string) => (value === '' || value === '-' ? null : value);

export function parseAccessLine(line: string): ParsedLine {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = AccessLineSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `${issue?.path.join('.') || 'line'}: ${issue?.message ?? 'invalid'}` };
  }
  const line_ = parsed.data;
  return {
    ok: true,
    entry: {
      requestId: line_.request_id,
      at: new Date(Math.round(line_.msec * 1000)),
      host: line_.host,
      method: line_.method,
      uri: line_.uri,
      status: line_.status,
      bodyBytes: line_.bytes,
      bytesSent: line_.bytes_sent,
      requestTimeMs: Math.round(line_.request_time * 1000),
      upstreamAddr: orNull(line_.upstream_addr),
      upstreamStatus: orNull(line_.upstream_status),
      upstreamResponseTime: orNull(line_.upstream_response_time),
      remoteAddr: line_.remote_addr,
      forwardedFor: orNull(line_.x_forwarded_for),
      userAgent: orNull(line_.user_agent),
      referer: orNull(line_.referer),
    },
  };
}
