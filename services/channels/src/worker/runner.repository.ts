import { createPrismaClient, type DesiredState, type PrismaClient } from '@castline/db';
import {
  type ChannelEventInput,
  type ChannelEventPublisher,
  type ChannelStateChange,
  type ChannelStateGuard,
  writeChannelState,
} from '../live/channel-state';
import type { RunnableChannel } from './encode-spec';

/**
 * Everything a live worker reads from and writes to PostgreSQL: the channel it runs, its desired state, and
 * its status changes (through writeChannelState, announced on `channels.events`). The runner and the worker
 * app hold this, never a PrismaClient.
 */
export class RunnerRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly events: ChannelEventPublisher,
  ) {}

  /** The worker's own connection pool on `databaseUrl`; close() ends it. */
  static connect(databaseUrl: string, events: ChannelEventPublisher): RunnerRepository {
    return new RunnerRepository(createPrismaClient(databaseUrl), events);
  }

  /** The channel with what FFmpeg needs (sources in order, preset, logo); null when it is gone. Throws when the database does not answer. */
  loadRunnable(channelId: string): Promise<RunnableChannel | null> {
    return this.prisma.channel.findUnique({
      where: { id: channelId },
      include: { sources: { orderBy: { position: 'asc' } }, preset: true, logo: true },
    });
  }

  /** The channel's desired state; null when it is gone, undefined when the database did not answer (ask again later). */
  async desiredState(channelId: string): Promise<DesiredState | null | undefined> {
    const row = await this.prisma.channel.findUnique({ where: { id: channelId }, select: { desiredState: true } }).catch(() => undefined);
    return row === undefined ? undefined : (row?.desiredState ?? null);
  }

  async exists(channelId: string): Promise<boolean> {
    return (await this.prisma.channel.count({ where: { id: channelId } })) > 0;
  }

  /** writeChannelState on this worker's pool and publisher: null when the guard did not hold or the channel is gone. */
  writeState(channelId: string, change: ChannelStateChange, event: ChannelEventInput, guard?: ChannelStateGuard) {
    return writeChannelState(this.prisma, channelId, change, event, this.events, guard);
  }

  /** The worker's health check of its database connection. */
  ping(): Promise<unknown> {
    return this.prisma.$queryRaw`SELECT 1`;
  }

  async close(): Promise<void> {
    await this.prisma.$disconnect();
  }
}
