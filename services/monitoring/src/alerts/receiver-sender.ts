import { Injectable } from '@nestjs/common';
import { createTransport } from 'nodemailer';
import { GuardedHttp, TargetForbiddenError } from '../checks/guarded-http';
import type { EmailConfig } from './receivers/email.receiver';
import { type Notification, RECEIVER_KINDS } from './receivers';

const REPLY_BYTES = 1024;
const HTTP_TIMEOUT_MS = 10_000;
const SMTP_TIMEOUT_MS = 15_000;
/** Statuses worth another try: the receiver may answer later. Other 4xx fail at once. */
const RETRIED = new Set([408, 425, 429]);

/** One attempt's outcome, logged in alert_delivery_attempts and shown by "Send test". */
export interface AttemptResult {
  ok: boolean;
  /** A later attempt may succeed (network, 408/425/429/5xx, SMTP 4xx). */
  retryable: boolean;
  statusCode: number | null;
  reply: string | null;
  latencyMs: number;
  error: string | null;
  retryAfterMs?: number;
}

/** Retry-After as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Sends one notification to one receiver (HTTP kinds through the SSRF guard, email over the receiver's SMTP server). */
@Injectable()
export class ReceiverSender {
  constructor(private readonly http: GuardedHttp) {}

  async send(kindName: string, rawConfig: unknown, notification: Notification): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const kind = RECEIVER_KINDS[kindName];
    if (!kind) return { ok: false, retryable: false, statusCode: null, reply: null, latencyMs: 0, error: `unknown receiver kind ${kindName}` };
    if (kind.transport === 'smtp') return this.sendEmail(kind.parseConfig(rawConfig) as EmailConfig, kind.render(notification, kind.parseConfig(rawConfig)), notification, elapsed);
    const config = kind.parseConfig(rawConfig);
    const request = kind.render(notification, config, new Date());
    try {
      const response = await this.http.request({ url: request.url, method: 'POST', headers: request.headers, body: request.body, timeoutMs: HTTP_TIMEOUT_MS, maxBodyBytes: REPLY_BYTES });
      const status = response.status;
      const ok = status >= 200 && status < 300;
      return {
        ok,
        retryable: !ok && (RETRIED.has(status) || status >= 500),
        statusCode: status,
        reply: response.body,
        latencyMs: elapsed(),
        error: ok ? null : `status ${status}`,
        retryAfterMs: parseRetryAfter(response.headers['retry-after']),
      };
    } catch (error) {
      return { ok: false, retryable: !(error instanceof TargetForbiddenError), statusCode: null, reply: null, latencyMs: elapsed(), error: describe(error) };
    }
  }

  private async sendEmail(config: EmailConfig, email: { subject: string; text: string }, notification: Notification, elapsed: () => number): Promise<AttemptResult> {
    let address: string;
    try {
      address = await this.http.approveHost(config.host, 'smtp');
    } catch (error) {
      return { ok: false, retryable: !(error instanceof TargetForbiddenError), statusCode: null, reply: null, latencyMs: elapsed(), error: describe(error) };
    }
    // The approved address, with the name kept for TLS (SNI and certificate check).
    const transport = createTransport({
      host: address,
      port: config.port,
      secure: config.secure,
      auth: config.username ? { user: config.username, pass: config.password ?? '' } : undefined,
      tls: { servername: config.host },
      connectionTimeout: SMTP_TIMEOUT_MS,
      greetingTimeout: SMTP_TIMEOUT_MS,
      socketTimeout: SMTP_TIMEOUT_MS,
    });
    try {
      const info = await transport.sendMail({
        from: config.from,
        to: config.to,
        subject: email.subject,
        text: email.text,
        messageId: `<${notification.idempotencyKey}@castline.alerts>`,
        headers: { 'Idempotency-Key': notification.idempotencyKey },
      });
      const reply = String(info.response ?? '');
      return { ok: true, retryable: false, statusCode: Number(reply.slice(0, 3)) || 250, reply: reply.slice(0, REPLY_BYTES), latencyMs: elapsed(), error: null };
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      const reply = (error as { response?: string }).response;
      return {
        ok: false,
        // SMTP 4xx is temporary; 5xx is final; no code is a connection problem.
        retryable: code === undefined || (code >= 400 && code < 500),
        statusCode: code ?? null,
        reply: reply ? reply.slice(0, REPLY_BYTES) : null,
        latencyMs: elapsed(),
        error: describe(error),
      };
    } finally {
      transport.close();
    }
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  const message = (error as Error).message ?? String(error);
  return cause?.code ? `${message} (${cause.code})` : message;
}
