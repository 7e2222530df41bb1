'use client';

import { VolumeXIcon } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { ToneBadge } from '@/components/monitoring/tone-badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { type SilenceRow, useApiMutation, useSilences } from '@/lib/alerts';
import { api, describeError } from '@/lib/api';
import { useCan } from '@/lib/auth';
import { formatDateTime } from '@/lib/format';
import { SimpleTable } from './simple-table';

export function SilencesPage() {
  const silences = useSilences();
  const canWrite = useCan('alerts:write');
  const remove = useApiMutation((id: string) => api(`/alerts/silences/${id}`, { method: 'DELETE' }), ['silences', 'alerts']);
  return (
    <div className="flex flex-col gap-6">
      <SimpleTable<SilenceRow>
        label="silences"
        loading={silences.isPending}
        error={silences.error}
        onRetry={() => void silences.refetch()}
        rows={silences.data?.items}
        rowKey={(silence) => silence.id}
        empty={{ icon: VolumeXIcon, title: 'No silences', description: 'A silence holds the notifications of matching alerts; they are still recorded.' }}
        columns={[
          { label: 'Matches', cell: (silence) => silence.matchers.map((m) => `${m.label}${m.regex ? '=~' : '='}${m.value}`).join(', ') },
          { label: 'State', cell: (silence) => <ToneBadge tone={silence.active ? 'warning' : 'muted'}>{silence.active ? 'active' : 'ended'}</ToneBadge> },
          { label: 'Until', cell: (silence) => formatDateTime(silence.endsAt) },
          { label: 'Comment', cell: (silence) => silence.comment || '—' },
          { label: 'By', cell: (silence) => silence.createdBy ?? '—' },
          {
            label: 'Actions',
            cell: (silence) =>
              canWrite ? (
                <Button size="sm" variant="outline" disabled={remove.isPending} onClick={() => remove.mutate(silence.id)}>
                  Delete
                </Button>
              ) : null,
          },
        ]}
      />
      {canWrite && <NewSilenceForm />}
    </div>
  );
}

function NewSilenceForm() {
  const [label, setLabel] = useState('check');
  const [value, setValue] = useState('');
  const [hours, setHours] = useState('2');
  const [comment, setComment] = useState('');
  const create = useApiMutation(
    () =>
      api('/alerts/silences', {
        method: 'POST',
        body: { matchers: [{ label, value, regex: false }], endsAt: new Date(Date.now() + Number(hours) * 3_600_000).toISOString(), comment },
      }),
    ['silences', 'alerts'],
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(undefined, { onSuccess: () => (setValue(''), setComment('')) });
  };
  return (
    <Card className="p-4">
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3" aria-label="New silence">
        <div className="flex w-36 flex-col gap-1.5">
          <Label htmlFor="silence-label">Label</Label>
          <Input id="silence-label" value={label} onChange={(event) => setLabel(event.target.value)} required />
        </div>
        <div className="flex min-w-48 flex-1 flex-col gap-1.5">
          <Label htmlFor="silence-value">Value</Label>
          <Input id="silence-value" value={value} onChange={(event) => setValue(event.target.value)} required />
        </div>
        <div className="flex w-24 flex-col gap-1.5">
          <Label htmlFor="silence-hours">Hours</Label>
          <Input id="silence-hours" type="number" min={1} value={hours} onChange={(event) => setHours(event.target.value)} />
        </div>
        <div className="flex min-w-48 flex-1 flex-col gap-1.5">
          <Label htmlFor="silence-comment">Comment</Label>
          <Input id="silence-comment" value={comment} onChange={(event) => setComment(event.target.value)} />
        </div>
        <Button type="submit" disabled={create.isPending}>
          Silence
        </Button>
        {create.error && (
          <p role="alert" className="w-full text-sm text-destructive">
            {describeError(create.error)}
          </p>
        )}
      </form>
    </Card>
  );
}
