'use client';

import type { CheckView } from '@castline/contracts';
import { HeartPulseIcon } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { ToneBadge, type Tone } from '@/components/monitoring/tone-badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { useApiMutation, useChecks } from '@/lib/alerts';
import { api, describeError } from '@/lib/api';
import { useCan } from '@/lib/auth';
import { formatPercent, formatRelative } from '@/lib/format';
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
        ]}
      />
      {canWrite && <NewCheckForm />}
    </div>
  );
}

function NewCheckForm() {
  const [name, setName] = useState('');
  const [target, setTarget] = useState('');
  const [interval, setInterval] = useState('60');
  const create = useApiMutation(
    () => api('/monitoring/checks', { method: 'POST', body: { kind: 'http', name, target, intervalSeconds: Number(interval) } }),
    ['checks'],
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(undefined, { onSuccess: () => (setName(''), setTarget('')) });
  };
  return (
    <Card className="p-4">
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3" aria-label="New HTTP check">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="check-name">Name</Label>
          <Input id="check-name" value={name} onChange={(event) => setName(event.target.value)} required />
        </div>
        <div className="flex min-w-72 flex-1 flex-col gap-1.5">
          <Label htmlFor="check-target">URL</Label>
          <Input id="check-target" type="url" placeholder="https://example.com/health" value={target} onChange={(event) => setTarget(event.target.value)} required />
        </div>
        <div className="flex w-28 flex-col gap-1.5">
          <Label htmlFor="check-interval">Every (s)</Label>
          <Input id="check-interval" type="number" min={10} value={interval} onChange={(event) => setInterval(event.target.value)} />
        </div>
        <Button type="submit" disabled={create.isPending}>
          Add check
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
