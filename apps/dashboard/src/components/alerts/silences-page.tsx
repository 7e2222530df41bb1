'use client';

import { VolumeXIcon } from 'lucide-react';
import { ToneBadge } from '@/components/monitoring/tone-badge';
import { Button } from '@/components/ui/button';
import { type SilenceRow, useApiMutation, useSilences } from '@/lib/alerts';
import { api } from '@/lib/api';
import { useCan } from '@/lib/auth';
import { formatDateTime } from '@/lib/format';
import { NewSilenceForm } from './alert-forms';
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
