import { Injectable } from '@nestjs/common';
import type { EncodingPreset, Prisma } from '@castline/db';
import { PrismaService } from '@castline/platform';

@Injectable()
export class PresetsRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(): Promise<EncodingPreset[]> {
    return this.prisma.encodingPreset.findMany({ orderBy: [{ builtIn: 'desc' }, { name: 'asc' }] });
  }

  findById(id: string): Promise<EncodingPreset | null> {
    return this.prisma.encodingPreset.findUnique({ where: { id } });
  }

  create(data: Prisma.EncodingPresetCreateInput): Promise<EncodingPreset> {
    return this.prisma.encodingPreset.create({ data });
  }

  update(id: string, data: Prisma.EncodingPresetUpdateInput): Promise<EncodingPreset> {
    return this.prisma.encodingPreset.update({ where: { id }, data });
  }

  delete(id: string): Promise<EncodingPreset> {
    return this.prisma.encodingPreset.delete({ where: { id } });
  }

  countChannelsUsing(id: string): Promise<number> {
    return this.prisma.channel.count({ where: { presetId: id } });
  }
}
