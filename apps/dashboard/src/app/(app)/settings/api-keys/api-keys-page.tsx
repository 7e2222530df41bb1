'use client';

import { CreateApiKeyBodySchema, ListApiKeysQuerySchema, type Permission, ROLE_PERMISSIONS } from '@castline/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { KeyRoundIcon, PlusIcon, TriangleAlertIcon } from 'lucide-react';
import { useState } from 'react';
import { Controller } from 'react-hook-form';
import { toast } from 'sonner';
import { z } from 'zod';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { EmptyState } from '@/components/empty-state';
import { FormActions, FormError, FormField } from '@/components/form-field';
import { PageHeader } from '@/components/page-header';
import { ResourceTable } from '@/components/resource-table';
import { PermissionGate, RoleBadge, RoleSelect, SecretField, StatusBadge, When } from '@/components/settings/common';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Switch } from '@/components/ui/switch';
import { api, ApiError, describeError } from '@/lib/api';
import { useCan } from '@/lib/auth';
import { formatDateTime, formatRelative } from '@/lib/format';
import { type ApiKeyStatus, type ApiKeyView, apiKeyStatus, type CreatedApiKey, type Page, queryString, settingsKeys } from '@/lib/settings';
import { useTableSearch } from '@/lib/use-table-search';
import { useZodForm } from '@/lib/use-zod-form';

/** The list's state in the URL: ?page=&pageSize=&sort=&includeRevoked=, checked with the API's own query schema. */
const ApiKeysSearchSchema = z.object({
  page: ListApiKeysQuerySchema.shape.page.catch(1),
  pageSize: ListApiKeysQuerySchema.shape.pageSize.unwrap().catch(25),
  sort: ListApiKeysQuerySchema.shape.sort.catch('-createdAt'),
  includeRevoked: ListApiKeysQuerySchema.shape.includeRevoked.catch(false),
});

/** The permission a shop's key is limited to: POST /campaigns/conversions and nothing else. */
const CONVERSIONS_ONLY: Permission = 'conversions:write';

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

/**
 * The `expiresAt` a choice means; a picked date expires at the end of that local day. Undefined = never; ''
 * (no date picked yet) is refused by the schema like any other missing date.
 */
function expiresAt(expiry: Expiry, date: string): string | undefined {
  if (expiry === 'never') return undefined;
  if (expiry === 'date') return date ? new Date(`${date}T23:59:59`).toISOString() : '';
  return new Date(Date.now() + Number(expiry) * DAY_MS).toISOString();
}

function CreateApiKeyDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const queryClient = useQueryClient();
  const [expiry, setExpiry] = useState<Expiry>('90');
  const [date, setDate] = useState('');
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  // The gateway wants the password again when the sign-in is older than 5 minutes: then the field appears.
  const [needsPassword, setNeedsPassword] = useState(false);
  const [tomorrow] = useState(() => localDate(new Date(Date.now() + DAY_MS)));

  const create = useMutation({
    mutationFn: (body: z.output<typeof CreateApiKeyBodySchema>) => api<CreatedApiKey>('/api-keys', { method: 'POST', body }),
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'REAUTHENTICATION_REQUIRED') setNeedsPassword(true);
    },
    onSuccess: (key) => {
      toast.success(`API key "${key.name}" created`);
      void queryClient.invalidateQueries({ queryKey: settingsKeys.apiKeys() });
    },
  });
  const form = useZodForm(CreateApiKeyBodySchema, create, {
    defaultValues: { name: '', role: 'viewer', expiresAt: expiresAt('90', '') },
    onSuccess: setCreated,
  });
  const { errors } = form.formState;
  // The expiry choice and the date are one field of the body: expiresAt, set when either changes.
  const choose = (nextExpiry: Expiry, nextDate: string) => {
    setExpiry(nextExpiry);
    setDate(nextDate);
    form.setValue('expiresAt', expiresAt(nextExpiry, nextDate), { shouldValidate: form.formState.isSubmitted });
  };

  const close = () => {
    onOpenChange(false);
    form.reset();
    setNeedsPassword(false);
    setExpiry('90');
    setDate('');
    setCreated(null);
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
          <form onSubmit={form.submit} noValidate className="grid gap-4">
            <DialogHeader>
              <DialogTitle>Create API key</DialogTitle>
              <DialogDescription>For scripts and integrations. The key gets a role like a user does.</DialogDescription>
            </DialogHeader>
            <FormError message={form.rootError} />
            <FormField id="api-key-name" label="Name" error={errors.name?.message}>
              {(control) => <Input {...control} maxLength={100} autoComplete="off" placeholder="e.g. Playout automation" {...form.register('name')} />}
            </FormField>
            <div className="grid gap-2">
              <Label htmlFor="api-key-role">Role</Label>
              <Controller
                control={form.control}
                name="role"
                render={({ field }) => <RoleSelect id="api-key-role" value={field.value} onChange={field.onChange} />}
              />
            </div>
            <Controller
              control={form.control}
              name="permissions"
              render={({ field }) => {
                const role = form.watch('role');
                const chosen = new Set<Permission>(field.value ?? []);
                const toggle = (permission: Permission, on: boolean) => {
                  if (on) chosen.add(permission);
                  else chosen.delete(permission);
                  field.onChange(chosen.size > 0 ? [...chosen] : undefined);
                };
                return (
                  <fieldset className="grid gap-1.5" aria-describedby="api-key-permissions-hint">
                    <legend className="text-sm font-medium">Limit to (optional)</legend>
                    <p id="api-key-permissions-hint" className="text-xs text-muted-foreground">
                      None ticked: everything the role may do. A shop that only posts conversions needs conversions:write alone: it can then change and read nothing else.
                    </p>
                    {ROLE_PERMISSIONS[role].has(CONVERSIONS_ONLY) && (
                      <Button
                        type="button"
                        variant="outline"
                        size="sm"
                        className="justify-self-start"
                        aria-pressed={chosen.size === 1 && chosen.has(CONVERSIONS_ONLY)}
                        onClick={() => field.onChange([CONVERSIONS_ONLY])}
                      >
                        Conversions only (a shop&apos;s key)
                      </Button>
                    )}
                    <div className="grid grid-cols-2 gap-1">
                      {[...ROLE_PERMISSIONS[role]].map((permission) => (
                        <label key={permission} className="flex items-center gap-2 text-sm">
                          <Checkbox checked={chosen.has(permission)} onCheckedChange={(on) => toggle(permission, on === true)} />
                          <code className="font-mono text-xs">{permission}</code>
                        </label>
                      ))}
                    </div>
                    {errors.permissions?.message && <p className="text-xs text-destructive">{errors.permissions.message}</p>}
                  </fieldset>
                );
              }}
            />
            <FormField id="api-key-expires" label="Expires" error={expiry === 'date' ? undefined : errors.expiresAt?.message}>
              {(control) => (
                <Select value={expiry} onValueChange={(value) => choose(value as Expiry, date)}>
                  <SelectTrigger {...control}>
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
              )}
            </FormField>
            {expiry === 'date' && (
              <FormField id="api-key-date" label="Expiry date" error={errors.expiresAt?.message} hint="The key stops working at the end of that day.">
                {(control) => <Input {...control} type="date" min={tomorrow} value={date} onChange={(event) => choose('date', event.target.value)} />}
              </FormField>
            )}
            {needsPassword && (
              <FormField id="api-key-password" label="Your password" error={errors.password?.message} hint="You signed in more than 5 minutes ago: confirm it is you.">
                {(control) => <Input {...control} type="password" autoComplete="current-password" {...form.register('password')} />}
              </FormField>
            )}
            <FormActions onCancel={close} submitting={form.formState.isSubmitting} label="Create API key" busyLabel="Creating…" />
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
  return (
    <PermissionGate permission="api-keys:read" title="API keys" description="Keys for scripts and integrations to call the Castline API." what="API keys">
      <ApiKeysList />
    </PermissionGate>
  );
}

