import type { BareRequestRow, RequestRow } from '../store/traffic-store';
import { classifyBot } from './bots';
import { GeoIp, NO_GEO } from './geoip';
import { parseUserAgent } from './user-agent';

export type EnrichOutcome = { row: RequestRow } | { dropped: string };

export interface EnricherOptions {
  geo: Pick<GeoIp, 'lookup'> | null;
  /** Bot floods: at most this many flagged rows per IP and minute are stored, the rest only counted. */
  botRowsPerMinute: number;
}

/**
 * Enrichment as named steps, in order: bot (verdict, and the flood limit that may drop the row with reason
 * `bot_flood`), user-agent (ua-parser-js), geo (maxmind; null without a database). `ip` is the client address
 * as nginx saw it, passed separately because the row may not keep it (TRAFFIC_STORE_RAW_IP).
 */
export class Enricher {
  private minute = -1;
  private readonly botRows = new Map<string, number>();

  constructor(private readonly options: EnricherOptions) {}

  enrich(row: BareRequestRow, ip: string): EnrichOutcome {
    const bot = classifyBot(row);
    if (bot.isBot && !this.admitBot(ip, row.ts)) return { dropped: 'bot_flood' };
    const agent = parseUserAgent(row.userAgent);
    const geo = this.options.geo?.lookup(ip) ?? NO_GEO;
    return {
      row: { ...row, isBot: bot.isBot, botScore: bot.score, botType: bot.type, ...agent, ...geo },
    };
  }

  private admitBot(ip: string, at: Date): boolean {
    const minute = Math.floor(at.getTime() / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.botRows.clear();
    }
    const count = (this.botRows.get(ip) ?? 0) + 1;
    this.botRows.set(ip, count);
    return count <= this.options.botRowsPerMinute;
  }
}
