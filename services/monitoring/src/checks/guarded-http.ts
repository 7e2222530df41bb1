import type { LookupFunction } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { type HostCheck, NetworkGuard } from '@castline/platform';
import { Agent, buildConnector, request } from 'undici';

/** A target the SSRF guard refuses (code TARGET_FORBIDDEN at save, a failed run or attempt afterwards). */
export class TargetForbiddenError extends Error {
  constructor(readonly check: Extract<HostCheck, { ok: false }>) {
    super(check.reason);
  }
}

export interface GuardedRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Redirects followed (each hop checked by the guard again); 0 answers the 3xx itself. */
  maxRedirects?: number;
  /** The reply body is read up to this many bytes (the rest is dropped). */
  maxBodyBytes?: number;
}

export interface GuardedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  responseTimeMs: number;
  /** The server certificate's expiry, for https. */
  certExpiresAt: Date | null;
  url: string;
}

/** A resolver that answers one address, whatever is asked: the connection goes where the guard looked. */
export function pinnedLookup(address: string): LookupFunction {
  const family = address.includes(':') ? 6 : 4;
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as unknown as LookupFunction;
}

/**
 * Outgoing HTTP(S) for checks and webhooks, safe from server-side request forgery: the host is resolved once
 * by the NetworkGuard (ALERTS_ALLOWED_TARGETS), the connection is made to the address it approved (an undici
 * dispatcher with a pinned lookup; Host header and TLS SNI keep the name), and every redirect hop is checked
 * the same way. A resolver that answers an allowed address and then a refused one never gets the second used.
 */
export class GuardedHttp {
  constructor(readonly guard: NetworkGuard) {}

  /** Checks a URL's scheme and host; the address to connect to, or TargetForbiddenError. */
  async approve(url: URL): Promise<string> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TargetForbiddenError({ ok: false, code: 'TARGET_FORBIDDEN', reason: `${url.protocol} is not http: or https:` });
    }
    return this.approveHost(url.hostname, url.protocol.slice(0, -1));
  }

  /** Resolves a host once through the guard: the address to connect to, or TargetForbiddenError. */
  async approveHost(host: string, label: string): Promise<string> {
    const checked = await this.guard.checkHost(host, label);
    if (!checked.ok) throw new TargetForbiddenError(checked);
    return checked.addresses[0] as string;
  }

  /**
   * One request, following up to `maxRedirects` redirects. `guarded: false` only for the platform's own
   * configured endpoints (nginx's /nginx-health from NGINX_HEALTH_URL), never for what an operator typed.
   */
  async request(options: GuardedRequest, guarded = true): Promise<GuardedResponse> {
    const started = performance.now();
    const signal = AbortSignal.timeout(options.timeoutMs);
    let url = new URL(options.url);
    let method = options.method ?? 'GET';
    let body = options.body;
    const maxRedirects = options.maxRedirects ?? 0;
    for (let hop = 0; ; hop += 1) {
      const address = guarded ? await this.approve(url) : undefined;
      let certExpiresAt: Date | null = null;
      const base = buildConnector({ ...(address ? { lookup: pinnedLookup(address) } : {}), timeout: options.timeoutMs });
      const agent = new Agent({
        connect: (connectOptions, callback) =>
          base(connectOptions, (error, socket) => {
            if (socket && 'getPeerCertificate' in socket) {
              const validTo = (socket as TLSSocket).getPeerCertificate()?.valid_to;
              if (validTo) certExpiresAt = new Date(validTo);
            }
            callback(error as Error, socket as never);
          }),
      });
      try {
        const response = await request(url, { method: method as never, headers: options.headers, body, signal, dispatcher: agent });
        const location = response.headers.location;
        if (response.statusCode >= 300 && response.statusCode < 400 && typeof location === 'string' && hop < maxRedirects) {
          await response.body.dump();
          url = new URL(location, url);
          if (response.statusCode === 303 || ((response.statusCode === 301 || response.statusCode === 302) && method === 'POST')) {
            method = 'GET';
            body = undefined;
          }
          continue;
        }
        const text = await readLimited(response.body, options.maxBodyBytes ?? 1_048_576);
        return {
          status: response.statusCode,
          headers: response.headers,
          body: text,
          responseTimeMs: Math.round(performance.now() - started),
          certExpiresAt,
          url: url.toString(),
        };
      } finally {
        void agent.close();
      }
    }
  }
}

async function readLimited(stream: AsyncIterable<Buffer> & { destroy(): void }, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) {
      stream.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}
