import { Inject, Injectable, Logger } from '@nestjs/common';
import { fieldProblem, type RecordConversion, Rpc } from '@castline/contracts';
import type { Click, ConversionEvent, Prisma } from '@castline/db';
import { AppError, CONFIG, NatsClient } from '@castline/platform';
import type { CampaignsConfig } from '../config';
import { todayIn } from '../sync/day-range';
import { TrackingRepository } from './tracking.repository';

export type AttributedBy = 'click_id' | 'tracking_id' | 'session' | 'none';

/** What the pixel knows about the visitor beyond the reported fields. */
export interface VisitorContext {
  ipHash?: string | null;
  userAgent?: string | null;
  referrer?: string | null;
  landingPage?: string | null;
}

/**
 * Records conversions (s2s and pixel) and attributes each to the last click within the window: by our click
 * id, else by the visitor's tracking id, else by the traffic-logger's session (asked over NATS with a 300 ms
 * deadline; no answer means unattributed, never an error).
 */
@Injectable()
export class ConversionsService {
  private readonly logger = new Logger(ConversionsService.name);

  constructor(
    @Inject(CONFIG) private readonly config: CampaignsConfig,
    private readonly tracking: TrackingRepository,
    private readonly nats: NatsClient,
  ) {}

  async record(body: RecordConversion, visitor: VisitorContext = {}) {
    const account = body.accountId ? await this.tracking.account(body.accountId) : await this.tracking.accountByPixel(body.pixelId!);
    if (!account) throw AppError.badRequest(body.accountId ? `Unknown ad account ${body.accountId}` : 'Unknown pixel id', fieldProblem(body.accountId ? 'accountId' : 'pixelId', 'unknown'));
    const occurredAt = body.occurredAt ? new Date(body.occurredAt) : new Date();
    if (occurredAt.getTime() > Date.now() + 5 * 60_000) throw AppError.badRequest('occurredAt is in the future', fieldProblem('occurredAt', 'in the future'));
    const { click, by } = await this.attribute(body, occurredAt);
    const valueMicros = BigInt(Math.round(body.value * 1_000_000));
    const { row, duplicate } = await this.tracking.recordConversion(
      {
        accountId: account.id,
        campaignId: click?.campaignId ?? null,
        creativeId: click?.creativeId ?? null,
        clickId: click?.clickId ?? body.clickId ?? null,
        trackingId: body.trackingId ?? click?.trackingId ?? null,
        sessionId: body.sessionId ?? null,
        type: body.type,
        valueMicros,
        currency: body.currency ?? null,
        orderId: body.orderId ?? null,
        eventId: body.eventId ?? null,
        source: body.source,
        attributedBy: by,
        ...visitor,
        utmSource: click?.utmSource ?? null,
        utmMedium: click?.utmMedium ?? null,
        utmCampaign: click?.utmCampaign ?? null,
        utmContent: click?.utmContent ?? null,
        utmTerm: click?.utmTerm ?? null,
        fbclid: click?.fbclid ?? null,
        gclid: click?.gclid ?? null,
        msclkid: click?.msclkid ?? null,
        occurredAt,
      },
      (tx, stored, sign) => this.credit(tx, stored, sign, account.timezone),
    );
    return { id: String(row.id), duplicate, attributedBy: row.attributedBy as AttributedBy, campaignId: row.campaignId };
  }

  /**
   * The campaign day (account time zone) of an attributed conversion counts it, and so does its creative's day
   * when the click came through a link to one ad; revenue only in the campaign's currency (never converted).
   */
  private async credit(tx: Prisma.TransactionClient, row: ConversionEvent, sign: 1 | -1, timezone: string): Promise<void> {
    if (!row.campaignId) return;
    const campaign = await this.tracking.campaignCurrency(row.campaignId);
    if (!campaign) return;
    const revenue = BigInt(sign) * (!row.currency || row.currency === campaign.currency ? row.valueMicros : 0n);
    const day = todayIn(timezone, row.occurredAt);
    await this.tracking.creditDay(tx, 'campaign', row.campaignId, day, sign, revenue);
    if (row.creativeId) await this.tracking.creditDay(tx, 'creative', row.creativeId, day, sign, revenue);
  }

  private async attribute(body: RecordConversion, at: Date): Promise<{ click: Click | null; by: AttributedBy }> {
    const from = new Date(at.getTime() - this.config.ATTRIBUTION_WINDOW_DAYS * 86_400_000);
    if (body.clickId) {
      const click = await this.tracking.clickById(body.clickId, from, at);
      if (click) return { click, by: 'click_id' };
    }
    if (body.trackingId) {
      const click = await this.tracking.lastClickOf(body.trackingId, from, at);
      if (click) return { click, by: 'tracking_id' };
    }
    if (body.sessionId) {
      const session = await this.nats.call(Rpc.traffic.sessionsGet, { sessionId: body.sessionId }).catch((error: unknown) => {
        this.logger.debug(`traffic-logger.sessions.get gave no answer: ${(error as Error).message}`);
        return null;
      });
      if (session?.found) {
        const click =
          (session.clickId ? await this.tracking.clickById(session.clickId, from, at) : null) ??
          (session.trackingId ? await this.tracking.lastClickOf(session.trackingId, from, at) : null);
        if (click) return { click, by: 'session' };
      }
    }
    return { click: null, by: 'none' };
  }
}
