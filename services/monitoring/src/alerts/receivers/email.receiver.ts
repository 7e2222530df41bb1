import { z } from 'zod';
import { alertLines, type EmailReceiverKind, type Notification, notificationTitle, type OutgoingEmail } from './receiver';

export const EmailConfigSchema = z.object({
  host: z.string().min(1),
  port: z.number().int(),
  secure: z.boolean(),
  username: z.string().optional(),
  password: z.string().optional(),
  from: z.string(),
  to: z.array(z.string()).min(1),
});
export type EmailConfig = z.infer<typeof EmailConfigSchema>;

/** Email over the receiver's own SMTP server (sent by SmtpSender with nodemailer; Message-ID from the key). */
export const emailReceiver: EmailReceiverKind<EmailConfig> = {
  transport: 'smtp',
  parseConfig: (config) => EmailConfigSchema.parse(config),
  render(notification: Notification): OutgoingEmail {
    const lines = alertLines(notification, 100);
    const labels = Object.entries(notification.group.labels).map(([key, value]) => `${key}=${value}`);
    return {
      subject: notificationTitle(notification),
      text: [...lines, '', `Group: ${labels.join(', ')}`, `Idempotency-Key: ${notification.idempotencyKey}`].join('\n'),
    };
  },
};
