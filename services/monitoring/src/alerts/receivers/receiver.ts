/** One alert inside a notification. */
export interface AlertPayload {
  id: string;
  rule: string;
  fingerprint: string;
  severity: string;
  message: string;
  labels: Record<string, string>;
  value: number | null;
  status: 'firing' | 'resolved';
  startsAt: string;
  endsAt: string | null;
}

/**
 * What every receiver renders: one notification of a group (rule + group_by labels) carrying its alerts;
 * `flapping` / `stable` are the one-off notices of a series that started or stopped flapping.
 */
export interface Notification {
  idempotencyKey: string;
  transition: 'firing' | 'resolved' | 'flapping' | 'stable';
  group: { key: string; labels: Record<string, string> };
  alerts: AlertPayload[];
}

/** An HTTP request to send (through GuardedHttp). */
export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** An email to send. */
export interface OutgoingEmail {
  subject: string;
  text: string;
}

/** A receiver kind over HTTP: renders a notification into a request. */
export interface HttpReceiverKind<C> {
  transport: 'http';
  parseConfig(config: unknown): C;
  render(notification: Notification, config: C, now: Date): OutgoingRequest;
}

/** A receiver kind over SMTP: renders a notification into an email. */
export interface EmailReceiverKind<C> {
  transport: 'smtp';
  parseConfig(config: unknown): C;
  render(notification: Notification, config: C): OutgoingEmail;
}

export type ReceiverKind<C> = HttpReceiverKind<C> | EmailReceiverKind<C>;

/** One line per alert: "[severity] message (resolved)". */
export function alertLines(notification: Notification, limit: number): string[] {
  const lines = notification.alerts.slice(0, limit).map((alert) => `[${alert.severity}] ${alert.message}${alert.status === 'resolved' ? ' (resolved)' : ''}`);
  if (notification.alerts.length > limit) lines.push(`…and ${notification.alerts.length - limit} more`);
  return lines;
}

/** "[FIRING:3] name (labels)" as Alertmanager titles a group. */
export function notificationTitle(notification: Notification): string {
  const firing = notification.alerts.filter((alert) => alert.status === 'firing').length;
  const { alertname, ...rest } = notification.group.labels;
  const labels = Object.entries(rest).map(([key, value]) => `${key}=${value}`).join(', ');
  const head =
    notification.transition === 'flapping'
      ? 'FLAPPING'
      : notification.transition === 'stable'
        ? 'STABLE'
        : notification.transition === 'firing'
          ? `FIRING:${firing}`
          : 'RESOLVED';
  return `[${head}] ${alertname ?? 'alert'}${labels ? ` (${labels})` : ''}`;
}
