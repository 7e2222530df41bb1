import { Injectable } from '@nestjs/common';
import { PrismaService } from '@castline/platform';

/** What the metrics exporter reads from Postgres: every channel's current status. */
@Injectable()
export class ChannelStatesRepository {
  constructor(private readonly prisma: PrismaService) {}

  all(): Promise<Array<{ id: string; status: string }>> {
    return this.prisma.channel.findMany({ select: { id: true, status: true } });
  }
}
