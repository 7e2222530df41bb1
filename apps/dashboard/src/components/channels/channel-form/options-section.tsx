'use client';

import { Controller, type UseFormReturn } from 'react-hook-form';
import { FormField } from '@/components/form-field';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Switch } from '@/components/ui/switch';
import type { ChannelFormValues } from './values';

/** Restart policy and the slug of the playback URL. */
export function OptionsSection({ form }: { form: UseFormReturn<ChannelFormValues, unknown, unknown> }) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <div className="flex items-start justify-between gap-3 self-start rounded-md border p-3">
        <div className="grid gap-1">
          <Label htmlFor="channel-restart">Restart automatically</Label>
          <p className="text-xs text-muted-foreground">Restart FFmpeg when it fails.</p>
        </div>
        <Controller
          control={form.control}
          name="autoRestart"
          render={({ field }) => <Switch id="channel-restart" checked={field.value} onCheckedChange={field.onChange} />}
        />
      </div>

      <FormField label="Slug" optional error={form.getFieldState('slug', form.formState).error?.message}>
        {(control) => <Input {...control} spellCheck={false} placeholder="from the name" className="font-mono text-xs" {...form.register('slug')} />}
      </FormField>
    </div>
  );
}
