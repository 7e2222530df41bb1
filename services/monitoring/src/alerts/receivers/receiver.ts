/** What every receiver renders: one alert transition. */
export interface Notification {
  idempotencyKey: string;
  transition: 'firing' | 'resolved';
  alert: {
    id: string;
    rule: string;
    fingerprint: string;
    severity: string;
    message: string;
    labels: Record<string, string>;
    startsAt: string;
    endsAt: string | null;
  };
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
