import { Injectable } from '@nestjs/common';
import type { ApiKey, Prisma } from '@castline/db';
import { PrismaService } from '@castline/platform';

// lastUsedAt is written at most once a minute per key, so API-key traffic does not turn into a write per request.
const LAST_USED_RESOLUTION_MS = 60_000;

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: Prisma.ApiKeyUncheckedCreateInput): Promise<ApiKey> {
    return this.prisma.apiKey.create({ data });
  }

  findByHash(keyHash: string): Promise<ApiKey | null> {
    return this.prisma.apiKey.findUnique({ where: { keyHash } });
  }

  findById(id: string): Promise<ApiKey | null> {
    return this.prisma.apiKey.findUnique({ where: { id } });
  }

  list(includeRevoked: boolean): Promise<ApiKey[]> {
    return this.prisma.apiKey.findMany({
      where: includeRevoked ? {} : { revokedAt: null },
      orderBy: { createdAt: 'desc' },
    });
  }

  revoke(id: string): Promise<ApiKey> {
    return this.prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
  }

  async touch(id: string, now = new Date()): Promise<void> {
    await this.prisma.apiKey.updateMany({
      where: {
        id,
        OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_RESOLUTION_MS) } }],
      },
      data: { lastUsedAt: now },
    });
  }
}