function ApiKeysList() {
  const canWrite = useCan('api-keys:write');
  const [creating, setCreating] = useState(false);
  const search = useTableSearch(ApiKeysSearchSchema);
  const params = search.values;
  const query = useQuery({
    queryKey: settingsKeys.apiKeys(params),
    queryFn: ({ signal }) => api<Page<ApiKeyView>>(`/api-keys${queryString(params)}`, { signal }),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
  // The time of the fetch decides "expired": render stays pure, and the list refetches every minute.
  const now = query.dataUpdatedAt;

  const createButton = canWrite && (
    <Button onClick={() => setCreating(true)}>
      <PlusIcon aria-hidden /> Create API key
    </Button>
  );

  const columns: Array<ColumnDef<ApiKeyView, never>> = [
    { accessorKey: 'name', header: 'Name', meta: { className: 'font-medium' }, cell: ({ row }) => row.original.name },
    { accessorKey: 'role', header: 'Role', cell: ({ row }) => <RoleBadge role={row.original.role} /> },
    {
      id: 'permissions',
      header: 'Limited to',
      enableSorting: false,
      cell: ({ row }) => (row.original.permissions.length > 0 ? <code className="font-mono text-xs">{row.original.permissions.join(', ')}</code> : <span className="text-muted-foreground">role</span>),
    },
    { id: 'prefix', header: 'Prefix', enableSorting: false, cell: ({ row }) => <code className="font-mono text-xs">cl_{row.original.prefix}_…</code> },
    {
      accessorKey: 'createdAt',
      header: 'Created',
      sortDescFirst: true,
      meta: { className: 'text-muted-foreground' },
      cell: ({ row }) => <When iso={row.original.createdAt}>{formatDateTime(row.original.createdAt)}</When>,
    },
    {
      accessorKey: 'lastUsedAt',
      header: 'Last used',
      sortDescFirst: true,
      meta: { className: 'text-muted-foreground' },
      cell: ({ row }) => <When iso={row.original.lastUsedAt}>{formatRelative(row.original.lastUsedAt)}</When>,
    },
    {
      accessorKey: 'expiresAt',
      header: 'Expires',
      meta: { className: 'text-muted-foreground' },
      cell: ({ row: { original: key } }) => <When iso={key.expiresAt}>{key.expiresAt ? formatDateTime(key.expiresAt) : 'Never'}</When>,
    },
    {
      id: 'status',
      header: 'Status',
      enableSorting: false,
      cell: ({ row: { original: key } }) => {
        const badge = STATUS_BADGE[apiKeyStatus(key, now)];
        return (
          <StatusBadge tone={badge.tone} title={key.revokedAt ? `Revoked ${formatDateTime(key.revokedAt)}` : undefined}>
            {badge.label}
          </StatusBadge>
        );
      },
    },
  ];

  return (
    <>
      <PageHeader title="API keys" description="Keys for scripts and integrations to call the Castline API." actions={createButton} />
      <div className="mb-4 flex items-center gap-2">
        <Switch id="api-keys-revoked" checked={params.includeRevoked} onCheckedChange={(includeRevoked) => search.set({ includeRevoked })} />
        <Label htmlFor="api-keys-revoked">Show revoked keys</Label>
      </div>
      <ResourceTable
        label="API keys"
        columns={columns}
        query={query}
        search={search}
        skeletonRows={3}
        getRowId={(key) => key.id}
        rowProps={(key) => ({ 'data-api-key': key.name, className: apiKeyStatus(key, now) === 'active' ? undefined : 'text-muted-foreground' })}
        rowActions={canWrite ? (key) => (apiKeyStatus(key, now) !== 'revoked' ? <RevokeButton apiKey={key} /> : null) : undefined}
        errorTitle="Could not load the API keys"
        empty={
          <EmptyState
            icon={KeyRoundIcon}
            title={params.includeRevoked ? 'No API keys' : 'No active API keys'}
            description={
              canWrite
                ? 'Create a key for each script or system that calls the API, with the smallest role it needs.'
                : 'An administrator can create keys for scripts and integrations.'
            }
            action={createButton || undefined}
          />
        }
      />
      {canWrite && <CreateApiKeyDialog open={creating} onOpenChange={setCreating} />}
    </>
  );
}
