'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ComponentProps, type FormEvent, type ReactNode, useState } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { Textarea } from '@/components/ui/textarea';
import { api, describeError } from '@/lib/api';
import { type OutputProfile, type PresetBody, type PresetView, type Rendition, settingsKeys } from '@/lib/settings';

/** The choices OutputProfileSchema allows (packages/contracts/src/channels.ts). */
const X264_PRESETS = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium'] as const;
const TUNES = ['zerolatency', 'film', 'animation', 'grain', 'stillimage'] as const;
const PROFILES = ['baseline', 'main', 'high'] as const;
const LEVELS = ['3.1', '4.0', '4.1', '4.2', '5.0', '5.1'] as const;
const NO_TUNE = 'none';

type RateControl = 'crf' | 'bitrate';

interface FormState {
  name: string;
  description: string;
  width: string;
  height: string;
  fps: string;
  rateControl: RateControl;
  crf: string;
  bitrateKbps: string;
  maxrateKbps: string;
  bufsizeKbps: string;
  x264Preset: OutputProfile['x264Preset'];
  tune: string;
  profile: OutputProfile['profile'];
  level: OutputProfile['level'];
  gopSeconds: string;
  bFrames: string;
  audioBitrateKbps: string;
  audioSampleRate: string;
  audioChannels: string;
  renditions: Rendition[] | null;
}

const text = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value));

const DEFAULTS: FormState = {
  name: '',
  description: '',
  width: '1280',
  height: '720',
  fps: '25',
  rateControl: 'crf',
  crf: '23',
  bitrateKbps: '',
  maxrateKbps: '',
  bufsizeKbps: '',
  x264Preset: 'veryfast',
  tune: 'zerolatency',
  profile: 'high',
  level: '4.1',
  gopSeconds: '2',
  bFrames: '0',
  audioBitrateKbps: '128',
  audioSampleRate: '48000',
  audioChannels: '2',
  renditions: null,
};

function fromPreset(preset: PresetView, copy: boolean): FormState {
  const p = preset.profile;
  return {
    name: copy ? `${preset.name} copy`.slice(0, 80) : preset.name,
    description: preset.description,
    width: text(p.width),
    height: text(p.height),
    fps: text(p.fps),
    rateControl: p.bitrateKbps !== null && p.crf === null ? 'bitrate' : 'crf',
    crf: text(p.crf ?? (p.bitrateKbps === null ? 23 : null)),
    bitrateKbps: text(p.bitrateKbps),
    maxrateKbps: text(p.maxrateKbps),
    bufsizeKbps: text(p.bufsizeKbps),
    x264Preset: p.x264Preset,
    tune: p.tune ?? NO_TUNE,
    profile: p.profile,
    level: p.level,
    gopSeconds: text(p.gopSeconds),
    bFrames: text(p.bFrames),
    audioBitrateKbps: text(p.audioBitrateKbps),
    audioSampleRate: text(p.audioSampleRate),
    audioChannels: text(p.audioChannels),
    renditions: p.renditions,
  };
}

type Errors = Partial<Record<keyof FormState, string>>;

function int(value: string, min: number, max: number, { even = false, optional = false } = {}): { value: number | null; error?: string } {
  const trimmed = value.trim();
  if (!trimmed) return optional ? { value: null } : { value: null, error: 'Required' };
  const number = Number(trimmed);
  if (!Number.isInteger(number)) return { value: null, error: 'A whole number' };
  if (number < min || number > max) return { value: null, error: `${min} to ${max}` };
  if (even && number % 2 !== 0) return { value: null, error: 'An even number' };
  return { value: number };
}

