import { z } from 'zod';
import { alertLines, type HttpReceiverKind, type Notification, notificationTitle, type OutgoingRequest } from './receiver';

export const TeamsConfigSchema = z.object({ url: z.url({ protocol: /^https?$/ }) });
export type TeamsConfig = z.infer<typeof TeamsConfigSchema>;

/** Microsoft Teams through a Workflows webhook: an Adaptive Card (1.4) in a message attachment. */
export const teamsReceiver: HttpReceiverKind<TeamsConfig> = {
  transport: 'http',
  parseConfig: (config) => TeamsConfigSchema.parse(config),
  render(notification: Notification, config: TeamsConfig): OutgoingRequest {
    const card = {
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      type: 'AdaptiveCard',
      version: '1.4',
      body: [
        { type: 'TextBlock', size: 'Medium', weight: 'Bolder', wrap: true, text: notificationTitle(notification), color: notification.transition === 'resolved' ? 'Good' : 'Attention' },
        ...alertLines(notification, 20).map((text) => ({ type: 'TextBlock', wrap: true, spacing: 'Small', text })),
      ],
    };
    return {
      url: config.url,
      headers: { 'content-type': 'application/json', 'idempotency-key': notification.idempotencyKey },
      body: JSON.stringify({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] }),
    };
  },
};
