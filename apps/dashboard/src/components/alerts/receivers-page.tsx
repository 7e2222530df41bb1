'use client';

import type { ReceiverView } from '@castline/contracts';
import { SendIcon } from 'lucide-react';
import { useState } from 'react';
import { DeleteButton } from '@/components/delete-button';
import { ToneBadge } from '@/components/monitoring/tone-badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { type DeliveryRow, useApiMutation, useDeliveries, useReceivers } from '@/lib/alerts';
import { api, describeError } from '@/lib/api';
import { useCan } from '@/lib/auth';
import { NewReceiverForm } from './alert-forms';
import { formatRelative } from '@/lib/format';
import { SimpleTable } from './simple-table';

interface TestReply {
  ok: boolean;
  statusCode: number | null;
  reply: string | null;
  latencyMs: number;
  error: string | null;
}

export function ReceiversPage() {
  const receivers = useReceivers();
  const canWrite = useCan('alert-receivers:write');
  const [shown, setShown] = useState<string | null>(null);
  const [results, setResults] = useState<Record<string, TestReply | string>>({});
  const test = useApiMutation((id: string) => api<TestReply>(`/alerts/receivers/${id}/test`, { method: 'POST' }).then((reply) => setResults((all) => ({ ...all, [id]: reply }))), []);
  return (
    <div className="flex flex-col gap-6">
      <SimpleTable<ReceiverView>
        label="receivers"
        loading={receivers.isPending}
        error={receivers.error}
        onRetry={() => void receivers.refetch()}
        rows={receivers.data?.items}
        rowKey={(receiver) => receiver.id}
        empty={{ icon: SendIcon, title: 'No receivers', description: 'Add a webhook, Slack, Discord, Teams or email receiver through the API (POST /api/v1/alerts/receivers).' }}
        columns={[
          { label: 'Receiver', cell: (receiver) => <span className="font-medium">{receiver.name}</span> },
          { label: 'Kind', cell: (receiver) => receiver.kind },
          { label: 'Sends to', cell: (receiver) => receiver.targetHost },
          { label: 'State', cell: (receiver) => <ToneBadge tone={receiver.enabled ? 'success' : 'muted'}>{receiver.enabled ? 'enabled' : 'disabled'}</ToneBadge> },
          {
            label: 'Last test',
            cell: (receiver) => {
              const result = results[receiver.id];
              if (!result) return '—';
              if (typeof result === 'string') return <span className="text-destructive">{result}</span>;
              return (
                <span className={result.ok ? '' : 'text-destructive'} data-testid="test-result">
                  {result.statusCode ?? 'no answer'} {result.reply ?? result.error ?? ''} ({result.latencyMs} ms)
                </span>
              );
            },
          },
          {
            label: 'Actions',
            cell: (receiver) => (
              <div className="flex gap-2">
                {canWrite && (
                  <Button
                    size="sm"
                    variant="outline"
                    disabled={test.isPending}
                    onClick={() => test.mutate(receiver.id, { onError: (error) => setResults((all) => ({ ...all, [receiver.id]: describeError(error) })) })}
                  >
                    Send test
                  </Button>
                )}
                <Button size="sm" variant="ghost" aria-expanded={shown === receiver.id} onClick={() => setShown(shown === receiver.id ? null : receiver.id)}>
                  Deliveries
                </Button>
                {canWrite && (
                  <DeleteButton
                    name={receiver.name}
                    path={`/alerts/receivers/${receiver.id}`}
                    description="Its credentials and delivery log are deleted with it. While notifications to it are still being delivered it cannot be deleted: disable it, or wait until they are done."
                    invalidate={[['receivers']]}
                  />
                )}
              </div>
            ),
          },
        ]}
      />
      {shown && <DeliveryLog id={shown} />}
      {canWrite && <NewReceiverForm />}
    </div>
  );
}

function DeliveryLog({ id }: { id: string }) {
  const deliveries = useDeliveries(id);
  return (
    <Card className="p-4">
      <h2 className="mb-3 font-medium">Delivery log</h2>
      <SimpleTable<DeliveryRow>
        label="deliveries"
        loading={deliveries.isPending}
        error={deliveries.error}
        onRetry={() => void deliveries.refetch()}
        rows={deliveries.data?.items}
        rowKey={(row) => row.idempotencyKey}
        empty={{ icon: SendIcon, title: 'Nothing sent yet', description: 'Notifications to this receiver appear here with every attempt.' }}
        columns={[
          { label: 'When', cell: (row) => formatRelative(row.createdAt) },
          { label: 'What', cell: (row) => `${row.transition} (${row.alerts} alert${row.alerts === 1 ? '' : 's'})` },
          { label: 'Outcome', cell: (row) => <ToneBadge tone={row.deliveredAt ? 'success' : row.failedAt ? 'destructive' : 'warning'}>{row.deliveredAt ? 'delivered' : row.failedAt ? 'failed' : 'retrying'}</ToneBadge> },
          { label: 'Attempts', cell: (row) => row.attempts.map((attempt) => attempt.statusCode ?? attempt.error ?? '?').join(' → ') },
        ]}
      />
    </Card>
  );
}