/** The same rules as PresetBodySchema, so most mistakes show next to the field instead of as an API error. */
function validate(form: FormState): { body?: PresetBody; errors: Errors } {
  const errors: Errors = {};
  const take = (key: keyof FormState, result: { value: number | null; error?: string }) => {
    if (result.error) errors[key] = result.error;
    return result.value;
  };
  if (!form.name.trim()) errors.name = 'Required';
  const width = take('width', int(form.width, 128, 3840, { even: true, optional: true }));
  const height = take('height', int(form.height, 96, 2160, { even: true, optional: true }));
  if (!errors.width && !errors.height && (width === null) !== (height === null)) errors.width = 'Give both width and height, or neither';
  const fps = take('fps', int(form.fps, 1, 60));
  const ladder = Boolean(form.renditions?.length);
  let crf: number | null = null;
  let bitrateKbps: number | null = null;
  let maxrateKbps: number | null = null;
  let bufsizeKbps: number | null = null;
  if (!ladder && form.rateControl === 'crf') crf = take('crf', int(form.crf, 0, 51));
  if (!ladder && form.rateControl === 'bitrate') {
    bitrateKbps = take('bitrateKbps', int(form.bitrateKbps, 64, 100_000));
    maxrateKbps = take('maxrateKbps', int(form.maxrateKbps, 64, 100_000, { optional: true }));
    bufsizeKbps = take('bufsizeKbps', int(form.bufsizeKbps, 64, 100_000, { optional: true }));
  }
  const gopSeconds = take('gopSeconds', int(form.gopSeconds, 1, 10));
  const bFrames = take('bFrames', int(form.bFrames, 0, 4));
  const audioBitrateKbps = take('audioBitrateKbps', int(form.audioBitrateKbps, 32, 512));
  if (Object.keys(errors).length > 0) return { errors };
  return {
    errors,
    body: {
      name: form.name.trim(),
      description: form.description.trim(),
      profile: {
        x264Preset: form.x264Preset,
        tune: form.tune === NO_TUNE ? null : (form.tune as OutputProfile['tune']),
        profile: form.profile,
        level: form.level,
        width,
        height,
        fps: fps as number,
        crf,
        bitrateKbps,
        maxrateKbps,
        bufsizeKbps,
        gopSeconds: gopSeconds as number,
        bFrames: bFrames as number,
        renditions: ladder ? form.renditions : null,
        audioBitrateKbps: audioBitrateKbps as number,
        audioSampleRate: Number(form.audioSampleRate) as OutputProfile['audioSampleRate'],
        audioChannels: Number(form.audioChannels) as OutputProfile['audioChannels'],
      },
    },
  };
}

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

