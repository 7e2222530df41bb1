'use client';

import { type CreateCheck, CreateCheckSchema, CreateReceiverSchema, CreateRuleSchema, CreateSilenceSchema, HOST_METRICS } from '@castline/contracts';
import { Controller, type FieldValues, type UseFormReturn } from 'react-hook-form';
import { toast } from 'sonner';
import { FormError, FormField } from '@/components/form-field';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { useApiMutation } from '@/lib/alerts';
import { api } from '@/lib/api';
import { useZodForm } from '@/lib/use-zod-form';

/**
 * The create forms of the alerting pages, each validated by its contracts schema through useZodForm (the same
 * schema the gateway checks). Their fields are not the body itself, so `prepare` builds the body and maps its
 * paths back to the fields (a server refusal lands on the field it names).
 */

function ChoiceSelect({ id, value, options, onChange }: { id: string; value: string; options: Array<{ value: string; label: string }>; onChange: (value: string) => void }) {
  return (
    <Select value={value} onValueChange={onChange}>
      <SelectTrigger id={id}>
        <SelectValue />
      </SelectTrigger>
      <SelectContent>
        {options.map((option) => (
          <SelectItem key={option.value} value={option.value}>
            {option.label}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}

const num = (text: string) => (text.trim() === '' ? undefined : Number(text));
const fieldMap = (map: Record<string, string>) => (path: string) => map[path] ?? (path.split('.')[0]! in map ? map[path.split('.')[0]!]! : null);

function FormCard({ label, form, children, submitLabel }: { label: string; form: { submit: () => Promise<void>; rootError: string | undefined; formState: { isSubmitting: boolean } }; children: React.ReactNode; submitLabel: string }) {
  return (
    <Card className="p-4">
      <form onSubmit={form.submit} noValidate aria-label={label} className="grid gap-3">
        <FormError message={form.rootError} />
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">{children}</div>
        <div>
          <Button type="submit" disabled={form.formState.isSubmitting}>
            {form.formState.isSubmitting ? 'Saving…' : submitLabel}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function TextField<V extends FieldValues>({ form, name, label, type = 'text', hint }: { form: UseFormReturn<V, unknown, unknown>; name: string & keyof V; label: string; type?: string; hint?: string }) {
  const error = form.formState.errors[name]?.message;
  return (
    <FormField id={`field-${label.toLowerCase().replace(/\W+/g, '-')}`} label={label} error={typeof error === 'string' ? error : undefined} hint={hint}>
      {(control) => <Input {...control} type={type} autoComplete="off" {...form.register(name as never)} />}
    </FormField>
  );
}

function SelectField<V extends FieldValues>({ form, name, label, options }: { form: UseFormReturn<V, unknown, unknown>; name: string & keyof V; label: string; options: Array<{ value: string; label: string }> }) {
  const id = `field-${label.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <FormField id={id} label={label}>
      {() => <Controller control={form.control} name={name as never} render={({ field }) => <ChoiceSelect id={id} value={field.value as string} options={options} onChange={field.onChange} />} />}
    </FormField>
  );
}

// ---- rules ----

const RULE_SOURCES = [
  { value: 'check_status', label: 'Check status DOWN' },
  { value: 'check_latency', label: 'Check latency (ms)' },
  { value: 'host_metric', label: 'Host metric' },
  { value: 'disk_full_within', label: 'HLS disk full within (min)' },
  { value: 'api_metric', label: 'API metric' },
  { value: 'app_log_errors', label: 'App-log errors' },
] as const;

interface RuleValues extends FieldValues {
  name: string;
  source: string;
  metric: string;
  threshold: string;
  windowMinutes: string;
  forSeconds: string;
  severity: string;
}

function ruleParams(values: RuleValues): Record<string, unknown> {
  const threshold = num(values.threshold);
  const windowMinutes = num(values.windowMinutes);
  switch (values.source) {
    case 'check_status':
      return { status: 'down' };
    case 'check_latency':
      return { thresholdMs: threshold };
    case 'host_metric':
      return { metric: values.metric, op: values.metric.endsWith('free_percent') ? '<' : '>', threshold };
    case 'disk_full_within':
      return { disk: 'hls', minutes: threshold };
    case 'api_metric':
      return { metric: values.metric === 'p95_ms' ? 'p95_ms' : 'error_rate', threshold, windowMinutes };
    default:
      return { threshold, windowMinutes };
  }
}

export function NewRuleForm() {
  const create = useApiMutation((body: unknown) => api('/alerts/rules', { method: 'POST', body }), ['alert-rules']);
  const form = useZodForm(CreateRuleSchema, create, {
    defaultValues: { name: '', source: 'check_latency', metric: 'error_rate', threshold: '1000', windowMinutes: '5', forSeconds: '60', severity: 'warning' } as RuleValues,
    prepare: (values: RuleValues) => ({
      input: { name: values.name, source: values.source, params: ruleParams(values), forSeconds: num(values.forSeconds), severity: values.severity },
      fieldOf: fieldMap({ name: 'name', forSeconds: 'forSeconds', severity: 'severity', 'params.threshold': 'threshold', 'params.thresholdMs': 'threshold', 'params.minutes': 'threshold', 'params.windowMinutes': 'windowMinutes', 'params.metric': 'metric' }),
    }),
    onSuccess: () => {
      toast.success('Rule created');
      form.reset();
    },
  });
  const source = form.watch('source');
  const metrics =
    source === 'host_metric' ? HOST_METRICS.map((metric) => ({ value: metric, label: metric.replace(/_/g, ' ') })) : source === 'api_metric' ? [{ value: 'error_rate', label: 'error rate (0-1)' }, { value: 'p95_ms', label: 'p95 (ms)' }] : null;
  return (
    <FormCard label="New rule" form={form} submitLabel="Create rule">
      <TextField form={form} name="name" label="Name" />
      <SelectField form={form} name="source" label="Source" options={[...RULE_SOURCES]} />
      {metrics && <SelectField form={form} name="metric" label="Metric" options={metrics} />}
      {source !== 'check_status' && <TextField form={form} name="threshold" label="Threshold" type="number" />}
      {(source === 'api_metric' || source === 'app_log_errors') && <TextField form={form} name="windowMinutes" label="Window (min)" type="number" />}
      <TextField form={form} name="forSeconds" label="For (s)" type="number" />
      <SelectField form={form} name="severity" label="Severity" options={['info', 'warning', 'critical'].map((value) => ({ value, label: value }))} />
    </FormCard>
  );
}

// ---- receivers ----

interface ReceiverValues extends FieldValues {
  name: string;
  kind: string;
  url: string;
  secret: string;
  host: string;
  port: string;
  from: string;
  to: string;
}

export function NewReceiverForm() {
  const create = useApiMutation((body: unknown) => api('/alerts/receivers', { method: 'POST', body }), ['receivers']);
  const form = useZodForm(CreateReceiverSchema, create, {
    defaultValues: { name: '', kind: 'webhook', url: 'https://', secret: '', host: '', port: '587', from: '', to: '' } as ReceiverValues,
    prepare: (values: ReceiverValues) => ({
      input:
        values.kind === 'email'
          ? { name: values.name, kind: 'email', config: { host: values.host, port: num(values.port), from: values.from, to: values.to.split(',').map((to) => to.trim()).filter(Boolean) } }
          : { name: values.name, kind: values.kind, config: { url: values.url, ...(values.kind === 'webhook' && values.secret ? { secret: values.secret } : {}) } },
      fieldOf: fieldMap({ name: 'name', kind: 'kind', 'config.url': 'url', 'config.secret': 'secret', 'config.host': 'host', 'config.port': 'port', 'config.from': 'from', 'config.to': 'to' }),
    }),
    onSuccess: () => {
      toast.success('Receiver created');
      form.reset();
    },
  });
  const kind = form.watch('kind');
  return (
    <FormCard label="New receiver" form={form} submitLabel="Create receiver">
      <TextField form={form} name="name" label="Name" />
      <SelectField form={form} name="kind" label="Kind" options={['webhook', 'slack', 'discord', 'teams', 'email'].map((value) => ({ value, label: value }))} />
      {kind === 'email' ? (
        <>
          <TextField form={form} name="host" label="SMTP host" />
          <TextField form={form} name="port" label="SMTP port" type="number" />
          <TextField form={form} name="from" label="From" type="email" />
          <TextField form={form} name="to" label="To" hint="Comma-separated addresses" />
        </>
      ) : (
        <>
          <TextField form={form} name="url" label="URL" type="url" hint="Stored encrypted, never shown again" />
          {kind === 'webhook' && <TextField form={form} name="secret" label="Signing secret" type="password" hint="Optional, 16+ characters (HMAC-SHA256)" />}
        </>
      )}
    </FormCard>
  );
}

// ---- silences ----

interface SilenceValues extends FieldValues {
  label: string;
  value: string;
  hours: string;
  comment: string;
}

export function NewSilenceForm() {
  const create = useApiMutation((body: unknown) => api('/alerts/silences', { method: 'POST', body }), ['silences', 'alerts']);
  const form = useZodForm(CreateSilenceSchema, create, {
    defaultValues: { label: 'check', value: '', hours: '2', comment: '' } as SilenceValues,
    prepare: (values: SilenceValues) => {
      const hours = num(values.hours) ?? 0;
      return {
        input: { matchers: [{ label: values.label, value: values.value, regex: false }], endsAt: new Date(Date.now() + Math.max(0, hours) * 3_600_000).toISOString(), startsAt: new Date().toISOString(), comment: values.comment },
        fieldOf: fieldMap({ 'matchers.0.label': 'label', 'matchers.0.value': 'value', matchers: 'value', endsAt: 'hours', comment: 'comment' }),
      };
    },
    onSuccess: () => form.reset(),
  });
  return (
    <FormCard label="New silence" form={form} submitLabel="Silence">
      <TextField form={form} name="label" label="Label" />
      <TextField form={form} name="value" label="Value" />
      <TextField form={form} name="hours" label="Hours" type="number" />
      <TextField form={form} name="comment" label="Comment" />
    </FormCard>
  );
}

// ---- checks ----

interface CheckValues extends FieldValues {
  name: string;
  kind: string;
  target: string;
  intervalSeconds: string;
  retries: string;
  slowMs: string;
}

export function NewCheckForm() {
  const create = useApiMutation((body: CreateCheck) => api('/monitoring/checks', { method: 'POST', body }), ['checks']);
  const form = useZodForm(CreateCheckSchema, create, {
    defaultValues: { name: '', kind: 'http', target: 'https://', intervalSeconds: '60', retries: '1', slowMs: '' } as CheckValues,
    prepare: (values: CheckValues) => ({
      input: { name: values.name, kind: values.kind, target: values.target, intervalSeconds: num(values.intervalSeconds), retries: num(values.retries), ...(num(values.slowMs) ? { slowMs: num(values.slowMs) } : {}) },
      fieldOf: fieldMap({ name: 'name', kind: 'kind', target: 'target', intervalSeconds: 'intervalSeconds', retries: 'retries', slowMs: 'slowMs' }),
    }),
    onSuccess: () => {
      toast.success('Check created');
      form.reset();
    },
  });
  return (
    <FormCard label="New check" form={form} submitLabel="Add check">
      <TextField form={form} name="name" label="Name" />
      <SelectField form={form} name="kind" label="Kind" options={[{ value: 'http', label: 'HTTP(S)' }, { value: 'tcp', label: 'TCP' }]} />
      <TextField form={form} name="target" label="Target" hint="URL, or host:port for TCP" />
      <TextField form={form} name="intervalSeconds" label="Interval (s)" type="number" />
      <TextField form={form} name="retries" label="Retries" type="number" />
      <TextField form={form} name="slowMs" label="Slow above (ms)" type="number" hint="Optional: DEGRADED above it" />
    </FormCard>
  );
}
