'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo, useRef } from 'react';
import type { z } from 'zod';
import { changeSearch, clearedFilters, isFiltered, parseSearch, type SearchSchema, searchDefaults, searchString } from './table-search';

export interface TableSearch<T> {
  /** The parsed URL state: every value valid, defaults filled in. Build the query key and the API call from it. */
  values: T;
  defaults: T;
  /** Writes changes to the URL (router.replace, no history entry); any change but the page's goes back to page 1. */
  set: (changes: Partial<T>) => void;
  clearFilters: () => void;
  /** A filter differs from its default: an empty list then means "nothing matches". */
  filtered: boolean;
}

/** A table's page, page size, sort and filters, kept in the URL so a reload or a shared link shows the same rows. */
export function useTableSearch<S extends SearchSchema>(schema: S): TableSearch<z.output<S>> {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const query = params.toString();
  const defaults = useMemo(() => searchDefaults(schema), [schema]);
  const values = useMemo(() => parseSearch(schema, new URLSearchParams(query)), [schema, query]);
  // router.replace lands a render later: a second change before then (a debounced search after a filter click)
  // must build on the first, not on the URL it has not yet replaced.
  const pending = useRef<{ fromQuery: string; values: z.output<S> }>(undefined);
  const set = useCallback(
    (changes: Partial<z.output<S>>) => {
      const base = pending.current?.fromQuery === query ? pending.current.values : values;
      const next = changeSearch(base, changes, defaults);
      pending.current = { fromQuery: query, values: next };
      router.replace(`${pathname}${searchString(next, defaults)}`, { scroll: false });
    },
    [router, pathname, query, values, defaults],
  );
  const clearFilters = useCallback(() => set(clearedFilters(defaults)), [set, defaults]);
  return { values, defaults, set, clearFilters, filtered: isFiltered(values, defaults) };
}
