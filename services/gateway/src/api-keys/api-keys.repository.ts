import { Injectable } from '@nestjs/common';
import type { ApiKey, Prisma } from '@castline/db';
import type { API_KEY_SORT_FIELDS, Sort } from '@castline/contracts';
import { PrismaService } from '@castline/platform';
import { toOrderBy } from '../common/pagination';

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

  async list(
    includeRevoked: boolean,
    sort: Sort<(typeof API_KEY_SORT_FIELDS)[number]>,
    page: { skip: number; take: number },
  ): Promise<{ items: ApiKey[]; total: number }> {
    const where: Prisma.ApiKeyWhereInput = includeRevoked ? {} : { revokedAt: null };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.apiKey.findMany({
        where,
        orderBy: toOrderBy(sort, ['lastUsedAt', 'expiresAt']) as Prisma.ApiKeyOrderByWithRelationInput[],
        ...page,
      }),
      this.prisma.apiKey.count({ where }),
    ]);
    return { items, total };
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
