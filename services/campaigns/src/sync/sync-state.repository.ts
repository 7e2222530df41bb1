import { Injectable } from '@nestjs/common';
import type { AdAccount, AdSyncRun } from '@castline/db';
import { PrismaService } from '@castline/platform';
import { asDate, dateOnly } from './day-range';
import type { Tx } from './metrics.repository';

/** A managed Google customer of an account, kept in ad_accounts.customers. */
export interface AccountCustomer {
  id: string;
  name: string;
  currency: string;
  timezone: string;
  status: 'ok' | 'refused';
  code?: string | null;
  message?: string | null;
  /** Backfill: the last day committed per level. */
  cursor?: { campaign?: string; ad?: string };
}

export interface RunTally {
  apiCalls: number;
  rowsUpserted: number;
  rowsChanged: number;
  throttledMs: number;
}

/** The account rows and run history a sync reads and writes (ad_accounts, ad_sync_runs). */
@Injectable()
export class SyncStateRepository {
  constructor(private readonly prisma: PrismaService) {}

  account(id: string): Promise<AdAccount | null> {
    return this.prisma.adAccount.findUnique({ where: { id } });
  }

  async markActive(id: string, partial: { code: string; message: string } | null): Promise<void> {
    await this.prisma.adAccount.update({
      where: { id },
      data: { status: 'active', statusCode: partial?.code ?? null, statusMessage: partial?.message ?? null, pausedUntil: null, lastSyncedAt: new Date() },
    });
  }

  async markStatus(id: string, status: 'paused' | 'error', code: string, message: string, pausedUntil: Date | null = null): Promise<void> {
    await this.prisma.adAccount.update({ where: { id }, data: { status, statusCode: code, statusMessage: message, pausedUntil } });
  }

  /** The last day a completed run (any kind, partial included) covered; null before the first one. */
  async lastSyncedDay(accountId: string): Promise<string | null> {
    const last = await this.prisma.adSyncRun.aggregate({ where: { accountId, status: { in: ['succeeded', 'partial'] } }, _max: { until: true } });
    return last._max.until ? dateOnly(last._max.until) : null;
  }

  /** A run left `running` by a killed worker is closed as interrupted before the next one starts. */
  async closeInterrupted(accountId: string): Promise<void> {
    await this.prisma.adSyncRun.updateMany({
      where: { accountId, status: 'running' },
      data: { status: 'interrupted', finishedAt: new Date(), error: 'The worker stopped before the run ended' },
    });
  }

  startRun(accountId: string, kind: string, since: string, until: string): Promise<AdSyncRun> {
    return this.prisma.adSyncRun.create({ data: { accountId, kind, since: asDate(since), until: asDate(until) } });
  }

  async finishRun(id: string, status: string, tally: RunTally, error: { code: string; message: string } | null = null): Promise<void> {
    await this.prisma.adSyncRun.update({
      where: { id },
      data: { status, ...tally, errorCode: error?.code ?? null, error: error?.message ?? null, finishedAt: new Date() },
    });
  }

  /** Inside a chunk's transaction: the backfill has everything up to `day`. */
  async setBackfillCursor(tx: Tx, accountId: string, day: string): Promise<void> {
    await tx.adAccount.update({ where: { id: accountId }, data: { backfillCursor: asDate(day) } });
  }

  /** Inside a day's transaction: a Google customer's backfill has `level` up to `day`. */
  async setCustomerCursor(tx: Tx, accountId: string, customerId: string, level: 'campaign' | 'ad', day: string): Promise<void> {
    await tx.$executeRawUnsafe(
      `UPDATE ad_accounts SET customers = (
         SELECT coalesce(jsonb_agg(CASE WHEN c->>'id' = $2
           THEN jsonb_set(c, '{cursor}', coalesce(c->'cursor', '{}'::jsonb) || jsonb_build_object($3::text, $4::text)) ELSE c END), '[]'::jsonb)
         FROM jsonb_array_elements(customers) c)
       WHERE id = $1::uuid`,
      accountId,
      customerId,
      level,
      day,
    );
  }

  async customers(accountId: string): Promise<AccountCustomer[]> {
    const account = await this.prisma.adAccount.findUnique({ where: { id: accountId }, select: { customers: true } });
    return (account?.customers ?? []) as unknown as AccountCustomer[];
  }

  async setCustomerStatus(accountId: string, customerId: string, status: AccountCustomer['status'], code: string | null, message: string | null): Promise<void> {
    await this.prisma.$executeRawUnsafe(
      `UPDATE ad_accounts SET customers = (
         SELECT coalesce(jsonb_agg(CASE WHEN c->>'id' = $2
           THEN c || jsonb_build_object('status', $3::text, 'code', $4::text, 'message', $5::text) ELSE c END), '[]'::jsonb)
         FROM jsonb_array_elements(customers) c)
       WHERE id = $1::uuid`,
      accountId,
      customerId,
      status,
      code,
      message,
    );
  }
}
