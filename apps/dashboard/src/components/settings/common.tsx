'use client';

import type { Permission, Role } from '@castline/contracts/permissions';
import { CheckIcon, CopyIcon, LockIcon, SearchIcon } from 'lucide-react';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { toast } from 'sonner';
import { EmptyState } from '@/components/empty-state';
import { PageHeader } from '@/components/page-header';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { describeError } from '@/lib/api';
import { useCan } from '@/lib/auth';
import { copyText } from '@/lib/clipboard';
import { ROLE_OPTIONS, roleLabel } from '@/lib/settings';
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

/** The role picker with a line saying what the chosen role may do. */
export function RoleSelect({ id, value, onChange, describedBy }: { id: string; value: Role; onChange: (role: Role) => void; describedBy?: string }) {
  return (
    <>
      <Select value={value} onValueChange={(next) => onChange(next as Role)}>
        <SelectTrigger id={id} aria-describedby={[`${id}-hint`, describedBy].filter(Boolean).join(' ')}>
          <SelectValue />
        </SelectTrigger>
        <SelectContent>
          {ROLE_OPTIONS.map((option) => (
            <SelectItem key={option.value} value={option.value}>
              {option.label}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
      <p id={`${id}-hint`} className="text-xs text-muted-foreground">
        {ROLE_OPTIONS.find((option) => option.value === value)?.description}
      </p>
    </>
  );
}

/** A settings page for the roles with `permission`; the others see its title and why they cannot see more. */
export function PermissionGate({ permission, title, description, what, children }: { permission: Permission; title: string; description: string; what: string; children: ReactNode }) {
  if (useCan(permission)) return children;
  return (
    <>
      <PageHeader title={title} description={description} />
      <NoAccess what={what} />
    </>
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

/** A date with the exact time on hover. */
export function When({ iso, children }: { iso: string | null; children: ReactNode }) {
  if (!iso) return <span className="text-muted-foreground">{children}</span>;
  return (
    <time dateTime={iso} title={new Date(iso).toLocaleString('en-GB')}>
      {children}
    </time>
  );
}

/**
 * A search box over a table: typing updates the URL (and so the query) 300 ms after the last keystroke; the
 * URL's value wins when it changes from elsewhere (back, Clear filters).
 */
export function SearchBox({ label, placeholder, value, onSearch }: { label: string; placeholder: string; value: string; onSearch: (text: string) => void }) {
  const [text, setText] = useState(value);
  const [synced, setSynced] = useState(value);
  if (value !== synced) {
    setSynced(value);
    setText(value);
  }
  const latest = useRef(onSearch);
  useEffect(() => {
    latest.current = onSearch;
  });
  useEffect(() => {
    const trimmed = text.trim();
    if (trimmed === value) return;
    const timer = setTimeout(() => latest.current(trimmed), 300);
    return () => clearTimeout(timer);
  }, [text, value]);
  return (
    <div className="relative w-full sm:w-72">
      <SearchIcon className="pointer-events-none absolute top-2.5 left-2.5 size-4 text-muted-foreground" aria-hidden />
      <Input type="search" aria-label={label} maxLength={100} placeholder={placeholder} className="pl-8" value={text} onChange={(event) => setText(event.target.value)} />
    </div>
  );
}
