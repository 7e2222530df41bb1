import type { ChannelStatus, DesiredState, PrismaClient } from '@castline/db';
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

/** A channel's status change and its channel_events row, written together (the service and the workers both use it). */
export async function changeChannelState(
  prisma: PrismaClient,
  channelId: string,
  change: ChannelStateChange,
  event: ChannelEventInput,
): Promise<ChannelWithSources> {
  const [channel] = await prisma.$transaction([
    prisma.channel.update({ where: { id: channelId }, data: change, include: { sources: { orderBy: { position: 'asc' } } } }),
    prisma.channelEvent.create({ data: { channelId, ...event } }),
  ]);
  return channel;
}