function NumberInput({
  id,
  value,
  onChange,
  error,
  described = false,
  ...props
}: { id: string; value: string; onChange: (value: string) => void; error?: string; described?: boolean } & Omit<
  ComponentProps<'input'>,
  'value' | 'onChange'
>) {
  return (
    <Input
      id={id}
      type="number"
      inputMode="numeric"
      value={value}
      onChange={(event) => onChange(event.target.value)}
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

function initialState(mode: PresetDialogMode): FormState {
  return mode.kind === 'create' ? DEFAULTS : fromPreset(mode.preset, mode.kind === 'duplicate');
}

/** Create, edit or duplicate a preset. Mount it with a key per opening so the form starts fresh. */
export function PresetDialog({ mode, onClose }: { mode: PresetDialogMode; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<FormState>(() => initialState(mode));
  const [errors, setErrors] = useState<Errors>({});
  const set = <K extends keyof FormState>(key: K) => (value: FormState[K]) => setForm((current) => ({ ...current, [key]: value }));

  const save = useMutation({
    mutationFn: (body: PresetBody) =>
      mode.kind === 'edit'
        ? api<PresetView>(`/settings/presets/${mode.preset.id}`, { method: 'PUT', body })
        : api<PresetView>('/settings/presets', { method: 'POST', body }),
    onSuccess: (preset) => {
      toast.success(mode.kind === 'edit' ? `Preset "${preset.name}" saved` : `Preset "${preset.name}" created`);
      void queryClient.invalidateQueries({ queryKey: settingsKeys.presets() });
      void queryClient.invalidateQueries({ queryKey: ['presets'] });
      onClose();
    },
    onError: (error) => toast.error(mode.kind === 'edit' ? 'Could not save the preset' : 'Could not create the preset', { description: describeError(error) }),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = validate(form);
    setErrors(result.errors);
    if (result.body) save.mutate(result.body);
    else toast.error('Check the highlighted fields');
  };

  const ladder = form.renditions?.length ? form.renditions : null;
  const title = mode.kind === 'edit' ? `Edit ${mode.preset.name}` : mode.kind === 'duplicate' ? `Duplicate ${mode.preset.name}` : 'Create preset';

  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent className="sm:max-w-2xl">
        <form onSubmit={submit} noValidate className="grid gap-4">
          <DialogHeader>
            <DialogTitle>{title}</DialogTitle>
            <DialogDescription>x264 video and AAC audio settings that channels encode with. Changes apply to a channel at its next start.</DialogDescription>
          </DialogHeader>

          <Field id="preset-name" label="Name" error={errors.name}>
            <Input id="preset-name" value={form.name} maxLength={80} autoComplete="off" aria-invalid={errors.name ? true : undefined} onChange={(event) => set('name')(event.target.value)} />
          </Field>
          <Field id="preset-description" label="Description">
            <Textarea id="preset-description" rows={2} maxLength={500} value={form.description} onChange={(event) => set('description')(event.target.value)} />
          </Field>

          <Section title="Video">
            <div className="grid grid-cols-2 gap-3 sm:grid-cols-3">
              <Field id="preset-width" label="Width" error={errors.width} hint="Empty: source size">
                <NumberInput id="preset-width" value={form.width} onChange={set('width')} error={errors.width} described min={128} max={3840} step={2} placeholder="source" />
              </Field>
              <Field id="preset-height" label="Height" error={errors.height}>
                <NumberInput id="preset-height" value={form.height} onChange={set('height')} error={errors.height} min={96} max={2160} step={2} placeholder="source" />
              </Field>
              <Field id="preset-fps" label="FPS" error={errors.fps}>
                <NumberInput id="preset-fps" value={form.fps} onChange={set('fps')} error={errors.fps} min={1} max={60} />
              </Field>
              <Field id="preset-gop" label="GOP (seconds)" error={errors.gopSeconds}>
                <NumberInput id="preset-gop" value={form.gopSeconds} onChange={set('gopSeconds')} error={errors.gopSeconds} min={1} max={10} />
              </Field>
              <Field id="preset-bframes" label="B-frames" error={errors.bFrames}>
                <NumberInput id="preset-bframes" value={form.bFrames} onChange={set('bFrames')} error={errors.bFrames} min={0} max={4} />
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
                  <Button type="button" variant="outline" size="sm" onClick={() => setForm((current) => ({ ...current, renditions: null, rateControl: 'crf', crf: current.crf || '23' }))}>
                    Use a single rendition instead
                  </Button>
                </div>
              </div>
            ) : (
              <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
                <Field id="preset-rate-control" label="Rate control">
                  <ChoiceSelect
                    id="preset-rate-control"
                    value={form.rateControl}
                    options={[
                      { value: 'crf', label: 'CRF (quality)' },
                      { value: 'bitrate', label: 'Bitrate' },
                    ]}
                    onChange={set('rateControl')}
                  />
                </Field>
                {form.rateControl === 'crf' ? (
                  <Field id="preset-crf" label="CRF" error={errors.crf} hint="0–51, lower is better">
                    <NumberInput id="preset-crf" value={form.crf} onChange={set('crf')} error={errors.crf} described min={0} max={51} />
                  </Field>
                ) : (
                  <>
                    <Field id="preset-bitrate" label="Video bitrate (kb/s)" error={errors.bitrateKbps}>
                      <NumberInput id="preset-bitrate" value={form.bitrateKbps} onChange={set('bitrateKbps')} error={errors.bitrateKbps} min={64} max={100000} />
                    </Field>
                    <Field id="preset-maxrate" label="Max rate (kb/s)" error={errors.maxrateKbps}>
                      <NumberInput id="preset-maxrate" value={form.maxrateKbps} onChange={set('maxrateKbps')} error={errors.maxrateKbps} min={64} max={100000} placeholder="optional" />
                    </Field>
                    <Field id="preset-bufsize" label="Buffer (kb)" error={errors.bufsizeKbps}>
                      <NumberInput id="preset-bufsize" value={form.bufsizeKbps} onChange={set('bufsizeKbps')} error={errors.bufsizeKbps} min={64} max={100000} placeholder="optional" />
                    </Field>
                  </>
                )}
              </div>
            )}
          </Section>

          <Section title="x264">
            <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
              <Field id="preset-x264" label="x264 preset">
                <ChoiceSelect id="preset-x264" value={form.x264Preset} options={plain(X264_PRESETS)} onChange={set('x264Preset')} />
              </Field>
              <Field id="preset-tune" label="Tune">
                <ChoiceSelect id="preset-tune" value={form.tune} options={[{ value: NO_TUNE, label: 'none' }, ...plain(TUNES)]} onChange={set('tune')} />
              </Field>
              <Field id="preset-profile" label="Profile">
                <ChoiceSelect id="preset-profile" value={form.profile} options={plain(PROFILES)} onChange={set('profile')} />
              </Field>
              <Field id="preset-level" label="Level">
                <ChoiceSelect id="preset-level" value={form.level} options={plain(LEVELS)} onChange={set('level')} />
              </Field>
            </div>
          </Section>

          <Section title="Audio (AAC)">
            <div className="grid grid-cols-2 gap-3 sm:grid-cols-3">
              <Field id="preset-audio-bitrate" label="Audio bitrate (kb/s)" error={errors.audioBitrateKbps}>
                <NumberInput id="preset-audio-bitrate" value={form.audioBitrateKbps} onChange={set('audioBitrateKbps')} error={errors.audioBitrateKbps} min={32} max={512} />
              </Field>
              <Field id="preset-sample-rate" label="Sample rate">
                <ChoiceSelect
                  id="preset-sample-rate"
                  value={form.audioSampleRate}
                  options={[
                    { value: '48000', label: '48 kHz' },
                    { value: '44100', label: '44.1 kHz' },
                  ]}
                  onChange={set('audioSampleRate')}
                />
              </Field>
              <Field id="preset-channels" label="Channels">
                <ChoiceSelect
                  id="preset-channels"
                  value={form.audioChannels}
                  options={[
                    { value: '2', label: 'Stereo' },
                    { value: '1', label: 'Mono' },
                  ]}
                  onChange={set('audioChannels')}
                />
              </Field>
            </div>
          </Section>

          <DialogFooter>
            <Button type="button" variant="outline" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : mode.kind === 'edit' ? 'Save preset' : 'Create preset'}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
