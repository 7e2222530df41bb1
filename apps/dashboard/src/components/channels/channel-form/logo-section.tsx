'use client';

import type { LogoPlacement } from '@castline/contracts';
import { ImageIcon, Loader2Icon, Trash2Icon } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { Controller, type UseFormReturn } from 'react-hook-form';
import { FormField } from '@/components/form-field';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { describeError } from '@/lib/api';
import { type LogoAnchor, useObjectUrl, useUploadImage, useUploadLogo } from '@/lib/channels';
import { formatBytes } from '@/lib/format';
import { LOGO_ACCEPT, LOGO_HINT, logoFileProblem } from '@/lib/logo-file';
import { cn } from '@/lib/utils';
import type { ChannelFormValues } from './values';

const ANCHORS: Array<{ value: LogoAnchor; label: string }> = [
  { value: 'top_left', label: 'Top left' },
  { value: 'top_right', label: 'Top right' },
  { value: 'bottom_left', label: 'Bottom left' },
  { value: 'bottom_right', label: 'Bottom right' },
];

interface PickedLogo {
  name: string;
  /** Object URL of the file picked in this dialog (uploads cannot be read back from the API). */
  previewUrl: string;
  detail: string;
}

export interface LogoPicker {
  picked: PickedLogo | null;
  /** Why the file the user chose is not the channel's logo: the form refuses to save while this is set. */
  problem: string | null;
  uploading: boolean;
  pick: (file: File | undefined) => Promise<void>;
  remove: () => void;
}

/**
 * Picking a logo: the file is checked in the browser (type by content, size) and only then uploaded. A file
 * that was refused or failed to upload keeps its message on the field until another is picked or it is
 * removed, so the channel is never saved without the logo the user chose.
 */
export function useLogoPicker(form: UseFormReturn<ChannelFormValues, unknown, unknown>): LogoPicker {
  const upload = useUploadLogo();
  const [picked, setPicked] = useState<PickedLogo | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  // Object URLs of picked logos are released when replaced and when the dialog closes.
  const previewUrl = picked?.previewUrl ?? null;
  useEffect(() => {
    return () => {
      if (previewUrl) URL.revokeObjectURL(previewUrl);
    };
  }, [previewUrl]);

  const refuse = (message: string) => {
    setProblem(message);
    form.setError('logo', { type: 'picked', message });
  };

  return {
    picked,
    problem,
    uploading: upload.isPending,
    pick: async (file) => {
      if (!file) return;
      form.clearErrors('logo');
      setProblem(null);
      const local = await logoFileProblem(file);
      if (local) return refuse(local);
      try {
        const uploaded = await upload.mutateAsync(file);
        const size = uploaded.width && uploaded.height ? `${uploaded.width}×${uploaded.height}, ` : '';
        setPicked({ name: uploaded.originalName || file.name, previewUrl: URL.createObjectURL(file), detail: `${size}${formatBytes(uploaded.sizeBytes)}` });
        const current = form.getValues('logo');
        form.setValue('logo', { ...current, uploadId: uploaded.id } as LogoPlacement, { shouldDirty: true });
      } catch (error) {
        refuse(`${file.name} was not uploaded: ${describeError(error)}`);
      }
    },
    remove: () => {
      setPicked(null);
      setProblem(null);
      form.clearErrors('logo');
      form.setValue('logo', null, { shouldDirty: true });
    },
  };
}

/** The logo burned into the output, and the corner it sits in. */
export function LogoSection({ form, picker }: { form: UseFormReturn<ChannelFormValues, unknown, unknown>; picker: LogoPicker }) {
  const fileInput = useRef<HTMLInputElement>(null);
  const logo = form.watch('logo');
  const error = form.getFieldState('logo', form.formState).error?.message;

  return (
    <div className="grid gap-4 sm:grid-cols-[1fr_11rem]">
      <FormField label="Logo" error={error} hint={logo || picker.problem ? undefined : `${LOGO_HINT}. Optional.`} className="min-w-0">
        {(control) => (
          <>
            {logo ? (
              <div className="flex items-center gap-3 rounded-md border p-2">
                <span className="flex size-10 shrink-0 items-center justify-center overflow-hidden rounded bg-muted">
                  {picker.picked ? (
                    <img src={picker.picked.previewUrl} alt={`Logo preview: ${picker.picked.name}`} className="max-h-full max-w-full object-contain" />
                  ) : (
                    <StoredLogo uploadId={logo.uploadId} />
                  )}
                </span>
                <div className="min-w-0 flex-1">
                  <p className="truncate text-sm" title={picker.picked?.name}>
                    {picker.picked?.name ?? 'Current logo'}
                  </p>
                  {picker.picked && <p className="text-xs text-muted-foreground">{picker.picked.detail}</p>}
                </div>
                <Button type="button" variant="ghost" size="sm" onClick={picker.remove}>
                  <Trash2Icon aria-hidden /> Remove logo
                </Button>
              </div>
            ) : null}
            <div className={cn('flex items-center gap-2', logo && 'sr-only')}>
              <Input
                ref={fileInput}
                {...control}
                type="file"
                accept={LOGO_ACCEPT}
                disabled={picker.uploading}
                className="text-xs file:mr-2"
                onChange={(event) => {
                  const file = event.target.files?.[0];
                  event.target.value = '';
                  void picker.pick(file);
                }}
              />
              {picker.uploading && <Loader2Icon className="size-4 shrink-0 animate-spin text-muted-foreground" aria-label="Uploading" />}
              {picker.problem && !logo && (
                <Button type="button" variant="ghost" size="sm" onClick={picker.remove}>
                  Clear
                </Button>
              )}
            </div>
            {logo && (
              <Button type="button" variant="link" size="sm" className="h-auto w-fit px-0 text-xs" onClick={() => fileInput.current?.click()}>
                Replace logo
              </Button>
            )}
          </>
        )}
      </FormField>

      <FormField label="Logo corner">
        {(control) => (
          <Controller
            control={form.control}
            name="logo"
            render={({ field }) => (
              <Select
                value={field.value?.anchor ?? 'top_right'}
                onValueChange={(anchor) => field.value && field.onChange({ ...field.value, anchor: anchor as LogoAnchor })}
                disabled={!field.value}
              >
                <SelectTrigger id={control.id}>
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
            )}
          />
        )}
      </FormField>
    </div>
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
