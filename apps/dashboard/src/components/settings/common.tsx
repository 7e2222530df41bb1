'use client';

import type { Role } from '@castline/contracts/permissions';
import { CheckIcon, ChevronLeftIcon, ChevronRightIcon, CopyIcon, LockIcon } from 'lucide-react';
import { type ReactNode, useState } from 'react';
import { toast } from 'sonner';
import { EmptyState } from '@/components/empty-state';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Skeleton } from '@/components/ui/skeleton';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { describeError } from '@/lib/api';
import { copyText, roleLabel } from '@/lib/settings';
import { cn } from '@/lib/utils';

export function RoleBadge({ role }: { role: Role }) {
  return (
    <Badge variant={role === 'admin' ? 'default' : role === 'operator' ? 'secondary' : 'outline'} data-role={role}>
      {roleLabel(role)}
    </Badge>
  );
}

const TONE_DOT = {
  success: 'bg-success',
  warning: 'bg-warning',
  destructive: 'bg-destructive',
  muted: 'bg-muted-foreground',
} as const;

/**
 * A status pill: a coloured dot and foreground text. The text keeps full contrast in both themes
 * (the tinted success/warning Badge variants fall under 4.5:1 in the light theme).
 */
export function StatusBadge({ tone, children, title }: { tone: keyof typeof TONE_DOT; children: ReactNode; title?: string }) {
  return (
    <Badge variant="outline" title={title} data-tone={tone} className="gap-1.5 font-normal">
      <span aria-hidden className={cn('size-1.5 rounded-full', TONE_DOT[tone])} />
      {children}
    </Badge>
  );
}

/** A table-shaped placeholder while a list loads. */
export function TableSkeleton({ columns, rows = 5, label }: { columns: string[]; rows?: number; label: string }) {
  return (
    <div className="rounded-xl border bg-card" aria-busy="true" aria-label={label}>
      <Table>
        <TableHeader>
          <TableRow>
            {columns.map((column) => (
              <TableHead key={column}>{column}</TableHead>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {Array.from({ length: rows }, (_, row) => (
            <TableRow key={row}>
              {columns.map((column, index) => (
                <TableCell key={column}>
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

export function NoAccess({ what }: { what: string }) {
  return (
    <EmptyState
      icon={LockIcon}
      title="You do not have access"
      description={`Your role cannot see ${what}. Ask an administrator if you need it.`}
    />
  );
}

/** Copies a value with a toast; shows a check for a moment after success. */
export function CopyButton({ value, what = 'Value', label = 'Copy', className }: { value: string; what?: string; label?: string; className?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      type="button"
      variant="outline"
      className={className}
      onClick={async () => {
        try {
          await copyText(value);
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
          toast.success(`${what} copied to the clipboard`);
        } catch (error) {
          toast.error(describeError(error));
        }
      }}
    >
      {copied ? <CheckIcon aria-hidden /> : <CopyIcon aria-hidden />}
      {label}
    </Button>
  );
}

/** A secret shown once: a read-only input (select-all on focus) and a Copy button. */
export function SecretField({ value, label, what, id }: { value: string; label: string; what: string; id?: string }) {
  return (
    <div className="flex gap-2">
      <Input
        id={id}
        readOnly
        value={value}
        aria-label={label}
        className="font-mono text-xs"
        onFocus={(event) => event.currentTarget.select()}
      />
      <CopyButton value={value} what={what} />
    </div>
  );
}

/** Previous/next paging with "1–20 of 143". */
export function Pager({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage: (page: number) => void }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return (
    <nav aria-label="Pagination" className="flex flex-wrap items-center justify-between gap-2 text-sm text-muted-foreground">
      <p aria-live="polite">
        {first}–{last} of {total}
      </p>
      <div className="flex items-center gap-2">
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

/** A date with the exact time on hover. */
export function When({ iso, children }: { iso: string | null; children: ReactNode }) {
  if (!iso) return <span className="text-muted-foreground">{children}</span>;
  return (
    <time dateTime={iso} title={new Date(iso).toLocaleString('en-GB')}>
      {children}
    </time>
  );
}
