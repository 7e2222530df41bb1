'use client';

import { BellRingIcon } from 'lucide-react';
import { useState } from 'react';
import { ToneBadge } from '@/components/monitoring/tone-badge';
import { Button } from '@/components/ui/button';
import { type AlertRow, useAlerts, useApiMutation } from '@/lib/alerts';
import { api } from '@/lib/api';
import { useCan } from '@/lib/auth';
import { formatRelative } from '@/lib/format';
import { SimpleTable } from './simple-table';

const SEVERITY_TONE = { critical: 'destructive', warning: 'warning', info: 'muted' } as const;

export function AlertsPage() {
  const [state, setState] = useState<'open' | 'resolved'>('open');
  const alerts = useAlerts(state);
  const canWrite = useCan('alerts:write');
  const ack = useApiMutation((id: string) => api(`/alerts/${id}/ack`, { method: 'POST' }), ['alerts']);
  return (
    <div className="flex flex-col gap-4">
      <div className="flex gap-2" role="group" aria-label="Which alerts">
        {(['open', 'resolved'] as const).map((option) => (
          <Button key={option} size="sm" variant={state === option ? 'default' : 'outline'} aria-pressed={state === option} onClick={() => setState(option)}>
            {option === 'open' ? 'Open' : 'Resolved'}
          </Button>
        ))}
      </div>
      <SimpleTable<AlertRow>
        label={`${state} alerts`}
        loading={alerts.isPending}
        error={alerts.error}
        onRetry={() => void alerts.refetch()}
        rows={alerts.data?.items}
        rowKey={(alert) => alert.id}
        empty={{ icon: BellRingIcon, title: state === 'open' ? 'No open alerts' : 'No resolved alerts', description: 'Alerts appear here when a rule fires.' }}
        columns={[
          { label: 'Severity', cell: (alert) => <ToneBadge tone={SEVERITY_TONE[alert.severity as keyof typeof SEVERITY_TONE] ?? 'muted'}>{alert.severity}</ToneBadge> },
          { label: 'Alert', cell: (alert) => <span className="line-clamp-2 max-w-xl">{alert.message}</span> },
          { label: 'Rule', cell: (alert) => alert.rule },
          { label: 'Since', cell: (alert) => formatRelative(alert.createdAt) },
          {
            label: 'State',
            cell: (alert) =>
              alert.isResolved ? `resolved ${formatRelative(alert.resolvedAt)}` : alert.silenced ? 'silenced' : alert.acknowledgedAt ? `acked by ${alert.acknowledgedBy ?? 'someone'}` : 'firing',
          },
          {
            label: 'Actions',
            cell: (alert) =>
              canWrite && !alert.isResolved && !alert.acknowledgedAt ? (
                <Button size="sm" variant="outline" disabled={ack.isPending} onClick={() => ack.mutate(alert.id)}>
                  Acknowledge
                </Button>
              ) : null,
          },
        ]}
      />
    </div>
  );
}
