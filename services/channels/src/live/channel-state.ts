import { type ChannelEventMessage, Events } from '@castline/contracts';
import type { ChannelStatus, DesiredState, PrismaClient } from '@castline/db';
import type { EventBus } from '@castline/platform';
import type { ChannelWithSources } from '../channels/channels.repository';

export interface ChannelEventInput {
  /** 'state' for a status change, 'restart', 'error'; the supervisor's 'failover', 'failback', 'stall'. */
  type: 'state' | 'restart' | 'error' | 'failover' | 'failback' | 'stall';
  message: string;
  category?: string;
  details?: Record<string, string | number | null>;
}

export interface ChannelStateChange {
  status?: ChannelStatus;
  desiredState?: DesiredState;
  lastError?: string | null;
  startedAt?: Date | null;
}

/** Where `channels.events` go: the process's event bus (the service's or a worker's). */
export type ChannelEventPublisher = Pick<EventBus, 'publish'>;

/**
 * A channel's status change and its channel_events row, written together (the service and the workers both
 * use it), then announced on `channels.events` for live dashboards once committed.
 */
export async function changeChannelState(
  prisma: PrismaClient,
  channelId: string,
  change: ChannelStateChange,
  event: ChannelEventInput,
  events: ChannelEventPublisher,
): Promise<ChannelWithSources> {
  const [channel, row] = await prisma.$transaction([
    prisma.channel.update({ where: { id: channelId }, data: change, include: { sources: { orderBy: { position: 'asc' } } } }),
    prisma.channelEvent.create({ data: { channelId, ...event } }),
  ]);
  announceChannelEvent(events, channelId, change.status, event, row.at);
  return channel;
}

/** Publishes a committed channel_events row on `channels.events` (plain JSON) for live dashboards. */
export function announceChannelEvent(
  events: ChannelEventPublisher,
  channelId: string,
  status: ChannelStatus | undefined,
  event: ChannelEventInput,
  at: Date,
): void {
  const message: ChannelEventMessage = {
    channelId,
    status,
    type: event.type,
    category: event.category,
    message: event.message,
    at: at.toISOString(),
  };
  events.publish(Events.channelEvents, message);
}
