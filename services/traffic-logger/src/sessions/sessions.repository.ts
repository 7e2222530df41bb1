import { Injectable } from '@nestjs/common';
import { PrismaService } from '@castline/platform';

/**
 * The click id campaigns adds to a tracking link's destination on another site (services/campaigns
 * tracking.service CLICK_ID_PARAM); the tracker stores the landing page's query string with each event.
 */
export const CAMPAIGN_CLICK_PARAM = 'cl_click';
/** How far back a session is looked for: the attribution window is days, sessions older than this are gone. */
export const SESSION_LOOKBACK_DAYS = 90;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SessionAttribution {
  visitorId: string;
  /** The campaigns click id the visit landed with, if any of its events carried one. */
  clickId: string | null;
}

/** traffic.sessions and traffic.events read for campaign attribution (read-only). */
@Injectable()
export class SessionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The session and the first campaigns click id of its events; null when unknown (or not a session id at all). */
  async attribution(sessionId: string): Promise<SessionAttribution | null> {
    if (!UUID.test(sessionId)) return null;
    const since = new Date(Date.now() - SESSION_LOOKBACK_DAYS * 86_400_000);
    const rows = await this.prisma.$queryRaw<Array<{ visitor_id: string; query: string | null }>>`
      SELECT s.visitor_id,
        (SELECT e.query FROM traffic.events e
          WHERE e.session_id = s.id AND e.ts >= s.started_at AND e.ts <= s.last_seen
            AND e.query LIKE ${`%${CAMPAIGN_CLICK_PARAM}=%`}
          ORDER BY e.ts LIMIT 1) AS query
      FROM traffic.sessions s
      WHERE s.id = ${sessionId}::uuid AND s.started_at >= ${since}
      ORDER BY s.started_at DESC LIMIT 1`;
    const row = rows[0];
    if (!row) return null;
    const clickId = row.query ? new URLSearchParams(row.query).get(CAMPAIGN_CLICK_PARAM)?.trim() || null : null;
    return { visitorId: row.visitor_id, clickId: clickId ? clickId.slice(0, 128) : null };
  }
}
