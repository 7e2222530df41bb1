import { Injectable } from '@nestjs/common';
import type { Prisma, Upload } from '@castline/db';
import { PrismaService } from '@castline/platform';

@Injectable()
export class UploadsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: Prisma.UploadCreateInput): Promise<Upload> {
    return this.prisma.upload.create({ data });
  }

  findById(id: string): Promise<Upload | null> {
    return this.prisma.upload.findUnique({ where: { id } });
  }

  channelsUsing(id: string): Promise<Array<{ id: string; name: string }>> {
    return this.prisma.channel.findMany({ where: { logoUploadId: id }, select: { id: true, name: true } });
  }

  async delete(id: string): Promise<void> {
    await this.prisma.upload.delete({ where: { id } });
  }
}
