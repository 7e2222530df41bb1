'use client';

import { SiteBodySchema } from '@castline/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { GlobeIcon, PencilIcon, PlusIcon } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import { DeleteButton } from '@/components/delete-button';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { FormActions, FormError, FormField } from '@/components/form-field';
import { PageHeader } from '@/components/page-header';
import { CopyButton, PermissionGate } from '@/components/settings/common';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';
import { Checkbox } from '@/components/ui/checkbox';
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Skeleton } from '@/components/ui/skeleton';
import { Textarea } from '@/components/ui/textarea';
import { analyticsKeys, type SiteView, useSites } from '@/lib/analytics';
import { api } from '@/lib/api';
import { useCan } from '@/lib/auth';
import { useZodForm } from '@/lib/use-zod-form';

export function SitesPage() {
  return (
    <PermissionGate permission="traffic:read" title="Sites" description="Sites that embed the tracker, and the snippet to paste into their pages." what="sites">
      <Sites />
    </PermissionGate>
  );
}

function Sites() {
  const canWrite = useCan('sites:write');
  const [editing, setEditing] = useState<SiteView | 'new' | null>(null);
  const sites = useSites();
  const action = canWrite && (
    <Button onClick={() => setEditing('new')}>
      <PlusIcon aria-hidden /> New site
    </Button>
  );
  return (
    <>
      <PageHeader title="Sites" description="The tracker sends events only from a site's allowed origins (never *). No cookie unless the site opts in." actions={action} />
      {sites.isPending ? (
        <Skeleton className="h-32 w-full" />
      ) : sites.isError ? (
        <ErrorState title="Could not load the sites" error={sites.error} onRetry={() => void sites.refetch()} />
      ) : sites.data.items.length === 0 ? (
        <EmptyState icon={GlobeIcon} title="No sites yet" description="Add a site, then paste its snippet into the <head> of its pages." action={action || undefined} />
      ) : (
        <div className="grid gap-4 lg:grid-cols-2">
          {sites.data.items.map((site) => (
            <Card key={site.id} data-site={site.domain}>
              <CardHeader>
                <CardTitle>{site.name}</CardTitle>
                <CardDescription>
                  {site.domain} · origins: {site.allowedOrigins.join(', ')} · {site.useCookie ? 'cookie (365 days)' : 'no cookie'}
                </CardDescription>
              </CardHeader>
              <CardContent className="grid gap-2">
                <pre className="overflow-x-auto rounded-md bg-muted p-3 text-xs" tabIndex={0} aria-label={`Tracker snippet of ${site.name}`}>
                  {site.snippet}
                </pre>
              </CardContent>
              <CardFooter className="flex flex-wrap gap-2">
                <CopyButton value={site.snippet} what="Snippet" label="Copy snippet" />
                {canWrite && (
                  <>
                    <Button variant="ghost" size="sm" onClick={() => setEditing(site)} aria-label={`Edit ${site.name}`}>
                      <PencilIcon aria-hidden /> Edit
                    </Button>
                    <DeleteButton
                      name={site.name}
                      path={`/sites/${site.id}`}
                      description="Its tracker stops being accepted at once. Events already stored stay until retention (90 days)."
                      invalidate={[analyticsKeys.sites()]}
                    />
                  </>
                )}
              </CardFooter>
            </Card>
          ))}
        </div>
      )}
      {editing && <SiteDialog site={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </>
  );
}

interface SiteFormValues {
  name: string;
  domain: string;
  /** One origin per line. */
  origins: string;
  useCookie: boolean;
}

function SiteDialog({ site, onClose }: { site: SiteView | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (body: unknown) => (site ? api<SiteView>(`/sites/${site.id}`, { method: 'PATCH', body }) : api<SiteView>('/sites', { method: 'POST', body })),
    onSuccess: (saved) => {
      toast.success(site ? `Site "${saved.name}" saved` : `Site "${saved.name}" added: paste its snippet into its pages`);
      void queryClient.invalidateQueries({ queryKey: analyticsKeys.sites() });
      onClose();
    },
  });
  const form = useZodForm(SiteBodySchema, save, {
    defaultValues: { name: site?.name ?? '', domain: site?.domain ?? '', origins: site?.allowedOrigins.join('\n') ?? 'https://', useCookie: site?.useCookie ?? false },
    prepare: (values: SiteFormValues) => ({
      input: { name: values.name, domain: values.domain, allowedOrigins: values.origins.split(/\s+/).filter(Boolean), useCookie: values.useCookie },
      fieldOf: (path) => (path.startsWith('allowedOrigins') ? 'origins' : ['name', 'domain', 'useCookie'].includes(path) ? path : null),
    }),
  });
  const { errors } = form.formState;
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{site ? `Edit ${site.name}` : 'New site'}</DialogTitle>
          <DialogDescription>Events are accepted only from the origins listed here.</DialogDescription>
        </DialogHeader>
        <form onSubmit={form.submit} noValidate className="grid gap-4">
          <FormError message={form.rootError} />
          <FormField id="site-name" label="Name" error={errors.name?.message}>
            {(control) => <Input {...control} autoComplete="off" {...form.register('name')} />}
          </FormField>
          <FormField id="site-domain" label="Domain" error={errors.domain?.message}>
            {(control) => <Input {...control} autoComplete="off" placeholder="www.example.com" {...form.register('domain')} />}
          </FormField>
          <FormField id="site-origins" label="Allowed origins (one per line)" error={errors.origins?.message}>
            {(control) => <Textarea {...control} rows={3} placeholder="https://www.example.com" {...form.register('origins')} />}
          </FormField>
          <div className="flex items-center gap-2">
            <Checkbox id="site-cookie" checked={form.watch('useCookie')} onCheckedChange={(checked) => form.setValue('useCookie', checked === true)} />
            <Label htmlFor="site-cookie">Remember visitors across days with a first-party cookie (365 days)</Label>
          </div>
          <FormActions onCancel={onClose} submitting={form.formState.isSubmitting} label={site ? 'Save' : 'Add site'} busyLabel="Saving…" />
        </form>
      </DialogContent>
    </Dialog>
  );
}
