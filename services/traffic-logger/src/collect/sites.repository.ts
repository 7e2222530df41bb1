import { Injectable } from '@nestjs/common';
import { PrismaService } from '@castline/platform';

export interface CollectSite {
  id: string;
  allowedOrigins: string[];
  /** The site opted in to a visitor cookie (seed 001): visitors are recognised across days. */
  useCookie: boolean;
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
    try {
      const site = await this.prisma.site.findUnique({ where: { id }, select: { id: true, allowedOrigins: true, useCookie: true } });
      this.cache.set(id, { site, at: Date.now() });
      return site;
    } catch (error) {
      // Postgres down: a site seen before keeps collecting (its events wait in the spill).
      if (cached) return cached.site;
      throw error;
    }
  }
}
