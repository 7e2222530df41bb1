import type { Sort } from '@castline/contracts';

export type { Page } from '@castline/contracts';

export const toSkipTake = (query: { page: number; pageSize: number }) => ({
  skip: (query.page - 1) * query.pageSize,
  take: query.pageSize,
});

/**
 * Prisma's orderBy for a list's sort: nullable columns put their empty values last whichever the direction
 * ("never signed in" after every date), and the id breaks ties so pages never overlap or skip a row.
 */
export function toOrderBy<F extends string>(sort: Sort<F>, nullable: readonly F[]): Array<Record<string, unknown>> {
  const order = nullable.includes(sort.field) ? { sort: sort.direction, nulls: 'last' } : sort.direction;
  return [{ [sort.field]: order }, { id: 'asc' }];
}
