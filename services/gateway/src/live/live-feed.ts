import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type CredentialOwner, type EventContract, Events, type Permission } from '@castline/contracts';
import { EventBus } from '@castline/platform';
import type { ChannelSelection, PushKind } from './push-queue';

export type { CredentialOwner };

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
  /** Whether the credential holds a permission (frames of some kinds need one). */
  may(permission: Permission): boolean;
  push(kind: PushKind, dataJson: string): void;
  end(reason: LiveEndReason): void;
}

/**
 * The gateway's one subscription to `channels.metrics` and `channels.events` (on the event bus, no queue group:
 * every gateway replica serves its own clients), fanned out to the clients that follow the channel. Each message
 * is validated (by the bus) and serialized once, whatever the number of clients.
 *
 * Live connections are authenticated once, when they open. So that one does not outlive its credential, it is
 * ended when the credential expires (by its own timer) and when it is revoked: `revoke` tells every replica
 * over `gateway.credentials.revoked`.
 */
@Injectable()
export class LiveFeed implements OnModuleInit, OnModuleDestroy {
  private readonly clients = new Set<LiveClient>();
  private readonly unsubscribes: Array<() => void> = [];
  private readonly revokedListeners: Array<(owner: CredentialOwner) => void> = [];

  constructor(private readonly bus: EventBus) {}

  async onModuleInit(): Promise<void> {
    this.relay(Events.channelMetrics, 'metrics');
    this.relay(Events.channelEvents, 'event');
    // Dashboard notifications (the bell) go to every client: each dashboard shows its own user's unread count.
    this.broadcast(Events.notifications, 'notification');
    // Ad account paused / failing / synced (campaigns:read is every role's): toasts and the accounts list.
    this.broadcast(Events.campaignEvents, 'campaign');
    // A video's transcode progress and status (media:read is every role's): the /media grid's overlays.
    this.broadcast(Events.mediaVideoProgress, 'media');
    // Backup, verify and restore progress (admins: backups:read): /settings/backups updates live.
    this.broadcast(Events.backupProgress, 'backup', 'backups:read');
    // Live-channel viewers and egress per access log (traffic-logger, every 5 s), for the channel cards.
    this.broadcast(Events.trafficViewers, 'viewers', 'channels:read');
    this.unsubscribes.push(
      this.bus.subscribe(Events.credentialsRevoked, (owner) => {
        for (const listener of this.revokedListeners) listener(owner);
        this.endConnectionsOf(owner);
      }),
    );
    // Revocations published right after this resolves must not be missed.
    await this.bus.flush();
  }

  onModuleDestroy(): void {
    for (const client of this.clients) client.end('shutdown');
    this.clients.clear();
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
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
    this.bus.publish(Events.credentialsRevoked, owner);
    await this.bus.flush();
  }

  private endConnectionsOf(owner: CredentialOwner): void {
    for (const client of this.clients) {
      if (client.owner.kind === owner.kind && client.owner.id === owner.id) {
        this.clients.delete(client);
        client.end('revoked');
      }
    }
  }

  /** Every message of `event` to every client (with `permission`, to those holding it), whatever channels it follows. */
  private broadcast(event: EventContract, kind: PushKind, permission?: Permission): void {
    this.unsubscribes.push(
      this.bus.subscribe(event, (data) => {
        if (this.clients.size === 0) return;
        const dataJson = JSON.stringify(data);
        for (const client of this.clients) if (!permission || client.may(permission)) client.push(kind, dataJson);
      }),
    );
  }

  private relay(event: EventContract<typeof Events.channelMetrics.schema> | EventContract<typeof Events.channelEvents.schema>, kind: PushKind): void {
    this.unsubscribes.push(
      this.bus.subscribe(event, (data: { channelId: string }) => {
        if (this.clients.size === 0) return;
        const dataJson = JSON.stringify(data);
        for (const client of this.clients) {
          if (client.selection.includes(data.channelId)) client.push(kind, dataJson);
        }
      }),
    );
  }
}
