'use client';

import { ConnectAdAccountSchema, type DiscoverGoogleCustomersReply, type GoogleDiscoveredCustomer, type SyncNowReply } from '@castline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { PlugIcon, PlusIcon, RefreshCwIcon } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { FormActions, FormError, FormField } from '@/components/form-field';
import { PageHeader } from '@/components/page-header';
import { PermissionGate, StatusBadge, When } from '@/components/settings/common';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Checkbox } from '@/components/ui/checkbox';
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Skeleton } from '@/components/ui/skeleton';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { api, describeError } from '@/lib/api';
import { useCan } from '@/lib/auth';
import { type AdAccountView, campaignKeys, type SyncRunView, useAccountEvents } from '@/lib/campaigns';
import { formatDateTime, formatRelative } from '@/lib/format';
import type { Page } from '@/lib/settings';
import { useZodForm } from '@/lib/use-zod-form';

const [MetaConnectSchema, GoogleConnectSchema] = ConnectAdAccountSchema.options;

const STATUS_TONE = { active: 'success', paused: 'warning', error: 'destructive' } as const;

export function AccountsPage() {
  return (
    <PermissionGate permission="campaigns:read" title="Ad accounts" description="Connected Meta and Google Ads accounts." what="ad accounts">
      <Accounts />
    </PermissionGate>
  );
}

function Accounts() {
  const canConnect = useCan('campaign-accounts:write');
  const [connecting, setConnecting] = useState<'meta' | 'google' | null>(null);
  useAccountEvents();
  const query = useQuery({
    queryKey: campaignKeys.accounts(),
    queryFn: ({ signal }) => api<{ items: AdAccountView[] }>('/campaigns/accounts', { signal }),
    refetchInterval: 10_000,
  });
  const actions = canConnect && (
    <>
      <Button onClick={() => setConnecting('meta')}>
        <PlusIcon aria-hidden /> Connect Meta
      </Button>
      <Button variant="outline" onClick={() => setConnecting('google')}>
        <PlusIcon aria-hidden /> Connect Google Ads
      </Button>
    </>
  );
  return (
    <>
      <PageHeader title="Ad accounts" description="Synced hourly (today and yesterday) and nightly at 03:00 account time (late conversions). Credentials are never shown again." actions={actions} />
      {query.isPending ? (
        <Skeleton className="h-40 w-full" />
      ) : query.isError ? (
        <ErrorState title="Could not load the ad accounts" error={query.error} onRetry={() => void query.refetch()} />
      ) : query.data.items.length === 0 ? (
        <EmptyState icon={PlugIcon} title="No ad account connected" description="Connect a Meta ad account or a Google Ads customer: its last two years are pulled in, then it stays in sync." action={actions || undefined} />
      ) : (
        <div className="grid gap-4">
          {query.data.items.map((account) => (
            <AccountCard key={account.id} account={account} />
          ))}
        </div>
      )}
      {connecting && <ConnectDialog platform={connecting} onClose={() => setConnecting(null)} />}
    </>
  );
}

