'use client';

import { VolumeXIcon } from 'lucide-react';
import { DeleteButton } from '@/components/delete-button';
import { ToneBadge } from '@/components/monitoring/tone-badge';
import { type SilenceRow, useSilences } from '@/lib/alerts';
import { useCan } from '@/lib/auth';
import { formatDateTime } from '@/lib/format';
import { NewSilenceForm } from './alert-forms';
import { SimpleTable } from './simple-table';

export function SilencesPage() {
  const silences = useSilences();
  const canWrite = useCan('alerts:write');
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
                <DeleteButton
                  name={`silence of ${silence.matchers.map((m) => `${m.label}${m.regex ? '=~' : '='}${m.value}`).join(', ')}`}
                  path={`/alerts/silences/${silence.id}`}
                  description="Matching alerts notify again: what the silence held goes out with the next evaluation."
                  invalidate={[['silences'], ['alerts']]}
                />
              ) : null,
          },
        ]}
      />
      {canWrite && <NewSilenceForm />}
    </div>
  );
}
