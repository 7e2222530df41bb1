import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { Notification, OutgoingRequest, HttpReceiverKind } from './receiver';

export const WebhookConfigSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  /** Signs each body: header `Castline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
  secret: z.string().min(16).optional(),
});
export type WebhookConfig = z.infer<typeof WebhookConfigSchema>;

/** Custom JSON, schema version 1. */
export const WEBHOOK_SCHEMA_VERSION = 1;

/** The signature header value of a body (receivers recompute it; reject when `t` is older than 5 minutes). */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Custom JSON webhook: `{ version, idempotencyKey, transition, group, alerts }`, with `Idempotency-Key` (receivers
 * dedup by it: delivery is at least once) and, with a secret, `Castline-Signature`.
 */
export const webhookReceiver: HttpReceiverKind<WebhookConfig> = {
  transport: 'http',
  parseConfig: (config) => WebhookConfigSchema.parse(config),
  render(notification: Notification, config: WebhookConfig, now: Date): OutgoingRequest {
    const body = JSON.stringify({
      version: WEBHOOK_SCHEMA_VERSION,
      idempotencyKey: notification.idempotencyKey,
      transition: notification.transition,
      group: notification.group,
      alerts: notification.alerts,
    });
    const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': notification.idempotencyKey };
    if (config.secret) headers['castline-signature'] = webhookSignature(config.secret, Math.floor(now.getTime() / 1000), body);
    return { url: config.url, headers, body };
  },
};
