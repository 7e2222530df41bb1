import { z } from 'zod';
import type { Notification, OutgoingRequest, ReceiverKind } from './receiver';

export const SlackConfigSchema = z.object({
  /** An incoming-webhook URL (https://hooks.slack.com/services/...). */
  url: z.url({ protocol: /^https?$/ }),
});
export type SlackConfig = z.infer<typeof SlackConfigSchema>;

const ICON = { firing: ':red_circle:', resolved: ':large_green_circle:' } as const;

/** Slack incoming webhook: one mrkdwn message per transition. */
export const slackReceiver: ReceiverKind<SlackConfig> = {
  parseConfig: (config) => SlackConfigSchema.parse(config),
  render(notification: Notification, config: SlackConfig): OutgoingRequest {
    const { alert, transition } = notification;
    const labels = Object.entries(alert.labels).map(([key, value]) => `${key}=${value}`).join(', ');
    const text = `${ICON[transition]} *${transition === 'firing' ? 'FIRING' : 'RESOLVED'}* [${alert.severity}] ${alert.message}${labels ? `\n${labels}` : ''}`;
    return { url: config.url, headers: { 'content-type': 'application/json', 'idempotency-key': notification.idempotencyKey }, body: JSON.stringify({ text }) };
  },
};
