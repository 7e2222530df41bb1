import { discordReceiver } from './discord.receiver';
import { emailReceiver } from './email.receiver';
import type { Notification } from './receiver';
import { slackReceiver } from './slack.receiver';
import { teamsReceiver } from './teams.receiver';
import { webhookReceiver, webhookSignature } from './webhook.receiver';

const alert = (index: number, status: 'firing' | 'resolved' = 'firing') => ({
  id: `a${index}`,
  rule: 'disk',
  fingerprint: `f${index}`,
  severity: 'critical',
  message: `disk ${index} full`,
  labels: { alertname: 'disk', host: 'h1' },
  value: 99,
  status,
  startsAt: '2026-12-01T00:00:00.000Z',
  endsAt: null,
});
const notification: Notification = { idempotencyKey: 'k'.repeat(64), transition: 'firing', group: { key: 'g', labels: { alertname: 'disk', host: 'h1' } }, alerts: [alert(1), alert(2, 'resolved')] };
const now = new Date('2026-12-01T00:00:10Z');

describe('receivers', () => {
  it('webhook: versioned JSON, Idempotency-Key and an HMAC signature over "<t>.<body>"', () => {
    const request = webhookReceiver.render(notification, { url: 'https://hooks.example/x', secret: 'sixteen-chars-secret' }, now);
    expect(JSON.parse(request.body)).toEqual({ version: 1, idempotencyKey: notification.idempotencyKey, transition: 'firing', group: notification.group, alerts: notification.alerts });
    expect(request.headers['idempotency-key']).toBe(notification.idempotencyKey);
    expect(request.headers['castline-signature']).toBe(webhookSignature('sixteen-chars-secret', 1_796_083_210, request.body));
    expect(webhookReceiver.render(notification, { url: 'https://hooks.example/x' }, now).headers['castline-signature']).toBeUndefined();
  });

  it('slack, discord and teams render a title and one line per alert', () => {
    expect(JSON.parse(slackReceiver.render(notification, { url: 'https://s' }, now).body).text).toBe(
      ':red_circle: *[FIRING:1] disk (host=h1)*\n• [critical] disk 1 full\n• [critical] ~disk 2 full~',
    );
    const discord = JSON.parse(discordReceiver.render(notification, { url: 'https://d' }, now).body);
    expect(discord.embeds[0]).toMatchObject({ title: '[FIRING:1] disk (host=h1)', description: '[critical] disk 1 full\n[critical] disk 2 full (resolved)', color: 0xd93f0b });
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    const teams = JSON.parse(teamsReceiver.render(notification, { url: 'https://t' }, now).body);
    expect(teams.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(teams.attachments[0].content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(teams.attachments[0].content.body.map((block: { text: string }) => block.text)).toEqual(['[FIRING:1] disk (host=h1)', '[critical] disk 1 full', '[critical] disk 2 full (resolved)']);
  });

  it('slack shows 10 alerts and counts the rest', () => {
    const many = { ...notification, alerts: Array.from({ length: 12 }, (_, index) => alert(index)) };
    const text: string = JSON.parse(slackReceiver.render(many, { url: 'https://s' }, now).body).text;
    expect(text.split('\n')).toHaveLength(12);
    expect(text.endsWith('…and 2 more')).toBe(true);
  });

  it('email: subject is the title, the body lists the alerts and the key', () => {
    const mail = emailReceiver.render(notification, { host: 'smtp', port: 587, secure: false, from: 'a@b.c', to: ['d@e.f'] });
    expect(mail.subject).toBe('[FIRING:1] disk (host=h1)');
    expect(mail.text).toContain(`Idempotency-Key: ${notification.idempotencyKey}`);
  });
});
