/**
 * A table's state in the URL: page, page size, sort and filters as search parameters. A page describes them
 * with a zod object whose every field has a `.catch()`, so a hand-edited or stale URL falls back to the
 * default instead of failing; values equal to their default are left out of the URL.
 */
import type { z } from 'zod';

export type SearchValue = string | number | boolean | undefined;
export type SearchSchema = z.ZodObject<Record<string, z.ZodType<SearchValue, unknown>>>;

/** The keys that page and order a list; every other key is a filter. */
const NOT_FILTERS = new Set(['page', 'pageSize', 'sort']);

export function parseSearch<S extends SearchSchema>(schema: S, params: URLSearchParams): z.output<S> {
  return schema.parse(Object.fromEntries(params.entries()));
}

export function searchDefaults<S extends SearchSchema>(schema: S): z.output<S> {
  return schema.parse({});
}

/** "?a=1&b=x" of the values that differ from their defaults ('' when all are defaults). */
export function searchString(values: Record<string, SearchValue>, defaults: Record<string, SearchValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === '' || value === defaults[key]) continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Applies changes; a change of anything but the page itself sends the table back to its first page. */
export function changeSearch<T extends Record<string, SearchValue>>(current: T, changes: Partial<T>, defaults: T): T {
  const next = { ...current, ...changes };
  if (!('page' in changes) && 'page' in defaults) return { ...next, page: defaults.page };
  return next;
}

/** Whether any filter (not paging or order) differs from its default: an empty table then says "no match". */
export function isFiltered(values: Record<string, SearchValue>, defaults: Record<string, SearchValue>): boolean {
  return Object.entries(values).some(([key, value]) => !NOT_FILTERS.has(key) && value !== undefined && value !== '' && value !== defaults[key]);
}

/** The changes that reset every filter to its default (paging size and order stay). */
export function clearedFilters<T extends Record<string, SearchValue>>(defaults: T): Partial<T> {
  return Object.fromEntries(Object.entries(defaults).filter(([key]) => !NOT_FILTERS.has(key))) as Partial<T>;
}
