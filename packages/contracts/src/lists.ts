import { z } from 'zod';

/** Paging of every list endpoint: `?page=` from 1, `?pageSize=` up to 100. */
export const PageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

/** A sort value: `field` ascending, `-field` descending. */
export type SortValue<F extends string> = F | `-${F}`;

/**
 * `?sort=` over the fields a list can be ordered by: `name` ascending, `-name` descending, as in
 * `GET /users?sort=-lastLoginAt`. Anything else is a 400 naming the allowed values.
 */
export function sortSchema<const F extends readonly [string, ...string[]]>(fields: F, fallback: SortValue<F[number]>) {
  const values = fields.flatMap((field) => [field, `-${field}`]) as [SortValue<F[number]>, ...Array<SortValue<F[number]>>];
  return z.enum(values).default(fallback as never);
}

export interface Sort<F extends string> {
  field: F;
  direction: 'asc' | 'desc';
}

export function parseSort<F extends string>(sort: SortValue<F>): Sort<F> {
  return sort.startsWith('-') ? { field: sort.slice(1) as F, direction: 'desc' } : { field: sort as F, direction: 'asc' };
}

export function toSortValue<F extends string>({ field, direction }: Sort<F>): SortValue<F> {
  return direction === 'desc' ? `-${field}` : field;
}

/** One page of a list, as every list endpoint answers. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}
