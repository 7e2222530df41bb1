'use client';

import { CreateTrackingLinkSchema } from '@castline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { LinkIcon, PlusIcon } from 'lucide-react';
import { useState } from 'react';
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
import { Skeleton } from '@/components/ui/skeleton';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { api } from '@/lib/api';
import { useZodForm } from '@/lib/use-zod-form';
import { useCan } from '@/lib/auth';
import { type AdAccountView, campaignKeys, type TrackingLinkView } from '@/lib/campaigns';

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
  const pixelId = accounts.data?.items[0]?.pixelId ?? '<pixel id>';
  const accountId = accounts.data?.items[0]?.id ?? '<account id>';
  const action = canWrite && (
    <Button onClick={() => setCreating(true)}>
      <PlusIcon aria-hidden /> New link
    </Button>
  );
  const pixel = `<img src="${origin}/px.gif?id=${pixelId}&type=purchase&value=49.90&currency=EUR&order=ORDER_ID" width="1" height="1" alt="">`;
  const s2s = `curl -X POST ${origin}/api/v1/campaigns/conversions -H 'X-API-Key: <key limited to campaigns:write>' -H 'Content-Type: application/json' -d '{"accountId":"${accountId}","type":"purchase","value":49.9,"currency":"EUR","orderId":"ORDER_ID","clickId":"<cl_click from the landing URL>"}'`;
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
      <div className="mt-6 grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Conversion pixel</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-2">
            <p className="text-sm text-muted-foreground">On the order confirmation page. The same order reported again (or by your server) counts once.</p>
            <pre className="overflow-x-auto rounded-md bg-muted p-3 text-xs">{pixel}</pre>
            <CopyButton value={pixel} what="Pixel snippet" />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Server-to-server</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-2">
            <p className="text-sm text-muted-foreground">From your shop&apos;s server, with an API key limited to campaigns:write. It wins over the pixel for the same order.</p>
            <pre className="overflow-x-auto rounded-md bg-muted p-3 text-xs">{s2s}</pre>
            <CopyButton value={s2s} what="s2s snippet" />
          </CardContent>
        </Card>
      </div>
      {creating && <CreateLinkDialog onClose={() => setCreating(false)} />}
    </>
  );
}

function CreateLinkDialog({ onClose }: { onClose: () => void }) {
  const queryClient = useQueryClient();
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
          <FormActions onCancel={onClose} submitting={form.formState.isSubmitting} label="Create link" busyLabel="Creating…" />
        </form>
      </DialogContent>
    </Dialog>
  );
}
