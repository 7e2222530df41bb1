'use client';

import type { RuleView } from '@castline/contracts';
import { ListChecksIcon } from 'lucide-react';
import { DeleteButton } from '@/components/delete-button';
import { ToneBadge } from '@/components/monitoring/tone-badge';
import { Switch } from '@/components/ui/switch';
import { useApiMutation, useRules } from '@/lib/alerts';
import { api } from '@/lib/api';
import { useCan } from '@/lib/auth';
import { NewRuleForm } from './alert-forms';
import { SimpleTable } from './simple-table';

const condition = (rule: RuleView) =>
  Object.entries(rule.params)
    .map(([key, value]) => `${key} ${String(value)}`)
    .join(', ');

export function RulesPage() {
  const rules = useRules();
  const canWrite = useCan('alerts:write');
  const toggle = useApiMutation(({ id, enabled }: { id: string; enabled: boolean }) => api(`/alerts/rules/${id}`, { method: 'PATCH', body: { enabled } }), ['alert-rules']);
  return (
    <div className="flex flex-col gap-6">
    <SimpleTable<RuleView>
      label="alert rules"
      loading={rules.isPending}
      error={rules.error}
      onRetry={() => void rules.refetch()}
      rows={rules.data?.items}
      rowKey={(rule) => rule.id}
      empty={{ icon: ListChecksIcon, title: 'No rules', description: 'Seeded rules appear once the monitoring service has started.' }}
      columns={[
        { label: 'Rule', cell: (rule) => <span className="font-medium">{rule.name}</span> },
        { label: 'Source', cell: (rule) => rule.source.replace('_', ' ') },
        { label: 'Condition', cell: (rule) => <span className="text-muted-foreground">{condition(rule)}</span> },
        { label: 'For', cell: (rule) => `${rule.forSeconds} s`, className: 'text-right' },
        { label: 'Severity', cell: (rule) => <ToneBadge tone={rule.severity === 'critical' ? 'destructive' : rule.severity === 'warning' ? 'warning' : 'muted'}>{rule.severity}</ToneBadge> },
        { label: 'Group by', cell: (rule) => rule.groupBy.join(', ') || '—' },
        {
          label: 'Enabled',
          cell: (rule) => (
            <Switch checked={rule.enabled} disabled={!canWrite || toggle.isPending} aria-label={`${rule.name} enabled`} onCheckedChange={(enabled) => toggle.mutate({ id: rule.id, enabled })} />
          ),
        },
        {
          label: 'Actions',
          // Seeded rules can be disabled, not deleted.
          cell: (rule) =>
            canWrite && !rule.builtin ? (
              <DeleteButton
                name={rule.name}
                path={`/alerts/rules/${rule.id}`}
                description="The rule stops being evaluated. Its open alerts are resolved, and receivers told of them get the resolution; the alert history stays."
                invalidate={[['alert-rules'], ['alerts']]}
              />
            ) : null,
        },
      ]}
    />
      {canWrite && <NewRuleForm />}
    </div>
  );
}
