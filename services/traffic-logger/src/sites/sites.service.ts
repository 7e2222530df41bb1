import { Inject, Injectable } from '@nestjs/common';
import { type Site } from '@castline/db';
import type { SiteView } from '@castline/contracts';
import { AppError, CONFIG, PrismaService } from '@castline/platform';
import type { TrafficLoggerConfig } from '../config';

type SiteBody = { name: string; domain: string; allowedOrigins: string[]; useCookie: boolean };

/** Sites CRUD (traffic-logger owns `sites`), for Settings -> Sites through the gateway. */
@Injectable()
export class SitesService {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(CONFIG) private readonly config: TrafficLoggerConfig,
  ) {}

  async list(): Promise<{ items: SiteView[] }> {
    const sites = await this.prisma.site.findMany({ orderBy: [{ name: 'asc' }, { id: 'asc' }] });
    return { items: sites.map((site) => this.view(site)) };
  }

  async get(id: string): Promise<SiteView> {
    const site = await this.prisma.site.findUnique({ where: { id } });
    if (!site) throw AppError.notFound('Site');
    return this.view(site);
  }

  async create(body: SiteBody): Promise<SiteView> {
    return this.view(await this.prisma.site.create({ data: body }));
  }

  async update(id: string, changes: Partial<SiteBody>): Promise<SiteView> {
    const { count } = await this.prisma.site.updateMany({ where: { id }, data: changes });
    if (count === 0) throw AppError.notFound('Site');
    return this.get(id);
  }

  async delete(id: string): Promise<{ deleted: true }> {
    const { count } = await this.prisma.site.deleteMany({ where: { id } });
    if (count === 0) throw AppError.notFound('Site');
    return { deleted: true };
  }

  private view(site: Site): SiteView {
    const base = this.config.TRAFFIC_PUBLIC_URL?.replace(/\/+$/, '') ?? '';
    return {
      id: site.id,
      name: site.name,
      domain: site.domain,
      allowedOrigins: site.allowedOrigins,
      useCookie: site.useCookie,
      snippet: `<script defer data-site="${site.id}"${site.useCookie ? ' data-cookie="1"' : ''} src="${base}/api/v1/collect/tracker.js"></script>`,
      createdAt: site.createdAt.toISOString(),
      updatedAt: site.updatedAt.toISOString(),
    };
  }
}
