import { Injectable } from '@nestjs/common';
import { PrismaService } from '@castline/platform';

export interface CollectSite {
  id: string;
  allowedOrigins: string[];
}

const CACHE_MS = 30_000;

/** Sites as collect needs them (id, allowed origins), cached briefly: every tracker event looks its site up. */
@Injectable()
export class SitesRepository {
  private readonly cache = new Map<string, { site: CollectSite | null; at: number }>();

  constructor(private readonly prisma: PrismaService) {}

  async forCollect(id: string): Promise<CollectSite | null> {
    const cached = this.cache.get(id);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.site;
    const site = await this.prisma.site.findUnique({ where: { id }, select: { id: true, allowedOrigins: true } });
    this.cache.set(id, { site, at: Date.now() });
    return site;
  }
}
