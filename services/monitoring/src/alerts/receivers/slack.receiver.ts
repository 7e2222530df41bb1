import { z } from 'zod';
import { type Notification, notificationTitle, type OutgoingRequest, type HttpReceiverKind } from './receiver';

export const SlackConfigSchema = z.object({
  /** An incoming-webhook URL (https://hooks.slack.com/services/...). */
  url: z.url({ protocol: /^https?$/ }),
});
export type SlackConfig = z.infer<typeof SlackConfigSchema>;

const ICON = { firing: ':red_circle:', resolved: ':large_green_circle:', flapping: ':warning:', stable: ':large_blue_circle:' } as const;
const SHOWN = 10;

/** Slack incoming webhook: one mrkdwn message per notification, its alerts one line each (10 shown). */
export const slackReceiver: HttpReceiverKind<SlackConfig> = {
  transport: 'http',
  parseConfig: (config) => SlackConfigSchema.parse(config),
  render(notification: Notification, config: SlackConfig): OutgoingRequest {
    const lines = notification.alerts.slice(0, SHOWN).map((alert) => `• [${alert.severity}] ${alert.status === 'resolved' ? '~' : ''}${alert.message}${alert.status === 'resolved' ? '~' : ''}`);
    if (notification.alerts.length > SHOWN) lines.push(`…and ${notification.alerts.length - SHOWN} more`);
    const text = [`${ICON[notification.transition]} *${notificationTitle(notification)}*`, ...lines].join('\n');
    return { url: config.url, headers: { 'content-type': 'application/json', 'idempotency-key': notification.idempotencyKey }, body: JSON.stringify({ text }) };
  },
};
