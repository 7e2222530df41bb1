import type { SecretBox } from './secret-box';

/** One stored sealed value: the row it lives in (for the AAD and the write) and the value itself. */
export interface SealedRow {
  id: string;
  sealed: string;
}

export interface ResealOptions<R extends SealedRow> {
  /** The AAD the value was sealed with (the same one is used to seal it again). */
  aad: (row: R) => string;
  /** Writes `next` only while the row still holds `row.sealed` (compare-and-set); false when it no longer does. */
  write: (row: R, next: string) => Promise<boolean>;
  /** Where the counts go; `what` names the column in the messages (`ad_accounts.credentials`). */
  logger: { log(message: string): void; warn(message: string): void };
  what: string;
}

export interface ResealResult {
  /** Written back under the current key. */
  resealed: number;
  /** Changed by someone else between the read and the write: left as they are (the new value is theirs). */
  changed: number;
  /** Ids of the values no key opens (or that are not sealed values at all): left alone. */
  unreadable: string[];
}

/**
 * Re-seals, under the box's current key, every value of `rows` sealed by an older key or format (see
 * `SecretBox.needsResealing`), so an operator can drop an old key once each service has started with the new one.
 * A value that does not open is logged and left alone; nothing here throws for a value.
 */
export async function resealStale<R extends SealedRow>(box: SecretBox, rows: readonly R[], options: ResealOptions<R>): Promise<ResealResult> {
  const result: ResealResult = { resealed: 0, changed: 0, unreadable: [] };
  for (const row of rows) {
    let next: string;
    try {
      if (!box.needsResealing(row.sealed)) continue;
      const aad = options.aad(row);
      next = box.seal(box.open(row.sealed, aad), aad);
    } catch (error) {
      result.unreadable.push(row.id);
      options.logger.warn(`${options.what} of ${row.id} does not open with any configured key, left as it is: ${(error as Error).message}`);
      continue;
    }
    if (await options.write(row, next)) result.resealed += 1;
    else result.changed += 1;
  }
  if (result.resealed > 0 || result.changed > 0) {
    options.logger.log(`Re-sealed ${result.resealed} ${options.what} value(s) with the current key${result.changed ? ` (${result.changed} changed meanwhile, left alone)` : ''}`);
  }
  return result;
}
