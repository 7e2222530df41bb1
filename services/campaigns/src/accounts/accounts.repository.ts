import { Injectable } from '@nestjs/common';
import type { AdAccount, AdSyncRun, Prisma } from '@castline/db';
import { PrismaService } from '@castline/platform';

/** ad_accounts and ad_sync_runs as the accounts API reads and writes them. */
@Injectable()
export class AccountsRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(): Promise<AdAccount[]> {
    return this.prisma.adAccount.findMany({ orderBy: [{ platform: 'asc' }, { name: 'asc' }] });
  }

  get(id: string): Promise<AdAccount | null> {
    return this.prisma.adAccount.findUnique({ where: { id } });
  }

  byExternalId(platform: 'meta' | 'google', externalId: string): Promise<AdAccount | null> {
    return this.prisma.adAccount.findUnique({ where: { platform_externalId: { platform, externalId } } });
  }

  create(data: Prisma.AdAccountUncheckedCreateInput): Promise<AdAccount> {
    return this.prisma.adAccount.create({ data });
  }

  update(id: string, data: Prisma.AdAccountUncheckedUpdateInput): Promise<AdAccount> {
    return this.prisma.adAccount.update({ where: { id }, data });
  }

  /** Every account's sealed credentials (for re-sealing after a key rotation). */
  sealedCredentials(): Promise<Array<{ id: string; credentials: string }>> {
    return this.prisma.adAccount.findMany({ select: { id: true, credentials: true } });
  }

  /** Replaces the sealed credentials only while the row still holds `from` (a concurrent change wins). */
  async replaceCredentials(id: string, from: string, to: string): Promise<boolean> {
    return (await this.prisma.adAccount.updateMany({ where: { id, credentials: from }, data: { credentials: to } })).count === 1;
  }

  async runs(accountId: string, page: number, pageSize: number): Promise<{ items: AdSyncRun[]; total: number }> {
    const [items, total] = await Promise.all([
      this.prisma.adSyncRun.findMany({ where: { accountId }, orderBy: { startedAt: 'desc' }, skip: (page - 1) * pageSize, take: pageSize }),
      this.prisma.adSyncRun.count({ where: { accountId } }),
    ]);
    return { items, total };
  }
}
