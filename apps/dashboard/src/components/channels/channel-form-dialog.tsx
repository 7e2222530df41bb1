'use client';

import type { CreateChannel, UpdateChannel } from '@castline/contracts';
import { ImageIcon, Loader2Icon, PlusIcon, Trash2Icon, XIcon } from 'lucide-react';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Switch } from '@/components/ui/switch';
import { ApiError, describeError } from '@/lib/api';
import { type Channel, type LogoAnchor, type Playback, useObjectUrl, usePresets, useSaveChannel, useUploadImage, useUploadLogo } from '@/lib/channels';
import { formatBytes } from '@/lib/format';
import { cn } from '@/lib/utils';

const MAX_BACKUPS = 4;
const LOGO_TYPES = 'image/png,image/jpeg,image/webp';
const ANCHORS: Array<{ value: LogoAnchor; label: string }> = [
  { value: 'top_left', label: 'Top left' },
  { value: 'top_right', label: 'Top right' },
  { value: 'bottom_left', label: 'Bottom left' },
  { value: 'bottom_right', label: 'Bottom right' },
];
/** A channel saved with an inline output profile has no preset: this stands for "leave it as it is". */
const CUSTOM_OUTPUT = '__custom__';

interface LogoState {
  uploadId: string;
  name: string;
  /** Object URL of the file picked in this dialog (uploads cannot be read back from the API). */
  previewUrl: string | null;
  detail: string | null;
}

type FieldKey = 'name' | 'slug' | 'preset' | 'logo' | 'playback' | `source-${number}` | 'sources';

/** Which form field an API issue path (`name`, `sources.1.url`, ['slug'], …) belongs to. */
function fieldOf(path: unknown): FieldKey | null {
  const parts = Array.isArray(path) ? path.map(String) : typeof path === 'string' ? path.split('.') : [];
  const [head, index] = parts;
  if (head === 'name' || head === 'slug' || head === 'playback') return head;
  if (head === 'presetId' || head === 'output') return 'preset';
  if (head === 'logo') return 'logo';
  if (head === 'sources') return index !== undefined && /^\d+$/.test(index) ? `source-${Number(index)}` : 'sources';
  return null;
}

/** The per-field messages of a refused save: `details` as `{ fields: [...] }` or as an array of issues. */
function fieldErrors(error: unknown): Partial<Record<FieldKey, string>> {
  if (!(error instanceof ApiError)) return {};
  const details = error.details as { fields?: unknown } | unknown[] | undefined;
  const issues = (Array.isArray(details) ? details : Array.isArray(details?.fields) ? details.fields : []) as Array<{ path?: unknown; message?: string }>;
  const result: Partial<Record<FieldKey, string>> = {};
  for (const issue of issues) {
    const key = fieldOf(issue.path);
    if (key && issue.message && !result[key]) result[key] = issue.message;
  }
  // Refusals without details name the field at the start of the message ("presetId: no preset …").
  if (issues.length === 0) {
    const match = /^([a-zA-Z]+(?:\.\w+)*)(?:\[(\d+)\])?[ :]/.exec(error.message);
    const key = match ? fieldOf(match[2] !== undefined ? [match[1], match[2]] : match[1]) : null;
    if (match && key) {
      // "sources[0] (primary source): reason" → "reason"
      const reason = error.message.slice(match[0].length).replace(/^\s*\([^)]*\)/, '').replace(/^\s*:\s*/, '').trim();
      result[key] = reason || error.message;
    }
  }
  return result;
}

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
              onSaved?.(saved);
              onOpenChange(false);
            }}
            onCancel={() => onOpenChange(false)}
          />
        )}
      </DialogContent>
    </Dialog>
  );
}

