'use client';

import { OutputProfileSchema, type PresetBody, PresetBodySchema } from '@castline/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ComponentProps, type ReactNode, useState } from 'react';
import { Controller, type FieldPath } from 'react-hook-form';
import { toast } from 'sonner';
import type { z } from 'zod';
import { FormActions, FormError } from '@/components/form-field';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { Textarea } from '@/components/ui/textarea';
import { api } from '@/lib/api';
import { type PresetView, settingsKeys } from '@/lib/settings';
import { useZodForm } from '@/lib/use-zod-form';

/** The choices OutputProfileSchema allows, read from it. */
const PROFILE = OutputProfileSchema.shape;
const X264_PRESETS = PROFILE.x264Preset.unwrap().options;
const TUNES = PROFILE.tune.unwrap().unwrap().options;
const PROFILES = PROFILE.profile.unwrap().options;
const LEVELS = PROFILE.level.unwrap().options;
const NO_TUNE = 'none';

type PresetInput = z.input<typeof PresetBodySchema>;
type RateControl = 'crf' | 'bitrate';

/** What a new preset starts with: the schema's own defaults, at 1280x720. */
const DEFAULTS: PresetInput = { name: '', description: '', profile: { ...OutputProfileSchema.parse({}), width: 1280, height: 720 } };

function fromPreset(preset: PresetView, copy: boolean): PresetInput {
  return { name: copy ? `${preset.name} copy`.slice(0, 80) : preset.name, description: preset.description, profile: preset.profile };
}

/** Number inputs: empty is null (the schema says whether that is allowed), anything else a number. */
const numberValue = { setValueAs: (value: unknown) => (value === '' || value === null || value === undefined ? null : Number(value)) };

function Field({ id, label, error, hint, children }: { id: string; label: string; error?: string; hint?: string; children: ReactNode }) {
  return (
    <div className="grid content-start gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      {children}
      {(error || hint) && (
        <p id={`${id}-hint`} className={error ? 'text-xs text-destructive' : 'text-xs text-muted-foreground'}>
          {error ?? hint}
        </p>
      )}
    </div>
  );
}

function NumberInput({ id, error, described = false, ...props }: { id: string; error?: string; described?: boolean } & ComponentProps<'input'>) {
  return (
    <Input
      id={id}
      type="number"
      inputMode="numeric"
      aria-invalid={error ? true : undefined}
      aria-describedby={error || described ? `${id}-hint` : undefined}
      className="tabular-nums"
      {...props}
    />
  );
}

function ChoiceSelect<T extends string>({ id, value, options, onChange }: { id: string; value: T; options: ReadonlyArray<{ value: T; label: string }>; onChange: (value: T) => void }) {
  return (
    <Select value={value} onValueChange={(next) => onChange(next as T)}>
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

const plain = <T extends string>(values: readonly T[]) => values.map((value) => ({ value, label: value }));

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="grid gap-3 rounded-lg border p-3">
      <legend className="px-1 text-sm font-medium">{title}</legend>
      {children}
    </fieldset>
  );
}

export type PresetDialogMode = { kind: 'create' } | { kind: 'edit'; preset: PresetView } | { kind: 'duplicate'; preset: PresetView };

