import { createHmac, randomBytes } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { parseAttribution, parseReferrer } from '@castline/attribution';
import { type CreateTrackingLink, fieldProblem } from '@castline/contracts';
import type { TrackingLink } from '@castline/db';
import { AppError, CONFIG } from '@castline/platform';
import { isbot } from 'isbot';
import type { CampaignsConfig } from '../config';
import { TrackingRepository } from './tracking.repository';

export const TRACKING_COOKIE = 'castline_tid';
/** The parameter carrying our click id to a destination on another site (its server echoes it in conversions). */
export const CLICK_ID_PARAM = 'cl_click';

export interface IncomingVisit {
  /** The TCP peer (nginx in production). */
  peer: string;
  headers: Record<string, string | string[] | undefined>;
  /** The request URL (path and query). */
  url: string;
}

const header = (headers: IncomingVisit['headers'], name: string) => {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
};

/** Our click ids (22 base64url characters); the same shape as the tracking id cookie, anything else is ignored. */
export const isOurId = (value: unknown): value is string => typeof value === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(value);

export function cookieValue(cookieHeader: string | null, name: string): string | null {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) {
      const value = rest.join('=');
      return isOurId(value) ? value : null;
    }
  }
  return null;
}

/** Tracking links and clicks: where /r/<code> goes (only the stored destination) and what it records. */
@Injectable()
export class TrackingService {
  private readonly logger = new Logger(TrackingService.name);
  private readonly trusted = new BlockList();
  private readonly ipKey: string;

  constructor(
    @Inject(CONFIG) private readonly config: CampaignsConfig,
    private readonly tracking: TrackingRepository,
  ) {
    this.ipKey = config.TRACKING_IP_KEY ?? createHmac('sha256', config.SECRETS_ENCRYPTION_KEY).update('castline:tracking-ip').digest('base64url');
    for (const entry of config.TRACKING_TRUSTED_PROXIES.split(',').map((each) => each.trim()).filter(Boolean)) {
      const [address, prefix] = entry.split('/');
      const family = isIP(address ?? '');
      if (!family) throw new Error(`TRACKING_TRUSTED_PROXIES: ${entry} is not a CIDR`);
      this.trusted.addSubnet(address!, Number(prefix ?? (family === 4 ? 32 : 128)), family === 4 ? 'ipv4' : 'ipv6');
    }
  }

  async links() {
    return { items: (await this.tracking.links()).map((link) => toLinkView(link, link.clicks)) };
  }

  async createLink(body: CreateTrackingLink) {
    for (const [field, table] of [['accountId', 'account'], ['campaignId', 'campaign'], ['creativeId', 'creative']] as const) {
      const id = body[field];
      if (id && !(await this.tracking.exists(table, id))) throw AppError.badRequest(`Unknown ${table} ${id}`, fieldProblem(field, `no such ${table}`));
    }
    const code = body.code ?? randomBytes(6).toString('base64url');
    if (await this.tracking.linkByCode(code)) throw AppError.conflict(`The code ${code} is taken`, fieldProblem('code', 'taken'));
    const link = await this.tracking.createLink({ ...body, code });
    return toLinkView(link, 0);
  }

  async deleteLink(id: string) {
    if (!(await this.tracking.deleteLink(id))) throw AppError.notFound('Tracking link');
    return { deleted: true as const };
  }

  /** The client IP: X-Real-IP only from a trusted proxy (nginx), else the peer itself. */
  clientIp(visit: IncomingVisit): string {
    const peer = visit.peer.replace(/^::ffff:/, '');
    const family = isIP(peer);
    const trusted = family !== 0 && this.trusted.check(peer, family === 4 ? 'ipv4' : 'ipv6');
    const forwarded = header(visit.headers, 'x-real-ip');
    return trusted && forwarded && isIP(forwarded) ? forwarded : peer;
  }

  ipHash(visit: IncomingVisit): string {
    return createHmac('sha256', this.ipKey).update(this.clientIp(visit)).digest('base64url');
  }

  /** Records a click on /r/<code> and answers where to redirect and which tracking id cookie to set. */
  async click(code: string, visit: IncomingVisit): Promise<{ location: string; trackingId: string; newVisitor: boolean } | null> {
    const link = await this.tracking.linkByCode(code);
    if (!link) return null;
    const existing = cookieValue(header(visit.headers, 'cookie'), TRACKING_COOKIE);
    const trackingId = existing ?? randomBytes(16).toString('base64url');
    const clickId = randomBytes(16).toString('base64url');
    const referrer = header(visit.headers, 'referer');
    const userAgent = header(visit.headers, 'user-agent');
    const attribution = parseAttribution({ url: visit.url, referrer });
    // A click the database cannot take is lost, not the visitor: the redirect still happens.
    await this.tracking
      .recordClick({
        clickId,
        linkId: link.id,
        accountId: link.accountId,
        campaignId: link.campaignId,
        creativeId: link.creativeId,
        trackingId,
        utmSource: attribution.utm.source,
        utmMedium: attribution.utm.medium,
        utmCampaign: attribution.utm.campaign,
        utmContent: attribution.utm.content,
        utmTerm: attribution.utm.term,
        fbclid: attribution.clickIds.fbclid,
        gclid: attribution.clickIds.gclid,
        msclkid: attribution.clickIds.msclkid,
        ipHash: this.ipHash(visit),
        userAgent: userAgent?.slice(0, 512) ?? null,
        referrer: referrer?.slice(0, 2048) ?? null,
        isBot: isbot(userAgent ?? ''),
      })
      .catch((error: unknown) => this.logger.error(`click on ${code} not recorded (click id ${clickId}): ${(error as Error).message}`));
    return { location: this.destination(link, clickId, header(visit.headers, 'host')), trackingId, newVisitor: existing === null };
  }

  /** The stored destination; on another site than ours it carries the click id (the cookie cannot reach it). */
  private destination(link: TrackingLink, clickId: string, host: string | null): string {
    const url = new URL(link.destinationUrl);
    const ours = host ? parseReferrer(`http://${host}`)?.domain : undefined;
    const theirs = parseReferrer(url.toString())?.domain;
    if (!ours || ours !== theirs) url.searchParams.set(CLICK_ID_PARAM, clickId);
    return url.toString();
  }

  cookie(trackingId: string): string {
    const secure = (this.config.TRACKING_COOKIE_SECURE ?? (this.config.NODE_ENV === 'production' ? 'on' : 'off')) === 'on';
    return `${TRACKING_COOKIE}=${trackingId}; Path=/; Max-Age=${400 * 86_400}; SameSite=Lax; HttpOnly${secure ? '; Secure' : ''}`;
  }
}

function toLinkView(link: TrackingLink, clicks: number) {
  return {
    id: link.id,
    code: link.code,
    name: link.name,
    destinationUrl: link.destinationUrl,
    accountId: link.accountId,
    campaignId: link.campaignId,
    creativeId: link.creativeId,
    clicks,
    createdAt: link.createdAt.toISOString(),
  };
}
