'use client';

import { CreateTrackingLinkSchema } from '@castline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { LinkIcon, PlusIcon } from 'lucide-react';
import { useState } from 'react';
import { Controller } from 'react-hook-form';
import { toast } from 'sonner';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { FormActions, FormError, FormField } from '@/components/form-field';
import { PageHeader } from '@/components/page-header';
import { CopyButton, PermissionGate } from '@/components/settings/common';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Skeleton } from '@/components/ui/skeleton';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { api } from '@/lib/api';
import { useZodForm } from '@/lib/use-zod-form';
import { useCan } from '@/lib/auth';
import { type AdAccountView, type CampaignView, campaignKeys, type TrackingLinkView } from '@/lib/campaigns';
import { type Page, queryString } from '@/lib/settings';

export function LinksPage() {
  return (
    <PermissionGate permission="campaigns:read" title="Tracking links" description="Short links that record ad clicks, the conversion pixel and server-to-server snippets." what="tracking links">
      <Links />
    </PermissionGate>
  );
}

function Links() {
  const canWrite = useCan('campaigns:write');
  const [creating, setCreating] = useState(false);
  const origin = typeof window === 'undefined' ? '' : window.location.origin;
  const links = useQuery({ queryKey: campaignKeys.links(), queryFn: ({ signal }) => api<{ items: TrackingLinkView[] }>('/campaigns/links', { signal }) });
  const accounts = useQuery({ queryKey: campaignKeys.accounts(), queryFn: ({ signal }) => api<{ items: AdAccountView[] }>('/campaigns/accounts', { signal }) });
  // The snippets belong to one ad account: the first, or the one picked when there are several.
  const [pickedAccount, setPickedAccount] = useState<string | null>(null);
  const accountItems = accounts.data?.items ?? [];
  const account = accountItems.find((each) => each.id === pickedAccount) ?? accountItems[0];
  const pixelId = account?.pixelId ?? '<pixel id>';
  const accountId = account?.id ?? '<account id>';
  const action = canWrite && (
    <Button onClick={() => setCreating(true)}>
      <PlusIcon aria-hidden /> New link
    </Button>
  );
  const pixel = `<img src="${origin}/px.gif?id=${pixelId}&type=purchase&value=49.90&currency=EUR&order=ORDER_ID&click=CL_CLICK" width="1" height="1" alt="">`;
  const s2s = `curl -X POST ${origin}/api/v1/campaigns/conversions -H 'X-API-Key: <key limited to conversions:write>' -H 'Content-Type: application/json' -d '{"accountId":"${accountId}","type":"purchase","value":49.9,"currency":"EUR","orderId":"ORDER_ID","clickId":"<cl_click from the landing URL>"}'`;
  return (
    <>
      <PageHeader title="Tracking links" description="/r/<code> records the click and redirects only to the link's stored destination." actions={action} />
      {links.isPending ? (
        <Skeleton className="h-32 w-full" />
      ) : links.isError ? (
        <ErrorState title="Could not load the tracking links" error={links.error} onRetry={() => void links.refetch()} />
      ) : links.data.items.length === 0 ? (
        <EmptyState icon={LinkIcon} title="No tracking links" description="Create a link per ad or placement and use it as the ad's destination." action={action || undefined} />
      ) : (
        <Table aria-label="Tracking links">
          <TableHeader>
            <TableRow>
              <TableHead>Name</TableHead>
              <TableHead>Link</TableHead>
              <TableHead>Destination</TableHead>
              <TableHead className="text-right">Clicks</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {links.data.items.map((link) => (
              <TableRow key={link.id} data-link={link.code}>
                <TableCell className="font-medium">{link.name}</TableCell>
                <TableCell>
                  <code className="font-mono text-xs">{`${origin}/r/${link.code}`}</code> <CopyButton value={`${origin}/r/${link.code}`} what="Link" />
                </TableCell>
                <TableCell className="max-w-96 truncate" title={link.destinationUrl}>
                  {link.destinationUrl}
                </TableCell>
                <TableCell className="text-right tabular-nums">{link.clicks}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {accountItems.length > 1 && (
        <div className="mt-6 grid max-w-sm gap-1.5">
          <Label htmlFor="snippet-account">Ad account of the snippets</Label>
          <Select value={account?.id} onValueChange={setPickedAccount}>
            <SelectTrigger id="snippet-account">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              {accountItems.map((each) => (
                <SelectItem key={each.id} value={each.id}>
                  {each.name} ({each.platform})
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
      )}
      <div className="mt-6 grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Conversion pixel</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-2">
            <p className="text-sm text-muted-foreground">
              On the order confirmation page. The same order reported again (or by your server) counts once. CL_CLICK: the <code>cl_click</code> parameter of the visit&apos;s
              landing URL, kept by your shop: on another domain the pixel gets no cookie of ours.
            </p>
            <pre className="overflow-x-auto rounded-md bg-muted p-3 text-xs" tabIndex={0}>{pixel}</pre>
            <CopyButton value={pixel} what="Pixel snippet" />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Server-to-server</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-2">
            <p className="text-sm text-muted-foreground">From your shop&apos;s server, with an API key limited to conversions:write (it can do nothing else). It wins over the pixel for the same order.</p>
            <pre className="overflow-x-auto rounded-md bg-muted p-3 text-xs" tabIndex={0}>{s2s}</pre>
            <CopyButton value={s2s} what="s2s snippet" />
          </CardContent>
        </Card>
      </div>
      {creating && <CreateLinkDialog onClose={() => setCreating(false)} />}
    </>
  );
}

/** "No campaign" in the select (Radix items cannot have an empty value). */
const NO_CAMPAIGN = 'none';

function CreateLinkDialog({ onClose }: { onClose: () => void }) {
  const queryClient = useQueryClient();
  const campaignsQuery = { page: 1, pageSize: 100, sort: 'name' };
  const campaigns = useQuery({
    queryKey: campaignKeys.list(campaignsQuery),
    queryFn: ({ signal }) => api<Page<CampaignView>>(`/campaigns${queryString(campaignsQuery)}`, { signal }),
  });
  const create = useMutation({
    mutationFn: (body: unknown) => api<TrackingLinkView>('/campaigns/links', { method: 'POST', body }),
    onSuccess: (link) => {
      toast.success(`Link /r/${link.code} created`);
      void queryClient.invalidateQueries({ queryKey: campaignKeys.links() });
      onClose();
    },
  });
  const form = useZodForm(CreateTrackingLinkSchema, create, { defaultValues: { name: '', destinationUrl: 'https://' } });
  const { errors } = form.formState;
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>New tracking link</DialogTitle>
          <DialogDescription>Visitors are only ever sent to this destination.</DialogDescription>
        </DialogHeader>
        <form onSubmit={form.submit} noValidate className="grid gap-4">
          <FormError message={form.rootError} />
          <FormField id="link-name" label="Name" error={errors.name?.message}>
            {(control) => <Input {...control} autoComplete="off" {...form.register('name')} />}
          </FormField>
          <FormField id="link-destination" label="Destination URL" error={errors.destinationUrl?.message}>
            {(control) => <Input {...control} type="url" autoComplete="off" {...form.register('destinationUrl')} />}
          </FormField>
          <FormField
            id="link-campaign"
            label="Campaign"
            optional
            error={errors.campaignId?.message ?? (campaigns.isError ? 'Could not load the campaigns' : undefined)}
            hint="Clicks on the link, and the conversions they lead to, count for this campaign."
          >
            {(control) => (
              <Controller
                control={form.control}
                name="campaignId"
                render={({ field }) => (
                  <Select
                    value={field.value ?? NO_CAMPAIGN}
                    disabled={campaigns.isPending}
                    onValueChange={(value) => {
                      const campaign = campaigns.data?.items.find((each) => each.id === value);
                      field.onChange(campaign?.id);
                      form.setValue('accountId', campaign?.accountId ?? undefined);
                    }}
                  >
                    <SelectTrigger {...control}>
                      <SelectValue />
                    </SelectTrigger>
                    <SelectContent>
                      <SelectItem value={NO_CAMPAIGN}>No campaign</SelectItem>
                      {campaigns.data?.items.map((campaign) => (
                        <SelectItem key={campaign.id} value={campaign.id}>
                          {campaign.name} ({campaign.platform})
                        </SelectItem>
                      ))}
                    </SelectContent>
                  </Select>
                )}
              />
            )}
          </FormField>
          <FormActions onCancel={onClose} submitting={form.formState.isSubmitting} label="Create link" busyLabel="Creating…" />
        </form>
      </DialogContent>
    </Dialog>
  );
}