function AccountCard({ account }: { account: AdAccountView }) {
  const queryClient = useQueryClient();
  const canSync = useCan('campaigns:write');
  const canManage = useCan('campaign-accounts:write');
  const refresh = () => void queryClient.invalidateQueries({ queryKey: campaignKeys.all });
  const syncNow = useMutation({
    mutationFn: () => api<SyncNowReply>(`/campaigns/accounts/${account.id}/sync`, { method: 'POST', body: {} }),
    onSuccess: (reply) => {
      const after = reply.behind ? `: it runs after the ${reply.behind} sync in progress` : '';
      toast.success(reply.queued ? `Sync of ${account.name} queued${after}` : `${account.name} is syncing already${after}`);
      refresh();
    },
    onError: (error) => toast.error(`Could not sync ${account.name}`, { description: describeError(error) }),
  });
  const toggle = useMutation({
    mutationFn: () => api<AdAccountView>(`/campaigns/accounts/${account.id}/${account.status === 'paused' ? 'resume' : 'pause'}`, { method: 'POST', body: {} }),
    onSuccess: refresh,
    onError: (error) => toast.error(`Could not change ${account.name}`, { description: describeError(error) }),
  });
  const runs = useQuery({
    queryKey: campaignKeys.runs(account.id),
    queryFn: ({ signal }) => api<Page<SyncRunView>>(`/campaigns/accounts/${account.id}/runs?pageSize=5`, { signal }),
    refetchInterval: 10_000,
  });
  return (
    <Card data-account={account.name}>
      <CardHeader className="flex flex-row flex-wrap items-start justify-between gap-2">
        <div>
          <CardTitle className="flex items-center gap-2">
            {account.name}
            <StatusBadge tone={STATUS_TONE[account.status]}>{account.status}</StatusBadge>
          </CardTitle>
          <p className="mt-1 text-sm text-muted-foreground">
            {account.platform === 'meta' ? 'Meta' : 'Google Ads'} {account.externalId} · {account.currency} · {account.timezone} · credentials set (…{account.credentials.last4}) · last sync{' '}
            <When iso={account.lastSyncedAt}>{account.lastSyncedAt ? formatRelative(account.lastSyncedAt) : 'never'}</When>
          </p>
          {account.statusMessage && (
            <p role="status" className="mt-2 text-sm">
              {account.statusMessage}
            </p>
          )}
        </div>
        <div className="flex gap-2">
          {canSync && (
            <Button size="sm" onClick={() => syncNow.mutate()} disabled={syncNow.isPending || account.status === 'paused'}>
              <RefreshCwIcon aria-hidden /> Sync now
            </Button>
          )}
          {canManage && (
            <Button size="sm" variant="outline" onClick={() => toggle.mutate()} disabled={toggle.isPending}>
              {account.status === 'paused' ? 'Resume' : 'Pause'}
            </Button>
          )}
        </div>
      </CardHeader>
      <CardContent>
        <Table aria-label={`Sync history of ${account.name}`}>
          <TableHeader>
            <TableRow>
              <TableHead>Started</TableHead>
              <TableHead>Kind</TableHead>
              <TableHead>Range</TableHead>
              <TableHead>Status</TableHead>
              <TableHead className="text-right">API calls</TableHead>
              <TableHead className="text-right">Rows changed</TableHead>
              <TableHead>Error</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {(runs.data?.items ?? []).map((run) => (
              <TableRow key={run.id} data-run-status={run.status} data-run-kind={run.kind}>
                <TableCell>{formatDateTime(run.startedAt)}</TableCell>
                <TableCell>{run.kind}</TableCell>
                <TableCell>
                  {run.since} – {run.until}
                </TableCell>
                <TableCell>{run.status}</TableCell>
                <TableCell className="text-right tabular-nums">{run.apiCalls}</TableCell>
                <TableCell className="text-right tabular-nums">
                  {run.rowsChanged} / {run.rowsUpserted}
                </TableCell>
                <TableCell className="max-w-80 truncate" title={run.error ?? undefined}>
                  {run.error ?? ''}
                </TableCell>
              </TableRow>
            ))}
            {runs.data?.items.length === 0 && (
              <TableRow>
                <TableCell colSpan={7} className="text-muted-foreground">
                  No sync yet.
                </TableCell>
              </TableRow>
            )}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}

function ConnectDialog({ platform, onClose }: { platform: 'meta' | 'google'; onClose: () => void }) {
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Connect {platform === 'meta' ? 'a Meta ad account' : 'a Google Ads customer'}</DialogTitle>
          <DialogDescription>The credentials are checked with the platform first, then stored encrypted; they are never shown again.</DialogDescription>
        </DialogHeader>
        {platform === 'meta' ? <MetaForm onDone={onClose} /> : <GoogleForm onDone={onClose} />}
      </DialogContent>
    </Dialog>
  );
}

function useConnect(onDone: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: unknown) => api<AdAccountView>('/campaigns/accounts', { method: 'POST', body }),
    onSuccess: (account) => {
      toast.success(`${account.name} connected; its history is being pulled in`);
      void queryClient.invalidateQueries({ queryKey: campaignKeys.all });
      onDone();
    },
  });
}

function MetaForm({ onDone }: { onDone: () => void }) {
  const form = useZodForm(MetaConnectSchema, useConnect(onDone), {
    defaultValues: { platform: 'meta', externalId: '', credentials: { accessToken: '', appSecret: '' } },
  });
  const { errors } = form.formState;
  return (
    <form onSubmit={form.submit} noValidate className="grid gap-4">
      <FormError message={form.rootError} />
      <FormField id="meta-account" label="Ad account id" hint="The number after act_" error={errors.externalId?.message}>
        {(control) => <Input {...control} inputMode="numeric" autoComplete="off" {...form.register('externalId')} />}
      </FormField>
      <FormField id="meta-token" label="Access token" error={errors.credentials?.accessToken?.message}>
        {(control) => <Input {...control} type="password" autoComplete="off" {...form.register('credentials.accessToken')} />}
      </FormField>
      <FormField id="meta-secret" label="App secret" error={errors.credentials?.appSecret?.message}>
        {(control) => <Input {...control} type="password" autoComplete="off" {...form.register('credentials.appSecret')} />}
      </FormField>
      <FormActions onCancel={onDone} submitting={form.formState.isSubmitting} label="Connect" busyLabel="Checking…" />
    </form>
  );
}

