'use client';

import type { CheckView } from '@castline/contracts';
import { HeartPulseIcon } from 'lucide-react';
import { DeleteButton } from '@/components/delete-button';
import { ToneBadge, type Tone } from '@/components/monitoring/tone-badge';
import { useChecks } from '@/lib/alerts';
import { useCan } from '@/lib/auth';
import { formatPercent, formatRelative } from '@/lib/format';
import { NewCheckForm } from './alert-forms';
import { SimpleTable } from './simple-table';

const TONE: Record<CheckView['status'], Tone> = { up: 'success', degraded: 'warning', pending: 'warning', down: 'destructive', unknown: 'muted' };

export function HealthPage() {
  const checks = useChecks();
  const canWrite = useCan('alerts:write');
  return (
    <div className="flex flex-col gap-6">
      <SimpleTable
        label="health checks"
        loading={checks.isPending}
        error={checks.error}
        onRetry={() => void checks.refetch()}
        rows={checks.data?.items}
        rowKey={(check) => check.id}
        empty={{ icon: HeartPulseIcon, title: 'No checks', description: 'Built-in checks appear once the monitoring service has started.' }}
        columns={[
          { label: 'Check', cell: (check) => <span className="font-medium">{check.name}</span> },
          { label: 'Status', cell: (check) => <ToneBadge tone={TONE[check.status]}>{check.status.toUpperCase()}</ToneBadge> },
          { label: 'Uptime 24 h', cell: (check) => formatPercent(check.uptime24hPercent, 2), className: 'text-right' },
          { label: 'Every', cell: (check) => `${check.intervalSeconds} s`, className: 'text-right' },
          { label: 'Last run', cell: (check) => formatRelative(check.lastCheckedAt) },
          { label: 'Last problem', cell: (check) => <span className="line-clamp-1 max-w-80 text-muted-foreground">{check.lastError ?? '—'}</span> },
          {
            label: 'Actions',
            // Built-in checks can be disabled, not deleted.
            cell: (check) =>
              canWrite && !check.builtin ? (
                <DeleteButton
                  name={check.name}
                  path={`/monitoring/checks/${check.id}`}
                  description="The check stops running; its samples, uptime history and rollups are deleted with it."
                  invalidate={[['checks']]}
                />
              ) : null,
          },
        ]}
      />
      {canWrite && <NewCheckForm />}
    </div>
  );
}