/** Create, edit or duplicate a preset. Mount it with a key per opening so the form starts fresh. */
export function PresetDialog({ mode, onClose }: { mode: PresetDialogMode; onClose: () => void }) {
  const queryClient = useQueryClient();
  const initial = mode.kind === 'create' ? DEFAULTS : fromPreset(mode.preset, mode.kind === 'duplicate');
  const [rateControl, setRateControl] = useState<RateControl>(
    initial.profile.bitrateKbps != null && initial.profile.crf == null ? 'bitrate' : 'crf',
  );

  const save = useMutation({
    mutationFn: (body: PresetBody) =>
      mode.kind === 'edit'
        ? api<PresetView>(`/settings/presets/${mode.preset.id}`, { method: 'PUT', body })
        : api<PresetView>('/settings/presets', { method: 'POST', body }),
    onSuccess: (preset) => {
      toast.success(mode.kind === 'edit' ? `Preset "${preset.name}" saved` : `Preset "${preset.name}" created`);
      void queryClient.invalidateQueries({ queryKey: settingsKeys.presets() });
      void queryClient.invalidateQueries({ queryKey: ['presets'] });
    },
  });
  const form = useZodForm(PresetBodySchema, save, { defaultValues: initial, onSuccess: onClose });
  const error = (name: FieldPath<PresetInput>) => form.getFieldState(name, form.formState).error?.message;
  const number = (name: FieldPath<PresetInput>, id: string, props: ComponentProps<'input'> & { described?: boolean } = {}) => (
    <NumberInput id={id} error={error(name)} {...props} {...form.register(name, numberValue)} />
  );

  // CRF or a bitrate, not both: switching clears the other side, as the schema requires.
  const chooseRateControl = (next: RateControl) => {
    setRateControl(next);
    if (next === 'crf') {
      for (const key of ['bitrateKbps', 'maxrateKbps', 'bufsizeKbps'] as const) form.setValue(`profile.${key}`, null);
      form.setValue('profile.crf', form.getValues('profile.crf') ?? 23);
    } else form.setValue('profile.crf', null);
  };

  const renditions = form.watch('profile.renditions');
  const ladder = renditions?.length ? renditions : null;
  const title = mode.kind === 'edit' ? `Edit ${mode.preset.name}` : mode.kind === 'duplicate' ? `Duplicate ${mode.preset.name}` : 'Create preset';

  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent className="sm:max-w-2xl">
        <form onSubmit={form.submit} noValidate className="grid gap-4">
          <DialogHeader>
            <DialogTitle>{title}</DialogTitle>
            <DialogDescription>x264 video and AAC audio settings that channels encode with. Changes apply to a channel at its next start.</DialogDescription>
          </DialogHeader>
          <FormError message={form.rootError} />

          <Field id="preset-name" label="Name" error={error('name')}>
            <Input id="preset-name" maxLength={80} autoComplete="off" aria-invalid={error('name') ? true : undefined} aria-describedby={error('name') ? 'preset-name-hint' : undefined} {...form.register('name')} />
          </Field>
          <Field id="preset-description" label="Description" error={error('description')}>
            <Textarea id="preset-description" rows={2} maxLength={500} {...form.register('description')} />
          </Field>

          <Section title="Video">
            <div className="grid grid-cols-2 gap-3 sm:grid-cols-3">
              <Field id="preset-width" label="Width" error={error('profile.width')} hint="Empty: source size">
                {number('profile.width', 'preset-width', { described: true, min: 128, max: 3840, step: 2, placeholder: 'source' })}
              </Field>
              <Field id="preset-height" label="Height" error={error('profile.height')}>
                {number('profile.height', 'preset-height', { min: 96, max: 2160, step: 2, placeholder: 'source' })}
              </Field>
              <Field id="preset-fps" label="FPS" error={error('profile.fps')}>
                {number('profile.fps', 'preset-fps', { min: 1, max: 60 })}
              </Field>
              <Field id="preset-gop" label="GOP (seconds)" error={error('profile.gopSeconds')}>
                {number('profile.gopSeconds', 'preset-gop', { min: 1, max: 10 })}
              </Field>
              <Field id="preset-bframes" label="B-frames" error={error('profile.bFrames')}>
                {number('profile.bFrames', 'preset-bframes', { min: 0, max: 4 })}
              </Field>
            </div>
          </Section>

          <Section title="Quality">
            {ladder ? (
              <div className="grid gap-2">
                <p className="text-sm text-muted-foreground">
                  This preset encodes an ABR ladder: each rendition has its own bitrate. The ladder is read-only here.
                </p>
                <Table>
                  <TableHeader>
                    <TableRow>
                      <TableHead>Rendition</TableHead>
                      <TableHead>Size</TableHead>
                      <TableHead>Bitrate</TableHead>
                      <TableHead>Max rate</TableHead>
                      <TableHead>Buffer</TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {ladder.map((rendition) => (
                      <TableRow key={rendition.name}>
                        <TableCell className="font-medium">{rendition.name}</TableCell>
                        <TableCell className="tabular-nums">
                          {rendition.width}×{rendition.height}
                        </TableCell>
                        <TableCell className="tabular-nums">{rendition.bitrateKbps} kb/s</TableCell>
                        <TableCell className="tabular-nums">{rendition.maxrateKbps} kb/s</TableCell>
                        <TableCell className="tabular-nums">{rendition.bufsizeKbps} kb</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
                <div>
                  <Button
                    type="button"
                    variant="outline"
                    size="sm"
                    onClick={() => {
                      form.setValue('profile.renditions', null);
                      chooseRateControl('crf');
                    }}
                  >
                    Use a single rendition instead
                  </Button>
                </div>
              </div>
            ) : (
              <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
                <Field id="preset-rate-control" label="Rate control">
                  <ChoiceSelect
                    id="preset-rate-control"
                    value={rateControl}
                    options={[
                      { value: 'crf', label: 'CRF (quality)' },
                      { value: 'bitrate', label: 'Bitrate' },
                    ]}
                    onChange={chooseRateControl}
                  />
                </Field>
                {rateControl === 'crf' ? (
                  <Field id="preset-crf" label="CRF" error={error('profile.crf')} hint="0–51, lower is better">
                    {number('profile.crf', 'preset-crf', { described: true, min: 0, max: 51 })}
                  </Field>
                ) : (
                  <>
                    <Field id="preset-bitrate" label="Video bitrate (kb/s)" error={error('profile.bitrateKbps')}>
                      {number('profile.bitrateKbps', 'preset-bitrate', { min: 64, max: 100000 })}
                    </Field>
                    <Field id="preset-maxrate" label="Max rate (kb/s)" error={error('profile.maxrateKbps')}>
                      {number('profile.maxrateKbps', 'preset-maxrate', { min: 64, max: 100000, placeholder: 'optional' })}
                    </Field>
                    <Field id="preset-bufsize" label="Buffer (kb)" error={error('profile.bufsizeKbps')}>
                      {number('profile.bufsizeKbps', 'preset-bufsize', { min: 64, max: 100000, placeholder: 'optional' })}
                    </Field>
                  </>
                )}
              </div>
            )}
          </Section>

          <Section title="x264">
            <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
              <Field id="preset-x264" label="x264 preset">
                <Controller control={form.control} name="profile.x264Preset" render={({ field }) => <ChoiceSelect id="preset-x264" value={field.value ?? 'veryfast'} options={plain(X264_PRESETS)} onChange={field.onChange} />} />
              </Field>
              <Field id="preset-tune" label="Tune">
                <Controller
                  control={form.control}
                  name="profile.tune"
                  render={({ field }) => (
                    <ChoiceSelect
                      id="preset-tune"
                      value={field.value ?? NO_TUNE}
                      options={[{ value: NO_TUNE, label: 'none' }, ...plain(TUNES)]}
                      onChange={(value) => field.onChange(value === NO_TUNE ? null : value)}
                    />
                  )}
                />
              </Field>
              <Field id="preset-profile" label="Profile">
                <Controller control={form.control} name="profile.profile" render={({ field }) => <ChoiceSelect id="preset-profile" value={field.value ?? 'high'} options={plain(PROFILES)} onChange={field.onChange} />} />
              </Field>
              <Field id="preset-level" label="Level">
                <Controller control={form.control} name="profile.level" render={({ field }) => <ChoiceSelect id="preset-level" value={field.value ?? '4.1'} options={plain(LEVELS)} onChange={field.onChange} />} />
              </Field>
            </div>
          </Section>

          <Section title="Audio (AAC)">
            <div className="grid grid-cols-2 gap-3 sm:grid-cols-3">
              <Field id="preset-audio-bitrate" label="Audio bitrate (kb/s)" error={error('profile.audioBitrateKbps')}>
                {number('profile.audioBitrateKbps', 'preset-audio-bitrate', { min: 32, max: 512 })}
              </Field>
              <Field id="preset-sample-rate" label="Sample rate">
                <Controller
                  control={form.control}
                  name="profile.audioSampleRate"
                  render={({ field }) => (
                    <ChoiceSelect
                      id="preset-sample-rate"
                      value={String(field.value ?? 48000)}
                      options={[
                        { value: '48000', label: '48 kHz' },
                        { value: '44100', label: '44.1 kHz' },
                      ]}
                      onChange={(value) => field.onChange(Number(value))}
                    />
                  )}
                />
              </Field>
              <Field id="preset-channels" label="Channels">
                <Controller
                  control={form.control}
                  name="profile.audioChannels"
                  render={({ field }) => (
                    <ChoiceSelect
                      id="preset-channels"
                      value={String(field.value ?? 2)}
                      options={[
                        { value: '2', label: 'Stereo' },
                        { value: '1', label: 'Mono' },
                      ]}
                      onChange={(value) => field.onChange(Number(value))}
                    />
                  )}
                />
              </Field>
            </div>
          </Section>

          <FormActions onCancel={onClose} submitting={form.formState.isSubmitting} label={mode.kind === 'edit' ? 'Save preset' : 'Create preset'} busyLabel="Saving…" />
        </form>
      </DialogContent>
    </Dialog>
  );
}
