import type { AdAccountView } from '@castline/contracts';
import type { AdAccount, AdSyncRun } from '@castline/db';
import { dateOnly } from '../sync/day-range';
import type { AccountCustomer } from '../sync/sync-state.repository';

/** What the API shows of an account: never the credentials, only that they are set and their last 4. */
export function toAccountView(account: AdAccount): AdAccountView {
  const customers = (account.customers as unknown as AccountCustomer[]).map(({ id, name, currency, timezone, status, code, message }) => ({
    id,
    name,
    currency,
    timezone,
    status,
    code: code ?? null,
    message: message ?? null,
  }));
  return {
    id: account.id,
    platform: account.platform,
    externalId: account.externalId,
    name: account.name,
    currency: account.currency,
    timezone: account.timezone,
    status: account.status,
    statusCode: account.statusCode,
    statusMessage: account.statusMessage,
    pausedUntil: account.pausedUntil?.toISOString() ?? null,
    credentials: { set: true, last4: account.credentialsLast4 },
    conversionActionTypes: account.conversionActionTypes,
    customers,
    pixelId: account.pixelId,
    backfill: {
      since: account.backfillSince ? dateOnly(account.backfillSince) : null,
      until: account.backfillUntil ? dateOnly(account.backfillUntil) : null,
      doneThrough: account.backfillCursor ? dateOnly(account.backfillCursor) : null,
    },
    lastSyncedAt: account.lastSyncedAt?.toISOString() ?? null,
    createdAt: account.createdAt.toISOString(),
  };
}

export function toRunView(run: AdSyncRun) {
  return {
    id: run.id,
    accountId: run.accountId,
    kind: run.kind,
    since: dateOnly(run.since),
    until: dateOnly(run.until),
    status: run.status,
    apiCalls: run.apiCalls,
    rowsUpserted: run.rowsUpserted,
    rowsChanged: run.rowsChanged,
    throttledMs: run.throttledMs,
    errorCode: run.errorCode,
    error: run.error,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}