function ChannelForm({ channel, onDone, onCancel }: { channel?: Channel; onDone: (channel: Channel) => void; onCancel: () => void }) {
  const id = useId();
  const presets = usePresets();
  const save = useSaveChannel();
  const upload = useUploadLogo();
  const fileInput = useRef<HTMLInputElement>(null);

  const sorted = [...(channel?.sources ?? [])].sort((a, b) => a.position - b.position);
  const [name, setName] = useState(channel?.name ?? '');
  const [primary, setPrimary] = useState(sorted[0]?.url ?? '');
  const [backups, setBackups] = useState<string[]>(sorted.length > 1 ? sorted.slice(1).map((source) => source.url) : ['']);
  const [presetId, setPresetId] = useState<string>(channel ? (channel.presetId ?? CUSTOM_OUTPUT) : '');
  const [logo, setLogo] = useState<LogoState | null>(
    channel?.logo ? { uploadId: channel.logo.uploadId, name: 'Current logo', previewUrl: null, detail: null } : null,
  );
  const [anchor, setAnchor] = useState<LogoAnchor>(channel?.logo?.anchor ?? 'top_right');
  const [playback, setPlayback] = useState<Playback>(channel?.playback ?? 'public');
  const [autoRestart, setAutoRestart] = useState(channel?.autoRestart ?? true);
  const [slug, setSlug] = useState(channel?.slug ?? '');
  const [errors, setErrors] = useState<Partial<Record<FieldKey, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);

  // Object URLs of picked logos are released when replaced and when the dialog closes.
  const previewUrl = logo?.previewUrl ?? null;
  useEffect(() => {
    return () => {
      if (previewUrl) URL.revokeObjectURL(previewUrl);
    };
  }, [previewUrl]);

  const presetList = presets.data ?? [];
  const effectivePreset = presetId || presetList[0]?.id || '';

  const clearError = (key: FieldKey) => {
    if (!errors[key]) return;
    setErrors((current) => {
      const next = { ...current };
      delete next[key];
      return next;
    });
  };

  async function pickLogo(file: File | undefined) {
    if (!file) return;
    clearError('logo');
    try {
      const uploaded = await upload.mutateAsync(file);
      const size = uploaded.width && uploaded.height ? `${uploaded.width}×${uploaded.height}, ` : '';
      setLogo({
        uploadId: uploaded.id,
        name: uploaded.originalName || file.name,
        previewUrl: URL.createObjectURL(file),
        detail: `${size}${formatBytes(uploaded.sizeBytes)}`,
      });
    } catch (error) {
      setErrors((current) => ({ ...current, logo: describeError(error) }));
    } finally {
      if (fileInput.current) fileInput.current.value = '';
    }
  }

  function validate(): Partial<Record<FieldKey, string>> {
    const found: Partial<Record<FieldKey, string>> = {};
    if (!name.trim()) found.name = 'Give the channel a name';
    if (!primary.trim()) found['source-0'] = 'Give the URL of the source to encode';
    if (slug.trim() && !/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/.test(slug.trim())) {
      found.slug = 'Lowercase letters, digits and inner dashes, 1-64 characters';
    }
    return found;
  }

  function buildSources() {
    const urls = [primary, ...backups].map((url) => url.trim()).filter(Boolean);
    return urls.map((url, index) => {
      // Keep a label the API already had for the same URL in the same place.
      const previous = sorted[index];
      return { url, label: previous && previous.url === url ? previous.label : '' };
    });
  }

  function buildLogo() {
    if (!logo) return null;
    const base = channel?.logo;
    return {
      uploadId: logo.uploadId,
      anchor,
      x: base?.x ?? 24,
      y: base?.y ?? 24,
      width: base?.width ?? null,
      height: base?.height ?? null,
      opacity: base?.opacity ?? 1,
    };
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFormError(null);
    const local = validate();
    setErrors(local);
    if (Object.keys(local).length > 0) return;

    const sources = buildSources();
    const logoBody = buildLogo();
    let result: Channel;
    try {
      if (!channel) {
        const body: CreateChannel = { name: name.trim(), sources, logo: logoBody, playback, autoRestart };
        if (effectivePreset) body.presetId = effectivePreset;
        if (slug.trim()) body.slug = slug.trim();
        result = await save.mutateAsync({ body });
      } else {
        const changes: UpdateChannel = {};
        if (name.trim() !== channel.name) changes.name = name.trim();
        const before = sorted.map((source) => source.url).join('\n');
        if (sources.map((source) => source.url).join('\n') !== before) changes.sources = sources;
        if (presetId !== CUSTOM_OUTPUT && presetId && presetId !== channel.presetId) {
          changes.presetId = presetId;
          changes.output = null;
        }
        const beforeLogo = channel.logo ? `${channel.logo.uploadId}/${channel.logo.anchor}` : '';
        const afterLogo = logoBody ? `${logoBody.uploadId}/${logoBody.anchor}` : '';
        if (beforeLogo !== afterLogo) changes.logo = logoBody;
        if (playback !== channel.playback) changes.playback = playback;
        if (autoRestart !== channel.autoRestart) changes.autoRestart = autoRestart;
        if (slug.trim() && slug.trim() !== channel.slug) changes.slug = slug.trim();
        if (Object.keys(changes).length === 0) {
          onCancel();
          return;
        }
        result = await save.mutateAsync({ id: channel.id, body: changes });
      }
    } catch (error) {
      const byField = fieldErrors(error);
      setErrors(byField);
      // Messages that belong to a field are shown by it; anything else goes at the top of the form.
      setFormError(Object.keys(byField).length > 0 ? null : describeError(error));
      return;
    }
    onDone(result);
  }

  const busy = save.isPending || upload.isPending;
  const errorId = (key: string) => `${id}-${key}-error`;
  const describedBy = (key: FieldKey) => (errors[key] ? errorId(key) : undefined);
  const fieldError = (field: FieldKey) =>
    errors[field] ? (
      <p id={errorId(field)} className="text-xs text-destructive" data-field-error={field}>
        {errors[field]}
      </p>
    ) : null;

  return (
    <form onSubmit={submit} noValidate className="grid gap-4" aria-busy={busy}>
      {formError && (
        <div role="alert" className="rounded-md border border-destructive/40 bg-destructive/5 px-3 py-2 text-sm text-destructive">
          {formError}
        </div>
      )}

      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-name`}>Name</Label>
        <Input
          id={`${id}-name`}
          value={name}
          autoFocus
          maxLength={100}
          placeholder="News 24"
          aria-invalid={Boolean(errors.name)}
          aria-describedby={describedBy('name')}
          onChange={(event) => {
            setName(event.target.value);
            clearError('name');
          }}
        />
        {fieldError('name')}
      </div>

      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-source-0`}>Primary source URL</Label>
        <Input
          id={`${id}-source-0`}
          value={primary}
          inputMode="url"
          spellCheck={false}
          placeholder="udp://239.0.0.1:5000, srt://…, rtmp://…, https://…/index.m3u8"
          className="font-mono text-xs"
          aria-invalid={Boolean(errors['source-0'] || errors.sources)}
          aria-describedby={describedBy('source-0') ?? describedBy('sources')}
          onChange={(event) => {
            setPrimary(event.target.value);
            clearError('source-0');
            clearError('sources');
          }}
        />
        {fieldError('source-0')}
        {fieldError('sources')}
      </div>

      {backups.map((url, index) => {
        const key: FieldKey = `source-${index + 1}`;
        const inputId = `${id}-${key}`;
        return (
          <div key={index} className="grid gap-1.5">
            <div className="flex items-baseline gap-1.5">
              <Label htmlFor={inputId}>{index === 0 ? 'Backup source URL' : `Backup source URL ${index + 1}`}</Label>
              <span className="text-xs text-muted-foreground">optional</span>
            </div>
            <div className="flex gap-2">
              <Input
                id={inputId}
                value={url}
                inputMode="url"
                spellCheck={false}
                placeholder="Used when the primary fails"
                className="font-mono text-xs"
                aria-invalid={Boolean(errors[key])}
                aria-describedby={describedBy(key)}
                onChange={(event) => {
                  const value = event.target.value;
                  setBackups((current) => current.map((item, position) => (position === index ? value : item)));
                  clearError(key);
                }}
              />
              {(backups.length > 1 || url) && (
                <Button
                  type="button"
                  variant="ghost"
                  size="icon"
                  aria-label={`Remove backup source ${index + 1}`}
                  onClick={() => setBackups((current) => (current.length > 1 ? current.filter((_, position) => position !== index) : ['']))}
                >
                  <XIcon aria-hidden />
                </Button>
              )}
            </div>
            {fieldError(key)}
          </div>
        );
      })}
      {backups.length < MAX_BACKUPS && (
        <Button type="button" variant="outline" size="sm" className="w-fit" onClick={() => setBackups((current) => [...current, ''])}>
          <PlusIcon aria-hidden /> Add backup source
        </Button>
      )}

      <div className="grid gap-4 sm:grid-cols-2">
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-preset`}>Preset</Label>
          <Select value={effectivePreset} onValueChange={(value) => { setPresetId(value); clearError('preset'); }} disabled={presets.isLoading}>
            <SelectTrigger id={`${id}-preset`} aria-invalid={Boolean(errors.preset)} aria-describedby={describedBy('preset')}>
              <SelectValue placeholder={presets.isLoading ? 'Loading presets…' : 'No presets'} />
            </SelectTrigger>
            <SelectContent>
              {presetId === CUSTOM_OUTPUT && (
                <SelectItem value={CUSTOM_OUTPUT}>{channel?.output ? 'Custom output (keep)' : 'No preset (keep)'}</SelectItem>
              )}
              {presetList.map((preset) => (
                <SelectItem key={preset.id} value={preset.id}>
                  {preset.name}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
          {presets.isError ? (
            <p className="text-xs text-destructive">Presets could not be loaded: {describeError(presets.error)}</p>
          ) : (
            <p className="text-xs text-muted-foreground">
              {presetList.find((preset) => preset.id === effectivePreset)?.description ?? ' '}
            </p>
          )}
          {fieldError('preset')}
        </div>

        <div className="grid content-start gap-1.5">
          <Label htmlFor={`${id}-playback`}>Playback</Label>
          <Select value={playback} onValueChange={(value) => { setPlayback(value as Playback); clearError('playback'); }}>
            <SelectTrigger id={`${id}-playback`} aria-describedby={describedBy('playback')}>
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value="public">Public</SelectItem>
              <SelectItem value="signed">Signed</SelectItem>
            </SelectContent>
          </Select>
          <p className="text-xs text-muted-foreground">
            {playback === 'public' ? 'Anyone with the URL can watch.' : 'Viewers need a signed, expiring URL.'}
          </p>
          {fieldError('playback')}
        </div>
      </div>

      <div className="grid gap-4 sm:grid-cols-[1fr_11rem]">
        <div className="grid min-w-0 content-start gap-1.5">
          <Label htmlFor={`${id}-logo`}>Logo</Label>
          {logo ? (
            <div className="flex items-center gap-3 rounded-md border p-2">
              <span className="flex size-10 shrink-0 items-center justify-center overflow-hidden rounded bg-muted">
                {logo.previewUrl ? (
                  <img src={logo.previewUrl} alt={`Logo preview: ${logo.name}`} className="max-h-full max-w-full object-contain" />
                ) : (
                  <StoredLogo uploadId={logo.uploadId} />
                )}
              </span>
              <div className="min-w-0 flex-1">
                <p className="truncate text-sm" title={logo.name}>
                  {logo.name}
                </p>
                {logo.detail && <p className="text-xs text-muted-foreground">{logo.detail}</p>}
              </div>
              <Button type="button" variant="ghost" size="sm" onClick={() => setLogo(null)}>
                <Trash2Icon aria-hidden /> Remove logo
              </Button>
            </div>
          ) : null}
          <div className={cn('flex items-center gap-2', logo && 'sr-only')}>
            <Input
              ref={fileInput}
              id={`${id}-logo`}
              type="file"
              accept={LOGO_TYPES}
              disabled={upload.isPending}
              aria-invalid={Boolean(errors.logo)}
              aria-describedby={describedBy('logo') ?? `${id}-logo-hint`}
              className="text-xs file:mr-2"
              onChange={(event) => void pickLogo(event.target.files?.[0])}
            />
            {upload.isPending && <Loader2Icon className="size-4 shrink-0 animate-spin text-muted-foreground" aria-label="Uploading" />}
          </div>
          {logo && (
            <Button type="button" variant="link" size="sm" className="h-auto w-fit px-0 text-xs" onClick={() => fileInput.current?.click()}>
              Replace logo
            </Button>
          )}
          {!logo && (
            <p id={`${id}-logo-hint`} className="text-xs text-muted-foreground">
              PNG, JPEG or WebP, up to 512 KB. Optional.
            </p>
          )}
          {fieldError('logo')}
        </div>

        <div className="grid content-start gap-1.5">
          <Label htmlFor={`${id}-anchor`}>Logo corner</Label>
          <Select value={anchor} onValueChange={(value) => setAnchor(value as LogoAnchor)} disabled={!logo}>
            <SelectTrigger id={`${id}-anchor`}>
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              {ANCHORS.map((item) => (
                <SelectItem key={item.value} value={item.value}>
                  {item.label}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
      </div>

      <div className="grid gap-4 sm:grid-cols-2">
        <div className="flex items-start justify-between gap-3 self-start rounded-md border p-3">
          <div className="grid gap-1">
            <Label htmlFor={`${id}-restart`}>Restart automatically</Label>
            <p className="text-xs text-muted-foreground">Restart FFmpeg when it fails.</p>
          </div>
          <Switch id={`${id}-restart`} checked={autoRestart} onCheckedChange={setAutoRestart} />
        </div>

        <div className="grid content-start gap-1.5">
          <div className="flex items-baseline gap-1.5">
            <Label htmlFor={`${id}-slug`}>Slug</Label>
            <span className="text-xs text-muted-foreground">optional</span>
          </div>
          <Input
            id={`${id}-slug`}
            value={slug}
            spellCheck={false}
            placeholder="from the name"
            className="font-mono text-xs"
            aria-invalid={Boolean(errors.slug)}
            aria-describedby={describedBy('slug')}
            onChange={(event) => {
              setSlug(event.target.value);
              clearError('slug');
            }}
          />
          {fieldError('slug')}
        </div>
      </div>

      <DialogFooter>
        <Button type="button" variant="outline" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" disabled={busy}>
          {save.isPending && <Loader2Icon className="animate-spin" aria-hidden />}
          {channel ? 'Save changes' : 'Create channel'}
        </Button>
      </DialogFooter>
    </form>
  );
}

/** The logo a channel already has, fetched from the API (an img cannot send the bearer token). */
function StoredLogo({ uploadId }: { uploadId: string }) {
  const url = useObjectUrl(useUploadImage(uploadId).data);
  return url ? (
    <img src={url} alt="Current logo" className="max-h-full max-w-full object-contain" />
  ) : (
    <ImageIcon className="size-4 text-muted-foreground" aria-hidden />
  );
}
