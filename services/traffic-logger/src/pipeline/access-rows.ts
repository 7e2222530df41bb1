import { createHmac } from 'node:crypto';
import { parseUtm } from '@castline/attribution';
import type { AccessLogEntry } from '../access-log/access-line';
import { redactUri, routeMedia } from '../access-log/media-route';
import type { Enricher } from '../enrichment/enricher';
import { type BareRequestRow, NO_UTM, NOT_ENRICHED, type RequestRow, type UtmColumns, utcDay, type ViewHit } from '../store/traffic-store';

export interface AccessRowOptions {
  /** HMAC key for ip_hash and viewer ids (TRAFFIC_IP_SECRET). */
  ipSecret: string;
  /** TRAFFIC_STORE_RAW_IP: keep the address itself (CIDR search) besides its HMAC. */
  storeRawIp: boolean;
  /** TRAFFIC_LOG_SEGMENTS: a row per segment request too (otherwise segments only fold into view_sessions). */
  logSegments: boolean;
  /** Bot verdict, User-Agent, GeoIP; without one, rows are stored unenriched. */
  enricher?: Pick<Enricher, 'enrich'>;
}

const DELIVERED = new Set([200, 206]);
/** Most requests (segments, API calls) carry no UTM parameter: they skip parsing. */
const UTM_PARAMETER = /utm_/i;

/** A query string's UTM parameters by the tracker's rules (packages/attribution). */
export function utmColumnsOf(query: string | null): UtmColumns {
  if (query === null || !UTM_PARAMETER.test(query)) return NO_UTM;
  const utm = parseUtm(query);
  return { utmSource: utm.source, utmMedium: utm.medium, utmCampaign: utm.campaign, utmTerm: utm.term, utmContent: utm.content };
}

/** HMAC(TRAFFIC_IP_SECRET, ip): equal addresses match, the address is not stored. */
export const ipHashOf = (secret: string, ip: string) => createHmac('sha256', secret).update(ip).digest('base64url').slice(0, 22);

/** A viewer of one day: HMAC over day, IP and User-Agent, so ids do not link across days. */
export const viewerIdOf = (secret: string, day: string, ip: string, userAgent: string | null) =>
  createHmac('sha256', secret).update(`viewer\n${day}\n${ip}\n${userAgent ?? ''}`).digest('base64url').slice(0, 22);

/**
 * Turns access-log entries into stored rows: one request row each (segments only with logSegments), and the
 * delivered segments of live channels folded per viewer x channel x day.
 */
export function accessRows(
  entries: AccessLogEntry[],
  options: AccessRowOptions,
): { requests: RequestRow[]; viewHits: ViewHit[]; dropped: Record<string, number> } {
  const requests: RequestRow[] = [];
  const dropped: Record<string, number> = {};
  const hits = new Map<string, ViewHit>();
  for (const entry of entries) {
    const route = routeMedia(entry.uri);
    if (route?.segment && DELIVERED.has(entry.status)) {
      const day = utcDay(entry.at);
      const viewer = viewerIdOf(options.ipSecret, day, entry.remoteAddr, entry.userAgent);
      const key = `${day}\n${route.channelId ?? route.slug}\n${viewer}`;
      const hit = hits.get(key);
      if (hit) {
        if (entry.at < hit.firstSeen) hit.firstSeen = entry.at;
        if (entry.at > hit.lastSeen) hit.lastSeen = entry.at;
        hit.segments += 1;
        hit.bytes += entry.bytesSent;
      } else {
        hits.set(key, { day, channelSlug: route.slug, channelId: route.channelId, viewer, firstSeen: entry.at, lastSeen: entry.at, segments: 1, bytes: entry.bytesSent });
      }
    }
    if (route?.segment && !options.logSegments) continue;
    const uri = redactUri(entry.uri);
    const queryAt = uri.indexOf('?');
    const query = queryAt >= 0 ? uri.slice(queryAt + 1) : null;
    const bare: BareRequestRow = {
      ts: entry.at,
      requestId: entry.requestId,
      host: entry.host,
      method: entry.method,
      path: queryAt >= 0 ? uri.slice(0, queryAt) : uri,
      query,
      ...utmColumnsOf(query),
      status: entry.status,
      bodyBytes: entry.bodyBytes,
      bytesSent: entry.bytesSent,
      requestTimeMs: entry.requestTimeMs,
      upstreamAddr: entry.upstreamAddr,
      upstreamStatus: entry.upstreamStatus,
      upstreamResponseTime: entry.upstreamResponseTime,
      ip: options.storeRawIp ? entry.remoteAddr : null,
      ipHash: ipHashOf(options.ipSecret, entry.remoteAddr),
      userAgent: entry.userAgent,
      referer: entry.referer,
      mediaKind: route?.kind ?? null,
      channelSlug: route?.slug ?? null,
      channelId: route?.channelId ?? null,
      rendition: route?.rendition ?? null,
    };
    const enriched = options.enricher ? options.enricher.enrich(bare, entry.remoteAddr) : { row: { ...bare, ...NOT_ENRICHED } };
    if ('dropped' in enriched) dropped[enriched.dropped] = (dropped[enriched.dropped] ?? 0) + 1;
    else requests.push(enriched.row);
  }
  return { requests, viewHits: [...hits.values()], dropped };
}
