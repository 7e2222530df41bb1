import { z } from 'zod';
import { alertLines, type HttpReceiverKind, type Notification, notificationTitle, type OutgoingRequest } from './receiver';

export const DiscordConfigSchema = z.object({ url: z.url({ protocol: /^https?$/ }) });
export type DiscordConfig = z.infer<typeof DiscordConfigSchema>;

const COLOUR = { firing: 0xd93f0b, resolved: 0x2da44e, flapping: 0xbf8700, stable: 0x0969da } as const;

/** Discord webhook: one embed per notification (title, one line per alert, colour by transition). */
export const discordReceiver: HttpReceiverKind<DiscordConfig> = {
  transport: 'http',
  parseConfig: (config) => DiscordConfigSchema.parse(config),
  render(notification: Notification, config: DiscordConfig): OutgoingRequest {
    const embed = {
      title: notificationTitle(notification).slice(0, 256),
      description: alertLines(notification, 20).join('\n').slice(0, 4_000),
      color: COLOUR[notification.transition],
      footer: { text: `key ${notification.idempotencyKey.slice(0, 16)}` },
    };
    return {
      url: config.url,
      headers: { 'content-type': 'application/json', 'idempotency-key': notification.idempotencyKey },
      body: JSON.stringify({ username: 'Castline', embeds: [embed], allowed_mentions: { parse: [] } }),
    };
  },
};
