'use client';

import type { Role } from '@castline/contracts/permissions';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { KeyRoundIcon, PlusIcon, TriangleAlertIcon } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { toast } from 'sonner';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { PageHeader } from '@/components/page-header';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Switch } from '@/components/ui/switch';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { api, describeError } from '@/lib/api';
import { useCan } from '@/lib/auth';
import { formatDateTime, formatRelative } from '@/lib/format';
import { type ApiKeyStatus, type ApiKeyView, apiKeyStatus, type CreatedApiKey, ROLE_OPTIONS, settingsKeys } from '@/lib/settings';
import { NoAccess, RoleBadge, SecretField, StatusBadge, TableSkeleton, When } from './common';

const COLUMNS = ['Name', 'Role', 'Prefix', 'Created', 'Last used', 'Expires', 'Status'];

const EXPIRY_OPTIONS = [
  { value: 'never', label: 'Never' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In 365 days' },
  { value: 'date', label: 'On a date…' },
] as const;
type Expiry = (typeof EXPIRY_OPTIONS)[number]['value'];

const STATUS_BADGE: Record<ApiKeyStatus, { label: string; tone: 'success' | 'muted' | 'warning' }> = {
  active: { label: 'Active', tone: 'success' },
  revoked: { label: 'Revoked', tone: 'muted' },
  expired: { label: 'Expired', tone: 'warning' },
};

const DAY_MS = 86_400_000;

/** yyyy-mm-dd of a local date, for <input type="date">. */
const localDate = (date: Date) =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;

/** The ISO instant a choice means; a picked date expires at the end of that local day. Undefined = never. */
function expiresAt(expiry: Expiry, date: string): string | undefined {
  if (expiry === 'never') return undefined;
  if (expiry === 'date') return new Date(`${date}T23:59:59`).toISOString();
  return new Date(Date.now() + Number(expiry) * DAY_MS).toISOString();
}

function CreateApiKeyDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [expiry, setExpiry] = useState<Expiry>('90');
  const [date, setDate] = useState('');
  const [touched, setTouched] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);

  const reset = () => {
    setName('');
    setRole('viewer');
    setExpiry('90');
    setDate('');
    setTouched(false);
    setCreated(null);
  };
  const close = () => {
    onOpenChange(false);
    reset();
  };

  const create = useMutation({
    mutationFn: () => api<CreatedApiKey>('/api-keys', { method: 'POST', body: { name: name.trim(), role, expiresAt: expiresAt(expiry, date) } }),
    onSuccess: (key) => {
      toast.success(`API key "${key.name}" created`);
      setCreated(key);
      void queryClient.invalidateQueries({ queryKey: settingsKeys.apiKeys() });
    },
    onError: (error) => toast.error('Could not create the API key', { description: describeError(error) }),
  });

  const [tomorrow] = useState(() => localDate(new Date(Date.now() + DAY_MS)));
  const nameProblem = name.trim() ? null : 'Give the key a name, e.g. the system that will use it';
  const dateProblem = expiry === 'date' && (!date || date < tomorrow) ? 'Pick a date after today' : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!nameProblem && !dateProblem) create.mutate();
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (!next) close();
        else onOpenChange(true);
      }}
    >
      <DialogContent
        onInteractOutside={(event) => {
          // The secret is shown once: do not lose it to a stray click outside.
          if (created) event.preventDefault();
        }}
      >
        {created ? (
          <>
            <DialogHeader>
              <DialogTitle>API key created</DialogTitle>
              <DialogDescription>
                Send it in the <code className="font-mono">X-API-Key</code> header. It acts with the {created.role} role.
              </DialogDescription>
            </DialogHeader>
            <div role="alert" className="flex gap-2 rounded-md border border-warning/40 bg-warning/10 p-3 text-sm">
              <TriangleAlertIcon className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden />
              <p>Copy this key now. It will not be shown again: Castline keeps only a hash of it.</p>
            </div>
            <SecretField value={created.key} label="New API key" what="API key" />
            <DialogFooter>
              <Button onClick={close}>I have copied it</Button>
            </DialogFooter>
          </>
        ) : (
          <form onSubmit={submit} noValidate className="grid gap-4">
            <DialogHeader>
              <DialogTitle>Create API key</DialogTitle>
              <DialogDescription>For scripts and integrations. The key gets a role like a user does.</DialogDescription>
            </DialogHeader>
            <div className="grid gap-2">
              <Label htmlFor="api-key-name">Name</Label>
              <Input
                id="api-key-name"
                value={name}
                maxLength={100}
                autoComplete="off"
                placeholder="e.g. Playout automation"
                aria-invalid={touched && nameProblem ? true : undefined}
                aria-describedby={touched && nameProblem ? 'api-key-name-error' : undefined}
                onChange={(event) => setName(event.target.value)}
              />
              {touched && nameProblem && (
                <p id="api-key-name-error" className="text-xs text-destructive">
                  {nameProblem}
                </p>
              )}
            </div>
            <div className="grid gap-2">
              <Label htmlFor="api-key-role">Role</Label>
              <Select value={role} onValueChange={(value) => setRole(value as Role)}>
                <SelectTrigger id="api-key-role">
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
              <p className="text-xs text-muted-foreground">{ROLE_OPTIONS.find((option) => option.value === role)?.description}</p>
            </div>
            <div className="grid gap-2">
              <Label htmlFor="api-key-expires">Expires</Label>
              <Select value={expiry} onValueChange={(value) => setExpiry(value as Expiry)}>
                <SelectTrigger id="api-key-expires">
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  {EXPIRY_OPTIONS.map((option) => (
                    <SelectItem key={option.value} value={option.value}>
                      {option.label}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            </div>
            {expiry === 'date' && (
              <div className="grid gap-2">
                <Label htmlFor="api-key-date">Expiry date</Label>
                <Input
                  id="api-key-date"
                  type="date"
                  min={tomorrow}
                  value={date}
                  aria-invalid={touched && dateProblem ? true : undefined}
                  aria-describedby="api-key-date-hint"
                  onChange={(event) => setDate(event.target.value)}
                />
                <p id="api-key-date-hint" className={touched && dateProblem ? 'text-xs text-destructive' : 'text-xs text-muted-foreground'}>
                  {touched && dateProblem ? dateProblem : 'The key stops working at the end of that day.'}
                </p>
              </div>
            )}
            <DialogFooter>
              <Button type="button" variant="outline" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" disabled={create.isPending}>
                {create.isPending ? 'Creating…' : 'Create API key'}
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

function RevokeButton({ apiKey }: { apiKey: ApiKeyView }) {
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => api<void>(`/api-keys/${apiKey.id}`, { method: 'DELETE' }),
    onSuccess: () => {
      toast.success(`API key "${apiKey.name}" revoked`);
      void queryClient.invalidateQueries({ queryKey: settingsKeys.apiKeys() });
    },
    onError: (error) => toast.error(`Could not revoke "${apiKey.name}"`, { description: describeError(error) }),
  });
  return (
    <ConfirmDialog
      trigger={
        <Button variant="outline" size="sm" disabled={revoke.isPending} aria-label={`Revoke ${apiKey.name}`}>
          Revoke
        </Button>
      }
      title={`Revoke "${apiKey.name}"?`}
      description="Requests using this key are refused from now on. This cannot be undone; create a new key if it is needed again."
      confirmLabel="Revoke"
      onConfirm={() => revoke.mutate()}
    />
  );
}

export function ApiKeysPage() {
  const canRead = useCan('api-keys:read');
  if (!canRead) {
    return (
      <>
        <PageHeader title="API keys" description="Keys for scripts and integrations to call the Castline API." />
        <NoAccess what="API keys" />
      </>
    );
  }
  return <ApiKeysList />;
}

function ApiKeysList() {
  const canWrite = useCan('api-keys:write');
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const [creating, setCreating] = useState(false);
  const query = useQuery({
    queryKey: settingsKeys.apiKeys(includeRevoked),
    queryFn: ({ signal }) => api<{ items: ApiKeyView[] }>(`/api-keys?includeRevoked=${includeRevoked}`, { signal }),
    refetchInterval: 60_000,
  });

  const createButton = canWrite && (
    <Button onClick={() => setCreating(true)}>
      <PlusIcon aria-hidden /> Create API key
    </Button>
  );

  let body;
  if (query.isPending) body = <TableSkeleton columns={COLUMNS} rows={3} label="Loading API keys" />;
  else if (query.isError) body = <ErrorState error={query.error} onRetry={() => void query.refetch()} title="Could not load the API keys" />;
  else if (query.data.items.length === 0)
    body = (
      <EmptyState
        icon={KeyRoundIcon}
        title={includeRevoked ? 'No API keys' : 'No active API keys'}
        description={
          canWrite
            ? 'Create a key for each script or system that calls the API, with the smallest role it needs.'
            : 'An administrator can create keys for scripts and integrations.'
        }
        action={createButton || undefined}
      />
    );
  else {
    // The time of the fetch decides "expired": render stays pure, and the list refetches every minute.
    const now = query.dataUpdatedAt;
    body = (
      <div className="rounded-xl border bg-card">
        <Table>
          <TableHeader>
            <TableRow>
              {COLUMNS.map((column) => (
                <TableHead key={column}>{column}</TableHead>
              ))}
              {canWrite && (
                <TableHead className="w-10">
                  <span className="sr-only">Actions</span>
                </TableHead>
              )}
            </TableRow>
          </TableHeader>
          <TableBody>
            {query.data.items.map((key) => {
              const status = apiKeyStatus(key, now);
              const badge = STATUS_BADGE[status];
              return (
                <TableRow key={key.id} data-api-key={key.name} className={status === 'active' ? undefined : 'text-muted-foreground'}>
                  <TableCell className="font-medium">{key.name}</TableCell>
                  <TableCell>
                    <RoleBadge role={key.role} />
                  </TableCell>
                  <TableCell>
                    <code className="font-mono text-xs">cl_{key.prefix}_…</code>
                  </TableCell>
                  <TableCell className="text-muted-foreground">
                    <When iso={key.createdAt}>{formatDateTime(key.createdAt)}</When>
                  </TableCell>
                  <TableCell className="text-muted-foreground">
                    <When iso={key.lastUsedAt}>{formatRelative(key.lastUsedAt)}</When>
                  </TableCell>
                  <TableCell className="text-muted-foreground">
                    <When iso={key.expiresAt}>{key.expiresAt ? formatDateTime(key.expiresAt) : 'Never'}</When>
                  </TableCell>
                  <TableCell>
                    <StatusBadge tone={badge.tone} title={key.revokedAt ? `Revoked ${formatDateTime(key.revokedAt)}` : undefined}>
                      {badge.label}
                    </StatusBadge>
                  </TableCell>
                  {canWrite && <TableCell className="text-right">{status !== 'revoked' && <RevokeButton apiKey={key} />}</TableCell>}
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </div>
    );
  }

  return (
    <>
      <PageHeader title="API keys" description="Keys for scripts and integrations to call the Castline API." actions={createButton} />
      <div className="mb-4 flex items-center gap-2">
        <Switch id="api-keys-revoked" checked={includeRevoked} onCheckedChange={setIncludeRevoked} />
        <Label htmlFor="api-keys-revoked">Show revoked keys</Label>
      </div>
      {body}
      {canWrite && <CreateApiKeyDialog open={creating} onOpenChange={setCreating} />}
    </>
  );
}
