import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppError } from '@castline/platform';
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { Authenticator, type Credential, credentialFromHeaders } from '../auth/authenticator';
import { type Principal, principalHas } from '../auth/principal';
import { LiveFeed, type LiveEndReason } from './live-feed';
import { ChannelSelection, ChannelSelectorSchema, type PushKind, PushQueue } from './push-queue';

export const METRICS_SOCKET_PATH = '/api/v1/ws/metrics';
/** Browsers cannot set headers on a WebSocket: they offer the subprotocols ["bearer", "<token>"] instead. */
export const BEARER_SUBPROTOCOL = 'bearer';
/** Close codes a dashboard can act on (4000-4999 are the application's): sign in again, or give up. */
export const SocketCloseCodes = { unauthenticated: 4401, forbidden: 4403, tooSlow: 4408 } as const;
/** How an admitted connection is closed when the gateway ends it: its credential stopped being valid (4401), or shutdown. */
const END_CLOSES: Record<LiveEndReason, [code: number, reason: string]> = {
  expired: [SocketCloseCodes.unauthenticated, 'credential expired'],
  revoked: [SocketCloseCodes.unauthenticated, 'credential revoked'],
  shutdown: [1001, 'server shutting down'],
};

const PING_INTERVAL_MS = 30_000;
/** Above this much unsent data the socket's frames wait in its PushQueue. */
const SOCKET_HIGH_WATER_BYTES = 256 * 1024;
/** Client messages are subscription lists; nothing legitimate comes close. */
export const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;

const ClientMessageSchema = z.strictObject({
  subscribe: z.array(ChannelSelectorSchema).max(1_000).optional(),
  unsubscribe: z.array(ChannelSelectorSchema).max(1_000).optional(),
});

type Admission = { admitted: true; principal: Principal } | { admitted: false; code: number; reason: string };

/**
 * The credential of a WebSocket upgrade: the usual headers, the bearer subprotocol, or `?token=` (an access
 * token only: a URL ends up in access logs, and an API key there would outlive them).
 */
function socketCredential(request: FastifyRequest): Credential | undefined {
  const fromHeaders = credentialFromHeaders(request.headers);
  if (fromHeaders) return fromHeaders;
  const protocols = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((protocol) => protocol.trim());
  const bearerAt = protocols.indexOf(BEARER_SUBPROTOCOL);
  const fromProtocol = bearerAt >= 0 ? protocols[bearerAt + 1] : undefined;
  if (fromProtocol) return { value: fromProtocol, accept: 'any' };
  const query = request.query as { token?: unknown };
  if (typeof query.token === 'string' && query.token) return { value: query.token, accept: 'access-token' };
  return undefined;
}

/** Picks the bearer subprotocol (never the token) so browsers that offered one accept the handshake. */
export function selectSubprotocol(protocols: Set<string>): string | false {
  return protocols.has(BEARER_SUBPROTOCOL) ? BEARER_SUBPROTOCOL : false;
}

/**
 * WebSocket /api/v1/ws/metrics: a plain Fastify route (Nest's guard does not run on it), authenticated before
 * the upgrade with the same Authenticator, requiring channels:read as the guard would (principalHas: the role, and
 * an API key's subset). A refused client still gets the upgrade and then a 4401/4403 close, because browsers hide
 * the HTTP status of a failed handshake.
 */
export function registerMetricsSocket(app: NestFastifyApplication): void {
  const authenticator = app.get(Authenticator);
  const feed = app.get(LiveFeed);
  const admissions = new WeakMap<FastifyRequest, Admission>();

  app.getHttpAdapter().getInstance().route({
    method: 'GET',
    url: METRICS_SOCKET_PATH,
    handler: (_request, reply) => reply.code(426).send({ error: { code: 'UPGRADE_REQUIRED', message: 'Connect with a WebSocket' } }),
    preValidation: async (request) => {
      try {
        const principal = await authenticator.authenticate(socketCredential(request));
        admissions.set(
          request,
          principalHas(principal, 'channels:read') ? { admitted: true, principal } : { admitted: false, code: SocketCloseCodes.forbidden, reason: 'forbidden' },
        );
      } catch (error) {
        const reason = error instanceof AppError ? error.message : 'authentication failed';
        admissions.set(request, { admitted: false, code: SocketCloseCodes.unauthenticated, reason });
      }
    },
    wsHandler: (socket, request) => {
      const admission = admissions.get(request) ?? { admitted: false, code: SocketCloseCodes.unauthenticated, reason: 'not authenticated' };
      if (!admission.admitted) {
        socket.close(admission.code, admission.reason);
        return;
      }
      serveSocket(socket, feed, admission.principal);
    },
  });
}

function serveSocket(socket: WebSocket, feed: LiveFeed, principal: Principal): void {
  const selection = new ChannelSelection();
  const queue: PushQueue = new PushQueue(
    {
      ready: () => socket.readyState === socket.OPEN && socket.bufferedAmount < SOCKET_HIGH_WATER_BYTES,
      write: (kind: PushKind, dataJson: string) => socket.send(`{"type":"${kind}","data":${dataJson}}`, () => queue.flush()),
    },
    () => socket.close(SocketCloseCodes.tooSlow, 'client too slow'),
  );
  const remove = feed.add({
    selection,
    owner: { kind: principal.kind, id: principal.id },
    expiresAt: principal.expiresAt,
    may: (permission) => principalHas(principal, permission),
    push: (kind, dataJson) => queue.push(kind, dataJson),
    end: (reason) => socket.close(...END_CLOSES[reason]),
  });

  let alive = true;
  socket.on('pong', () => (alive = true));
  const pinger = setInterval(() => {
    if (!alive) {
      socket.terminate();
      return;
    }
    alive = false;
    socket.ping();
  }, PING_INTERVAL_MS);

  socket.on('message', (raw) => {
    let parsed;
    try {
      parsed = ClientMessageSchema.safeParse(JSON.parse(raw.toString()));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      socket.send(JSON.stringify({ type: 'error', message: 'expected {"subscribe":[channel ids or "*"]} or {"unsubscribe":[...]}' }));
      return;
    }
    selection.add(parsed.data.subscribe ?? []);
    selection.remove(parsed.data.unsubscribe ?? []);
    socket.send(JSON.stringify({ type: 'subscriptions', channels: selection.describe() }));
  });
  // ws closes the socket itself after an error (an oversized message, say); without a listener it would throw.
  socket.on('error', () => undefined);
  socket.on('close', () => {
    clearInterval(pinger);
    remove();
  });
}
