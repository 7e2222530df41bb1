import { type ChannelEventMessage, Events } from '@castline/contracts';
import { type ChannelStatus, type DesiredState, Prisma, type PrismaClient } from '@castline/db';
import type { EventBus } from '@castline/platform';
import type { ChannelWithSources } from '../channels/channels.repository';

export interface ChannelEventInput {
  /**
   * 'state' for a status change, 'restart', 'error'; the supervisor's 'failover', 'failback', 'stall', 'waiting',
   * 'cooldown'; the reconciler's 'reconcile'.
   */
  type: 'state' | 'restart' | 'error' | 'failover' | 'failback' | 'stall' | 'waiting' | 'cooldown' | 'reconcile';
  message: string;
  category?: string;
  details?: Record<string, string | number | null>;
}

export interface ChannelStateChange {
  status?: ChannelStatus;
  desiredState?: DesiredState;
  lastError?: string | null;
  startedAt?: Date | null;
  /** Plain words for the status ("No data from udp port 5999 for 10 s; trying again in 19 s"); null clears it. */
  statusDetail?: string | null;
}

/** Only write when the channel's desired state is still this (a stop that an operator's start overtook is no stop). */
export interface ChannelStateGuard {
  desiredState?: DesiredState;
}

/** Where `channels.events` go: the process's event bus (the service's or a worker's). */
export type ChannelEventPublisher = Pick<EventBus, 'publish'>;

const WRITE_ATTEMPTS = 4;
const RETRY_DELAY_MS = 250;

/**
 * The one path for a channel's status change (the service and the workers both use it): the channels row and
 * its channel_events row in ONE short SQL statement (a data-modifying CTE, atomic without an interactive
 * transaction, so a slow database under load never leaves a transaction open across other work), retried a
 * few times, then announced on `channels.events` for live dashboards. `status_since` moves only when the
 * status really changes. Returns the event's time and the row's status, or null when the guard did not hold
 * or the channel is gone.
 */
export async function writeChannelState(
  prisma: PrismaClient,
  channelId: string,
  change: ChannelStateChange,
  event: ChannelEventInput,
  events: ChannelEventPublisher,
  guard: ChannelStateGuard = {},
): Promise<{ at: Date; status: ChannelStatus } | null> {
  const sets: Prisma.Sql[] = [Prisma.sql`updated_at = now()`];
  if (change.status !== undefined) {
    sets.push(Prisma.sql`status_since = CASE WHEN status = ${change.status}::"ChannelStatus" THEN status_since ELSE now() END`);
    sets.push(Prisma.sql`status = ${change.status}::"ChannelStatus"`);
  }
  if (change.desiredState !== undefined) sets.push(Prisma.sql`desired_state = ${change.desiredState}::"DesiredState"`);
  if (change.lastError !== undefined) sets.push(Prisma.sql`last_error = ${change.lastError}`);
  if (change.startedAt !== undefined) sets.push(Prisma.sql`started_at = ${change.startedAt}`);
  if (change.statusDetail !== undefined) sets.push(Prisma.sql`status_detail = ${change.statusDetail}`);
  const onlyIf = guard.desiredState === undefined ? Prisma.empty : Prisma.sql`AND desired_state = ${guard.desiredState}::"DesiredState"`;
  const details = event.details === undefined ? null : JSON.stringify(event.details);
  const statement = Prisma.sql`
    WITH changed AS (
      UPDATE channels SET ${Prisma.join(sets)} WHERE id = ${channelId}::uuid ${onlyIf} RETURNING id, status
    ), logged AS (
      INSERT INTO channel_events (channel_id, type, category, message, details)
      SELECT id, ${event.type}, ${event.category ?? null}, ${event.message}, ${details}::jsonb FROM changed
      RETURNING id, at
    )
    SELECT logged.id::text AS id, logged.at, changed.status::text AS status FROM logged, changed`;
  const rows = await withRetry(() => prisma.$queryRaw<Array<{ id: string; at: Date; status: ChannelStatus }>>(statement));
  const row = rows[0];
  if (!row) return null;
  announceChannelEvent(events, channelId, change.status, event, row.at, row.id);
  return { at: row.at, status: row.status };
}

/** writeChannelState for a channel that must exist; returns it as it is now (one more short read). */
export async function changeChannelState(
  prisma: PrismaClient,
  channelId: string,
  change: ChannelStateChange,
  event: ChannelEventInput,
  events: ChannelEventPublisher,
): Promise<ChannelWithSources> {
  await writeChannelState(prisma, channelId, change, event, events);
  return prisma.channel.findUniqueOrThrow({ where: { id: channelId }, include: { sources: { orderBy: { position: 'asc' } } } });
}

async function withRetry<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= WRITE_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
    }
  }
}

/** Publishes a committed channel_events row on `channels.events` (plain JSON) for live dashboards. */
export function announceChannelEvent(
  events: ChannelEventPublisher,
  channelId: string,
  status: ChannelStatus | undefined,
  event: ChannelEventInput,
  at: Date,
  /** The channel_events row's id: JetStream consumers (monitoring) dedup by it. */
  eventId?: string,
): void {
  const message: ChannelEventMessage = {
    channelId,
    status,
    type: event.type,
    category: event.category,
    message: event.message,
    at: at.toISOString(),
    eventId,
  };
  events.publish(Events.channelEvents, message);
}
