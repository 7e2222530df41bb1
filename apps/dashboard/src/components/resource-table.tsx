'use client';

import { parseSort, type Page, type SortValue, toSortValue } from '@castline/contracts';
import type { UseQueryResult } from '@tanstack/react-query';
import { type ColumnDef, flexRender, getCoreRowModel, type SortingState, type Updater, useReactTable } from '@tanstack/react-table';
import { ArrowDownIcon, ArrowUpIcon, ChevronLeftIcon, ChevronRightIcon, ChevronsUpDownIcon } from 'lucide-react';
import { type HTMLAttributes, type ReactNode, useEffect } from 'react';
import { ErrorState } from '@/components/error-state';
import { Button } from '@/components/ui/button';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Skeleton } from '@/components/ui/skeleton';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import type { TableSearch } from '@/lib/use-table-search';
import { cn } from '@/lib/utils';

/** A column's `meta`: classes of its cells and of its header. */
export interface ColumnClasses {
  className?: string;
  headClassName?: string;
}
const classesOf = (meta: unknown) => meta as ColumnClasses | undefined;

/** What every resource table keeps in the URL besides its own filters. */
export interface TablePaging {
  page: number;
  pageSize: number;
  sort: string;
}

/**
 * One list of a resource: TanStack Table over a page the server already paged, sorted and filtered (rows are
 * never filtered here). Page, page size and sort come from and go to the URL (useTableSearch); a sortable
 * column's id is the API's sort field. Shows a skeleton while loading, the page's empty states, an error
 * with a retry, and row actions in a last column.
 */
