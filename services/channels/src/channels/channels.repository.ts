import { Injectable } from '@nestjs/common';
import type { Channel, ChannelEvent, ChannelSource, ChannelStatus, Prisma } from '@castline/db';
import { EventBus, PrismaService } from '@castline/platform';
import type { StoredSource } from './source-secrets';
import { type ChannelEventInput, type ChannelStateChange, changeChannelState } from '../live/channel-state';

export type ChannelWithSources = Channel & { sources: ChannelSource[] };

const withSources = { sources: { orderBy: { position: 'asc' } } } as const;

@Injectable()
export class ChannelsRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly events: EventBus,
  ) {}

  findById(id: string): Promise<ChannelWithSources | null> {
    return this.prisma.channel.findUnique({ where: { id }, include: withSources });
  }

  /** Newest first, at most `limit`, older than the event `before` when given. */
  history(channelId: string, limit: number, before?: bigint): Promise<ChannelEvent[]> {
    return this.prisma.channelEvent.findMany({
      where: { channelId, id: before === undefined ? undefined : { lt: before } },
      orderBy: { id: 'desc' },
      take: limit,
    });
  }

  async slugTaken(slug: string, exceptId?: string): Promise<boolean> {
    const found = await this.prisma.channel.findUnique({ where: { slug }, select: { id: true } });
    return found !== null && found.id !== exceptId;
  }

  async list(
    filter: { status?: ChannelStatus; search?: string },
    page: { skip: number; take: number },
  ): Promise<{ items: ChannelWithSources[]; total: number }> {
    const where: Prisma.ChannelWhereInput = {
      status: filter.status,
      OR: filter.search
        ? [{ name: { contains: filter.search, mode: 'insensitive' } }, { slug: { contains: filter.search.toLowerCase() } }]
        : undefined,
    };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.channel.findMany({ where, include: withSources, orderBy: { name: 'asc' }, ...page }),
      this.prisma.channel.count({ where }),
    ]);
    return { items, total };
  }

  create(data: Prisma.ChannelUncheckedCreateInput, sources: StoredSource[]): Promise<ChannelWithSources> {
    return this.prisma.channel.create({
      data: { ...data, sources: { create: sources.map((source, position) => ({ ...source, position })) } },
      include: withSources,
    });
  }

  /** Updates fields and, when given, replaces the source list, in one transaction. */
  update(
    id: string,
    data: Prisma.ChannelUncheckedUpdateInput,
    sources?: StoredSource[],
  ): Promise<ChannelWithSources> {
    return this.prisma.$transaction(async (tx) => {
      if (sources) {
        await tx.channelSource.deleteMany({ where: { channelId: id } });
        await tx.channelSource.createMany({ data: sources.map((source, position) => ({ ...source, position, channelId: id })) });
      }
      return tx.channel.update({ where: { id }, data, include: withSources });
    });
  }

  /** Every channel's desired and current state, for the reconciler. */
  desiredStates(): Promise<Array<Pick<Channel, 'id' | 'desiredState' | 'status' | 'statusSince'>>> {
    return this.prisma.channel.findMany({ select: { id: true, desiredState: true, status: true, statusSince: true } });
  }

  changeState(id: string, change: ChannelStateChange, event: ChannelEventInput): Promise<ChannelWithSources> {
    return changeChannelState(this.prisma, id, change, event, this.events);
  }

  async delete(id: string): Promise<void> {
    await this.prisma.channel.delete({ where: { id } });
  }

  /** Sources without a sealed URL: candidates for sealing a URL written before secrets were sealed. */
  unsealedSources(): Promise<ChannelSource[]> {
    return this.prisma.channelSource.findMany({ where: { secretUrl: null } });
  }

  async replaceSourceUrl(id: string, urls: Pick<StoredSource, 'url' | 'secretUrl'>): Promise<void> {
    await this.prisma.channelSource.update({ where: { id }, data: urls });
  }

  /** Every sealed source URL (for re-sealing in the current format and key). */
  async sealedSources(): Promise<Array<{ id: string; secretUrl: string }>> {
    const rows = await this.prisma.channelSource.findMany({ where: { secretUrl: { not: null } }, select: { id: true, secretUrl: true } });
    return rows.flatMap((row) => (row.secretUrl ? [{ id: row.id, secretUrl: row.secretUrl }] : []));
  }

  /** Replaces a sealed source URL only while the row still holds `from` (a concurrent change wins). */
  async replaceSecretUrl(id: string, from: string, to: string): Promise<boolean> {
    return (await this.prisma.channelSource.updateMany({ where: { id, secretUrl: from }, data: { secretUrl: to } })).count === 1;
  }

  presetExists(id: string): Promise<boolean> {
    return this.prisma.encodingPreset.count({ where: { id } }).then((count) => count > 0);
  }

  logoExists(id: string): Promise<boolean> {
    return this.prisma.upload.count({ where: { id, kind: 'logo' } }).then((count) => count > 0);
  }
}
