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

/** A receiver kind: checks its settings at save and renders a notification into a request. */
export interface ReceiverKind<C> {
  parseConfig(config: unknown): C;
  render(notification: Notification, config: C, now: Date): OutgoingRequest;
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
