import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ChannelEventMessageSchema, ChannelMetricsSchema, Subjects } from '@castline/contracts';
import { type BaseConfig, CONFIG } from '@castline/platform';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import type { ChannelSelection, PushKind } from './push-queue';

/** Whose credential a live connection was opened with. */
const CredentialOwnerSchema = z.object({ kind: z.enum(['user', 'api-key']), id: z.string().min(1) });
export type CredentialOwner = z.infer<typeof CredentialOwnerSchema>;

/** Why the gateway ends a live connection. */
export type LiveEndReason = 'shutdown' | 'revoked' | 'expired';

/** setTimeout fires at once for delays above 2^31-1 ms (24.8 days): longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `expire` when the credential expires (never for null); returns the function that cancels it. */
export function onCredentialExpiry(expiresAt: Date | null, expire: () => void): () => void {
  if (!expiresAt) return () => undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    const remaining = expiresAt.getTime() - Date.now();
    if (remaining <= 0) expire();
    else timer = setTimeout(arm, Math.min(remaining, MAX_TIMER_MS));
  };
  arm();
  return () => clearTimeout(timer);
}

/** One connected dashboard (WebSocket or SSE). */
export interface LiveClient {
  readonly selection: ChannelSelection;
  readonly owner: CredentialOwner;
  /** When the credential it was opened with stops being accepted (null: never). */
  readonly expiresAt: Date | null;
  push(kind: PushKind, dataJson: string): void;
  end(reason: LiveEndReason): void;
}

/** The message's JSON checked against the schema; undefined when it is not JSON or does not match. */
function parseMessage<T>(schema: z.ZodType<T>, message: Msg): T | undefined {
  try {
    const parsed = schema.safeParse(message.json());
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The gateway's one subscription to `channels.metrics` and `channels.events` (its own NATS connection, no
 * queue group: every gateway replica serves its own clients), fanned out to the clients that follow the channel.
 * Each message is validated and serialized once, whatever the number of clients.
 *
 * Live connections are authenticated once, when they open. So that one does not outlive its credential, it is
 * ended when the credential expires (by its own timer) and when it is revoked: `revoke` tells every replica
 * over `gateway.credentials.revoked`.
 */
@Injectable()
export class LiveFeed implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LiveFeed.name);
  private readonly clients = new Set<LiveClient>();
  private readonly revokedListeners: Array<(owner: CredentialOwner) => void> = [];
  private connection: NatsConnection | undefined;

  constructor(@Inject(CONFIG) private readonly config: BaseConfig) {}

  async onModuleInit(): Promise<void> {
    this.connection = await connect({ servers: this.config.NATS_URL, name: `gateway-live-${process.pid}` });
    this.relay(Subjects.channelsMetrics, ChannelMetricsSchema, 'metrics');
    this.relay(Subjects.channelsEvents, ChannelEventMessageSchema, 'event');
    this.connection.subscribe(Subjects.gatewayCredentialsRevoked, {
      callback: (error, message) => {
        const owner = error ? undefined : parseMessage(CredentialOwnerSchema, message);
        if (!owner) return;
        for (const listener of this.revokedListeners) listener(owner);
        this.endConnectionsOf(owner);
      },
    });
    // Revocations published right after this resolves must not be missed.
    await this.connection.flush();
  }

  async onModuleDestroy(): Promise<void> {
    for (const client of this.clients) client.end('shutdown');
    this.clients.clear();
    await this.connection?.drain();
  }

  /** Calls the listener for every revocation any replica announces (TokenVersions forgets the user's version). */
  onRevoked(listener: (owner: CredentialOwner) => void): void {
    this.revokedListeners.push(listener);
  }

  /** Returns the function that removes the client again. The client is ended when its credential expires. */
  add(client: LiveClient): () => void {
    this.clients.add(client);
    const cancelExpiry = onCredentialExpiry(client.expiresAt, () => {
      if (this.clients.delete(client)) client.end('expired');
    });
    return () => {
      cancelExpiry();
      this.clients.delete(client);
    };
  }

  /**
   * Ends the live connections opened with this owner's credentials, on every gateway replica. Resolves once
   * the NATS server has the message (this replica's own connections end when it comes back).
   */
  async revoke(owner: CredentialOwner): Promise<void> {
    this.connection!.publish(Subjects.gatewayCredentialsRevoked, JSON.stringify(owner));
    await this.connection!.flush();
  }

  private endConnectionsOf(owner: CredentialOwner): void {
    for (const client of this.clients) {
      if (client.owner.kind === owner.kind && client.owner.id === owner.id) {
        this.clients.delete(client);
        client.end('revoked');
      }
    }
  }

  private relay(subject: string, schema: z.ZodType<{ channelId: string }>, kind: PushKind): void {
    this.connection!.subscribe(subject, {
      callback: (error, message) => {
        if (error || this.clients.size === 0) return;
        const data = parseMessage(schema, message);
        if (!data) {
          this.logger.warn(`ignored a malformed ${subject} message`);
          return;
        }
        const dataJson = JSON.stringify(data);
        for (const client of this.clients) {
          if (client.selection.includes(data.channelId)) client.push(kind, dataJson);
        }
      },
    });
  }
}
