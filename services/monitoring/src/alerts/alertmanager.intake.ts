import { Injectable } from '@nestjs/common';
import type { AlertmanagerWebhook } from '@castline/contracts';
import { PrismaService } from '@castline/platform';
import { AlertEvaluator } from './evaluator.service';
import { sanitizeLabels } from './rule-sources';

const KEEP_RESOLVED_MS = 7 * 86_400_000;
/** Alertmanager's "no end": Go's zero time. */
const endOf = (endsAt: string | undefined) => {
  if (!endsAt || endsAt.startsWith('0001-')) return null;
  const at = new Date(endsAt);
  return Number.isNaN(at.getTime()) ? null : at;
};

/**
 * POST /api/v1/alerts/alertmanager: each alert is upserted by its Alertmanager fingerprint (a re-sent alert
 * changes nothing), then the evaluator runs soon. The `alertmanager` rules turn the firing ones into series, so
 * they go through `for`, grouping, silences, receivers and resolution like every other alert.
 */
@Injectable()
export class AlertmanagerIntake {
  constructor(
    private readonly prisma: PrismaService,
    private readonly evaluator: AlertEvaluator,
  ) {}

  async receive(payload: AlertmanagerWebhook, now = new Date()): Promise<{ firing: number; resolved: number }> {
    let firing = 0;
    await this.prisma.$transaction(async (tx) => {
      for (const alert of payload.alerts) {
        if (alert.status === 'firing') firing += 1;
        const data = {
          status: alert.status,
          labels: sanitizeLabels(alert.labels),
          annotations: alert.annotations,
          startsAt: new Date(alert.startsAt),
          endsAt: alert.status === 'resolved' ? (endOf(alert.endsAt) ?? now) : endOf(alert.endsAt),
          receivedAt: now,
        };
        await tx.externalAlert.upsert({ where: { fingerprint: alert.fingerprint }, create: { fingerprint: alert.fingerprint, ...data }, update: data });
      }
      await tx.externalAlert.deleteMany({ where: { status: 'resolved', receivedAt: { lt: new Date(now.getTime() - KEEP_RESOLVED_MS) } } });
    });
    this.evaluator.nudge();
    return { firing, resolved: payload.alerts.length - firing };
  }
}
