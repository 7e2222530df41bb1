'use client';

import { MAX_CHANNEL_SOURCES } from '@castline/contracts';
import { PlusIcon, XIcon } from 'lucide-react';
import { useFieldArray, type UseFormReturn } from 'react-hook-form';
import { FormField } from '@/components/form-field';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import type { ChannelFormValues } from './values';


/** The primary source and its backups, in failover order. */
export function SourcesSection({ form }: { form: UseFormReturn<ChannelFormValues, unknown, unknown> }) {
  const { fields, append, remove, update } = useFieldArray({ control: form.control, name: 'sources' });
  const error = (index: number) => form.getFieldState(`sources.${index}.url`, form.formState).error?.message;
  return (
    <>
      {fields.map((field, index) =>
        index === 0 ? (
          <FormField key={field.id} label="Primary source URL" error={error(0)}>
            {(control) => (
              <Input
                {...control}
                inputMode="url"
                spellCheck={false}
                placeholder="udp://239.0.0.1:5000, srt://…, rtmp://…, https://…/index.m3u8"
                className="font-mono text-xs"
                {...form.register('sources.0.url')}
              />
            )}
          </FormField>
        ) : (
          <FormField key={field.id} label={index === 1 ? 'Backup source URL' : `Backup source URL ${index}`} optional error={error(index)}>
            {(control) => (
              <div className="flex gap-2">
                <Input
                  {...control}
                  inputMode="url"
                  spellCheck={false}
                  placeholder="Used when the primary fails"
                  className="font-mono text-xs"
                  {...form.register(`sources.${index}.url`)}
                />
                {(fields.length > 2 || form.watch(`sources.${index}.url`)) && (
                  <Button
                    type="button"
                    variant="ghost"
                    size="icon"
                    aria-label={`Remove backup source ${index}`}
                    onClick={() => (fields.length > 2 ? remove(index) : update(index, { url: '', label: '' }))}
                  >
                    <XIcon aria-hidden />
                  </Button>
                )}
              </div>
            )}
          </FormField>
        ),
      )}
      {fields.length < MAX_CHANNEL_SOURCES && (
        <Button type="button" variant="outline" size="sm" className="w-fit" onClick={() => append({ url: '', label: '' })}>
          <PlusIcon aria-hidden /> Add backup source
        </Button>
      )}
    </>
  );
}
