'use client';

import { Controller, type UseFormReturn } from 'react-hook-form';
import { FormField } from '@/components/form-field';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { describeError } from '@/lib/api';
import type { Channel, Playback, Preset } from '@/lib/channels';
import { type ChannelFormValues, CUSTOM_OUTPUT } from './values';

/** How the channel is encoded (its preset) and who may watch it. */
export function OutputSection({
  form,
  channel,
  presets,
}: {
  form: UseFormReturn<ChannelFormValues, unknown, unknown>;
  channel?: Channel;
  presets: { data: Preset[] | undefined; isLoading: boolean; isError: boolean; error: unknown };
}) {
  const list = presets.data ?? [];
  const presetId = form.watch('presetId');
  const playback = form.watch('playback');
  const state = (name: 'presetId' | 'playback') => form.getFieldState(name, form.formState).error?.message;
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <FormField
        label="Preset"
        error={state('presetId')}
        hint={
          presets.isError ? (
            <span className="text-destructive">Presets could not be loaded: {describeError(presets.error)}</span>
          ) : (
            (list.find((preset) => preset.id === presetId)?.description ?? ' ')
          )
        }
      >
        {(control) => (
          <Controller
            control={form.control}
            name="presetId"
            render={({ field }) => (
              <Select value={field.value} onValueChange={field.onChange} disabled={presets.isLoading}>
                <SelectTrigger {...control}>
                  <SelectValue placeholder={presets.isLoading ? 'Loading presets…' : 'No presets'} />
                </SelectTrigger>
                <SelectContent>
                  {field.value === CUSTOM_OUTPUT && (
                    <SelectItem value={CUSTOM_OUTPUT}>{channel?.output ? 'Custom output (keep)' : 'No preset (keep)'}</SelectItem>
                  )}
                  {list.map((preset) => (
                    <SelectItem key={preset.id} value={preset.id}>
                      {preset.name}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            )}
          />
        )}
      </FormField>

      <FormField
        label="Playback"
        error={state('playback')}
        hint={playback === 'public' ? 'Anyone with the URL can watch.' : 'Viewers need a signed, expiring URL.'}
      >
        {(control) => (
          <Controller
            control={form.control}
            name="playback"
            render={({ field }) => (
              <Select value={field.value} onValueChange={(value) => field.onChange(value as Playback)}>
                <SelectTrigger {...control}>
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  <SelectItem value="public">Public</SelectItem>
                  <SelectItem value="signed">Signed</SelectItem>
                </SelectContent>
              </Select>
            )}
          />
        )}
      </FormField>
    </div>
  );
}