function GoogleForm({ onDone }: { onDone: () => void }) {
  const form = useZodForm(GoogleConnectSchema, useConnect(onDone), {
    defaultValues: { platform: 'google', externalId: '', credentials: { refreshToken: '', clientId: '', clientSecret: '', developerToken: '' } },
  });
  const { errors } = form.formState;
  const chosen = form.watch('customerIds') ?? [];
  const discover = useMutation({
    mutationFn: () => {
      const { refreshToken, clientId, clientSecret, developerToken } = form.getValues('credentials');
      return api<DiscoverGoogleCustomersReply>('/campaigns/accounts/discover', { method: 'POST', body: { credentials: { refreshToken, clientId, clientSecret, developerToken } } });
    },
  });
  /** Clients are connected through one manager at a time: choosing one under another manager starts over. */
  const choose = (customer: GoogleDiscoveredCustomer, checked: boolean) => {
    const sameGroup = chosen.length > 0 && discover.data?.customers.find((each) => each.id === chosen[0])?.managerId === customer.managerId;
    const next = checked ? [...(sameGroup ? chosen : []), customer.id] : chosen.filter((id) => id !== customer.id);
    form.setValue('customerIds', next.length > 0 ? next : undefined);
    form.setValue('externalId', customer.managerId ?? customer.id, { shouldValidate: form.formState.isSubmitted });
    form.setValue('credentials.loginCustomerId', customer.managerId ?? undefined);
  };
  return (
    <form onSubmit={form.submit} noValidate className="grid gap-4">
      <FormError message={form.rootError} />
      <FormField id="google-refresh" label="Refresh token" error={errors.credentials?.refreshToken?.message}>
        {(control) => <Input {...control} type="password" autoComplete="off" {...form.register('credentials.refreshToken')} />}
      </FormField>
      <FormField id="google-client-id" label="OAuth client id" error={errors.credentials?.clientId?.message}>
        {(control) => <Input {...control} autoComplete="off" {...form.register('credentials.clientId')} />}
      </FormField>
      <FormField id="google-client-secret" label="OAuth client secret" error={errors.credentials?.clientSecret?.message}>
        {(control) => <Input {...control} type="password" autoComplete="off" {...form.register('credentials.clientSecret')} />}
      </FormField>
      <FormField id="google-developer-token" label="Developer token" error={errors.credentials?.developerToken?.message}>
        {(control) => <Input {...control} type="password" autoComplete="off" {...form.register('credentials.developerToken')} />}
      </FormField>
      <div className="grid gap-2">
        <Button type="button" variant="outline" className="justify-self-start" disabled={discover.isPending} onClick={() => discover.mutate()}>
          {discover.isPending ? 'Finding accounts…' : 'Find accounts'}
        </Button>
        {discover.error && <FormError message={describeError(discover.error)} />}
        {discover.data && <DiscoveredCustomers customers={discover.data.customers} chosen={chosen} onChoose={choose} />}
      </div>
      <FormField
        id="google-customer"
        label="Customer id"
        hint={chosen.length > 0 ? `Through ${form.watch('externalId')}: ${chosen.join(', ')}` : '10 digits, no dashes (or choose accounts above)'}
        error={errors.externalId?.message ?? errors.customerIds?.message}
      >
        {(control) => <Input {...control} inputMode="numeric" autoComplete="off" readOnly={chosen.length > 0} {...form.register('externalId')} />}
      </FormField>
      <FormActions onCancel={onDone} submitting={form.formState.isSubmitting} label="Connect" busyLabel="Checking…" />
    </form>
  );
}

/**
 * What the credentials reach, grouped by the manager (MCC) they are reached through. Managers and refused
 * customers cannot be chosen: a manager has no metrics of its own, its clients do.
 */
function DiscoveredCustomers({ customers, chosen, onChoose }: { customers: GoogleDiscoveredCustomer[]; chosen: string[]; onChoose: (customer: GoogleDiscoveredCustomer, checked: boolean) => void }) {
  if (customers.length === 0) return <p className="text-sm text-muted-foreground">These credentials reach no Google Ads customer.</p>;
  return (
    <ul className="grid max-h-64 gap-1 overflow-y-auto rounded-md border p-2 text-sm" data-testid="google-customers">
      {customers.map((customer) => {
        const choosable = !customer.manager && customer.status === 'ENABLED';
        const id = `google-customer-${customer.id}`;
        return (
          <li key={customer.id} className="flex items-center gap-2" style={{ paddingLeft: `${customer.level * 1.25}rem` }} data-google-customer={customer.id}>
            {choosable ? (
              <Checkbox id={id} checked={chosen.includes(customer.id)} onCheckedChange={(checked) => onChoose(customer, checked === true)} />
            ) : (
              <span className="size-4" aria-hidden />
            )}
            <label htmlFor={choosable ? id : undefined} className={choosable ? 'cursor-pointer' : 'text-muted-foreground'}>
              {customer.name} ({customer.id}){customer.currency && ` · ${customer.currency}`}
              {customer.manager && ' · manager'}
              {customer.status !== 'ENABLED' && ` · ${customer.code ?? customer.status.toLowerCase()}`}
            </label>
          </li>
        );
      })}
    </ul>
  );
}