export function ResourceTable<T, S extends TablePaging>({
  label,
  columns,
  query,
  search,
  getRowId,
  rowProps,
  rowActions,
  empty,
  emptyFiltered,
  errorTitle,
  pageSizes = [10, 25, 50, 100],
  skeletonRows = 5,
}: {
  /** What the rows are, plural ("users"): names the table and its loading state. */
  label: string;
  columns: Array<ColumnDef<T, never>>;
  query: UseQueryResult<Page<T>>;
  search: TableSearch<S>;
  getRowId: (row: T) => string;
  rowProps?: (row: T) => HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string | undefined>;
  rowActions?: (row: T) => ReactNode;
  /** Shown when the list is empty and no filter is set. */
  empty: ReactNode;
  /** Shown when filters leave nothing (default: `empty`). */
  emptyFiltered?: ReactNode;
  errorTitle: string;
  pageSizes?: number[];
  skeletonRows?: number;
}) {
  const { values, defaults, set } = search;
  const data = query.data;
  const sort = parseSort(values.sort as SortValue<string>);

  // The dashboard does not run React Compiler, and the rule only says the compiler would skip this component.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable<T>({
    data: data?.items ?? [],
    // ColumnDef is invariant in its value type; whether TS accepts `never` here depends on the order it checks files in.
    columns: columns as Array<ColumnDef<T, unknown>>,
    getRowId,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    manualSorting: true,
    manualFiltering: true,
    enableMultiSort: false,
    rowCount: data?.total ?? 0,
    state: {
      sorting: [{ id: sort.field, desc: sort.direction === 'desc' }],
      pagination: { pageIndex: values.page - 1, pageSize: values.pageSize },
    },
    onSortingChange: (updater: Updater<SortingState>) => {
      const next = typeof updater === 'function' ? updater([{ id: sort.field, desc: sort.direction === 'desc' }]) : updater;
      const first = next[0];
      // Removing the sort goes back to the list's own order.
      set({ sort: first ? toSortValue({ field: first.id, direction: first.desc ? 'desc' : 'asc' }) : defaults.sort } as Partial<S>);
    },
  });

  // A URL past the last page (rows were deleted, or a hand-edited link) lands on the last page instead.
  const lastPage = data ? Math.max(1, Math.ceil(data.total / values.pageSize)) : 1;
  const pastTheEnd = Boolean(data && data.items.length === 0 && data.total > 0 && values.page > lastPage);
  useEffect(() => {
    if (pastTheEnd) set({ page: lastPage } as Partial<S>);
  }, [pastTheEnd, lastPage, set]);

  const headers = columns.map((column) => (typeof column.header === 'string' ? column.header : ''));
  if (query.isPending) return <TableSkeleton columns={headers} rows={skeletonRows} label={`Loading ${label}`} />;
  if (query.isError && !data) return <ErrorState error={query.error} onRetry={() => void query.refetch()} title={errorTitle} />;
  if (!data || (data.items.length === 0 && !pastTheEnd)) return <>{search.filtered && emptyFiltered !== undefined ? emptyFiltered : empty}</>;

  const showPager = data.total > Math.min(values.pageSize, ...pageSizes) || values.page > 1;
  return (
    <div className="grid grid-cols-1 gap-3">
      <div className="rounded-xl border bg-card" aria-busy={query.isFetching && query.isPlaceholderData}>
        <Table aria-label={label.charAt(0).toUpperCase() + label.slice(1)}>
          <TableHeader>
            {table.getHeaderGroups().map((group) => (
              <TableRow key={group.id}>
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  const content = flexRender(header.column.columnDef.header, header.getContext());
                  return (
                    <TableHead
                      key={header.id}
                      className={classesOf(header.column.columnDef.meta)?.headClassName}
                      aria-sort={header.column.getCanSort() ? (sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none') : undefined}
                    >
                      {header.column.getCanSort() ? (
                        <Button
                          variant="ghost"
                          size="sm"
                          className="-ml-2 h-8 px-2 font-medium text-muted-foreground hover:text-foreground"
                          onClick={header.column.getToggleSortingHandler()}
                        >
                          {content}
                          {sorted === 'asc' ? <ArrowUpIcon aria-hidden /> : sorted === 'desc' ? <ArrowDownIcon aria-hidden /> : <ChevronsUpDownIcon aria-hidden className="opacity-50" />}
                        </Button>
                      ) : (
                        content
                      )}
                    </TableHead>
                  );
                })}
                {rowActions && (
                  <TableHead className="w-10">
                    <span className="sr-only">Actions</span>
                  </TableHead>
                )}
              </TableRow>
            ))}
          </TableHeader>
          <TableBody className={query.isPlaceholderData ? 'opacity-60' : undefined}>
            {table.getRowModel().rows.map((row) => (
              <TableRow key={row.id} {...rowProps?.(row.original)}>
                {row.getVisibleCells().map((cell) => (
                  <TableCell key={cell.id} className={classesOf(cell.column.columnDef.meta)?.className}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </TableCell>
                ))}
                {rowActions && <TableCell className="text-right">{rowActions(row.original)}</TableCell>}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      {showPager && (
        <Pager
          page={values.page}
          pageSize={values.pageSize}
          pageSizes={pageSizes}
          total={data.total}
          onPage={(page) => set({ page } as Partial<S>)}
          onPageSize={(pageSize) => set({ pageSize } as Partial<S>)}
        />
      )}
    </div>
  );
}

/** A table-shaped placeholder while a list loads. */
export function TableSkeleton({ columns, rows = 5, label }: { columns: string[]; rows?: number; label: string }) {
  return (
    <div className="rounded-xl border bg-card" aria-busy="true" aria-label={label}>
      <Table>
        <TableHeader>
          <TableRow>
            {columns.map((column, index) => (
              <TableHead key={`${column}-${index}`}>{column}</TableHead>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {Array.from({ length: rows }, (_, row) => (
            <TableRow key={row}>
              {columns.map((column, index) => (
                <TableCell key={`${column}-${index}`}>
                  <Skeleton className={cn('h-4', index === 0 ? 'w-40' : 'w-20')} />
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

/** Previous/next paging with "1–20 of 143" and the rows per page. */
function Pager({
  page,
  pageSize,
  pageSizes,
  total,
  onPage,
  onPageSize,
}: {
  page: number;
  pageSize: number;
  pageSizes: number[];
  total: number;
  onPage: (page: number) => void;
  onPageSize: (pageSize: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  const sizes = pageSizes.includes(pageSize) ? pageSizes : [...pageSizes, pageSize].sort((a, b) => a - b);
  return (
    <nav aria-label="Pagination" className="flex flex-wrap items-center justify-between gap-2 text-sm text-muted-foreground">
      <p aria-live="polite">
        {first}–{last} of {total}
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <Select value={String(pageSize)} onValueChange={(value) => onPageSize(Number(value))}>
          <SelectTrigger className="h-8 w-auto gap-1" aria-label="Rows per page">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {sizes.map((size) => (
              <SelectItem key={size} value={String(size)}>
                {size} per page
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
        <Button variant="outline" size="sm" disabled={page <= 1} onClick={() => onPage(page - 1)}>
          <ChevronLeftIcon aria-hidden /> Previous
        </Button>
        <span className="tabular-nums">
          Page {page} of {pages}
        </span>
        <Button variant="outline" size="sm" disabled={page >= pages} onClick={() => onPage(page + 1)}>
          Next <ChevronRightIcon aria-hidden />
        </Button>
      </div>
    </nav>
  );
}
