'use client';

import { CreateChannelSchema } from '@castline/contracts';
import { useQuery } from '@tanstack/react-query';
import { Loader2Icon } from 'lucide-react';
import { useDeferredValue, useEffect } from 'react';
import { FormError, FormField } from '@/components/form-field';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { api } from '@/lib/api';
import { type Channel, channelKeys, type ChannelList, usePresets, useSaveChannel } from '@/lib/channels';
import { namedAlike } from '@/lib/channel-names';
import { useZodForm } from '@/lib/use-zod-form';
import { LogoSection, useLogoPicker } from './channel-form/logo-section';
import { OptionsSection } from './channel-form/options-section';
import { OutputSection } from './channel-form/output-section';
import { SourcesSection } from './channel-form/sources-section';
import { channelChanges, type ChannelFormValues, channelInput, toFormValues } from './channel-form/values';

/**
 * Create a channel (no `channel`) or edit one. The form mounts each time the dialog opens, so it starts from
 * the channel's current values; a refused save keeps what was typed and shows the API's messages by the fields.
 */
export function ChannelFormDialog({
  channel,
  open,
  onOpenChange,
  onSaved,
}: {
  channel?: Channel;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onSaved?: (channel: Channel) => void;
}) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-xl">
        <DialogHeader>
          <DialogTitle>{channel ? `Edit ${channel.name}` : 'New channel'}</DialogTitle>
          <DialogDescription>
            {channel
              ? 'Changes apply the next time the channel starts (restart it to apply them now).'
              : 'A channel takes a source, encodes it with a preset and serves it as HLS.'}
          </DialogDescription>
        </DialogHeader>
        {open && (
          <ChannelForm
            key={channel?.id ?? 'new'}
            channel={channel}
            onDone={(saved) => {
              if (saved) onSaved?.(saved);
              onOpenChange(false);
            }}
            onCancel={() => onOpenChange(false)}
          />
        )}
      </DialogContent>
    </Dialog>
  );
}

function ChannelForm({ channel, onDone, onCancel }: { channel?: Channel; onDone: (channel: Channel | null) => void; onCancel: () => void }) {
  const presets = usePresets();
  const save = useSaveChannel();
  const form = useZodForm(
    CreateChannelSchema,
    {
      // An edit sends only what changed; nothing changed closes the dialog without a request.
      mutateAsync: async (body) => {
        if (!channel) return save.mutateAsync({ body });
        const changes = channelChanges(channel, body, form.getValues('presetId'));
        return Object.keys(changes).length ? save.mutateAsync({ id: channel.id, body: changes }) : null;
      },
    },
    { defaultValues: toFormValues(channel), prepare: (values: ChannelFormValues) => channelInput(values), onSuccess: onDone },
  );
  const logo = useLogoPicker(form);

  // A new channel starts with the preset marked as the default (the one its description calls so).
  const defaultPreset = (presets.data?.find((preset) => preset.isDefault) ?? presets.data?.[0])?.id;
  useEffect(() => {
    if (!channel && defaultPreset && !form.getValues('presetId')) form.setValue('presetId', defaultPreset);
  }, [channel, defaultPreset, form]);

  const submit = async (event: React.FormEvent) => {
    if (logo.problem) {
      // The logo the user chose is not uploaded: saving now would make a channel without it.
      event.preventDefault();
      form.setError('logo', { type: 'picked', message: logo.problem }, { shouldFocus: true });
      return;
    }
    await form.submit(event);
  };

  const busy = form.formState.isSubmitting || logo.uploading;
  return (
    <form onSubmit={(event) => void submit(event)} noValidate className="grid gap-4" aria-busy={busy}>
      <FormError message={form.rootError ?? form.formState.errors.root?.schema?.message} />
      <NameField form={form} channel={channel} />
      <SourcesSection form={form} />
      <OutputSection form={form} channel={channel} presets={presets} />
      <LogoSection form={form} picker={logo} />
      <OptionsSection form={form} />
      <DialogFooter>
        <Button type="button" variant="outline" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" disabled={busy}>
          {form.formState.isSubmitting && <Loader2Icon className="animate-spin" aria-hidden />}
          {channel ? 'Save changes' : 'Create channel'}
        </Button>
      </DialogFooter>
    </form>
  );
}

/**
 * The name, with a warning when another channel already has it: names need not be unique (slugs are), but two
 * cards with one name are hard to tell apart.
 */
function NameField({ form, channel }: { form: ReturnType<typeof useZodForm<typeof CreateChannelSchema, unknown, ChannelFormValues>>; channel?: Channel }) {
  const name = useDeferredValue(form.watch('name').trim());
  const sameName = useQuery({
    queryKey: [...channelKeys.lists(), 'named', name.toLocaleLowerCase('en')],
    queryFn: ({ signal }) => api<ChannelList>(`/channels?pageSize=200&search=${encodeURIComponent(name)}`, { signal }),
    enabled: name.length > 0,
    staleTime: 10_000,
  });
  const alike = name ? namedAlike(name, sameName.data?.items ?? [], channel?.id) : [];
  const warning =
    alike.length > 0
      ? `${alike.length === 1 ? 'A channel' : `${alike.length} channels`} named “${alike[0]!.name}” already ${alike.length === 1 ? 'exists' : 'exist'} (${alike
          .map((other) => other.slug)
          .join(', ')}). Both will show the same name; a distinct name is easier to tell apart.`
      : undefined;
  return (
    <FormField label="Name" error={form.formState.errors.name?.message} warning={warning}>
      {(control) => <Input {...control} autoFocus maxLength={100} placeholder="News 24" {...form.register('name')} />}
    </FormField>
  );
}
