'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ImageOffIcon, RotateCcwIcon, SaveIcon } from 'lucide-react';
import { type KeyboardEvent, type PointerEvent, useMemo, useRef, useState } from 'react';
import { toast } from 'sonner';
import { EmptyState } from '@/components/empty-state';
import { Button } from '@/components/ui/button';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Slider } from '@/components/ui/slider';
import { api, ApiError, apiBlob, describeError } from '@/lib/api';
import { type Channel, type ChannelLogo, channelKeys, type LogoAnchor, useChannelAction, useObjectUrl, useUploadImage } from '@/lib/channels';
import { cn } from '@/lib/utils';

/** The logo in output pixels, from the frame's top-left corner (what the editor moves). */
interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

interface Draft extends Box {
  anchor: LogoAnchor;
  opacity: number;
  /** Whether width/height are saved explicitly (false = the logo's natural size). */
  sized: boolean;
}

const ANCHORS: Array<{ value: LogoAnchor; label: string }> = [
  { value: 'top_left', label: 'Top left' },
  { value: 'top_right', label: 'Top right' },
  { value: 'bottom_left', label: 'Bottom left' },
  { value: 'bottom_right', label: 'Bottom right' },
];
const FALLBACK_FRAME = { width: 1280, height: 720 };
/** Shown when the logo image cannot be loaded and no size is saved. */
const FALLBACK_LOGO = { width: 160, height: 90 };
const MIN_SIZE = 8;

const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), Math.max(min, max));

/** The anchor offsets the API stores, from a top-left box. */
export function toPlacement(box: Box, anchor: LogoAnchor, frame: { width: number; height: number }): { x: number; y: number } {
  const x = anchor.endsWith('right') ? frame.width - box.left - box.width : box.left;
  const y = anchor.startsWith('bottom') ? frame.height - box.top - box.height : box.top;
  return { x: Math.max(0, Math.round(x)), y: Math.max(0, Math.round(y)) };
}

/** A top-left box from the API's anchor offsets (as FFmpeg's overlay expressions place it). */
export function fromPlacement(logo: ChannelLogo, size: { width: number; height: number }, frame: { width: number; height: number }): Box {
  const left = logo.anchor.endsWith('right') ? frame.width - size.width - logo.x : logo.x;
  const top = logo.anchor.startsWith('bottom') ? frame.height - size.height - logo.y : logo.y;
  return { left, top, width: size.width, height: size.height };
}

async function blobOr404(path: string, signal: AbortSignal): Promise<Blob | null> {
  try {
    return await apiBlob(path, { signal });
  } catch (error) {
    if (error instanceof ApiError && [404, 409, 503, 504].includes(error.status)) return null;
    throw error;
  }
}

/**
 * Drag-and-drop logo placement over the latest frame of the channel's output. Coordinates are output pixels:
 * the anchor corner plus x/y offsets, width/height (null = the logo's natural size), opacity 0..1.
 */
export function LogoEditor({
  channel,
  outputSize,
  canWrite,
}: {
  channel: Channel;
  /**
   * The output's size: the profile's fixed one, or (`measured`) the running output's; null when neither is
   * known (the output follows the source and is not running).
   */
  outputSize: { width: number; height: number; measured: boolean } | null;
  canWrite: boolean;
}) {
  const running = channel.status === 'running';
  const logo = channel.logo;

  const thumbnail = useQuery({
    queryKey: ['channels', 'thumbnail-blob', channel.id],
    queryFn: ({ signal }) => blobOr404(`/channels/${channel.id}/thumbnail`, signal),
    enabled: running,
    refetchInterval: running ? 10_000 : false,
    retry: false,
  });
  const logoImage = useUploadImage(logo?.uploadId);
  const frameUrl = useObjectUrl(running ? thumbnail.data : null);
  const logoUrl = useObjectUrl(logoImage.data);
  const [frameNatural, setFrameNatural] = useState<{ width: number; height: number } | null>(null);
  const [logoNatural, setLogoNatural] = useState<{ uploadId: string; width: number; height: number } | null>(null);

  const frame = useMemo(() => {
    if (outputSize) return { width: outputSize.width, height: outputSize.height };
    if (frameNatural && frameNatural.height > 0) {
      // not measured yet: the thumbnail is a small copy, so keep its aspect ratio at 720 lines
      const width = Math.round((FALLBACK_FRAME.height * frameNatural.width) / frameNatural.height / 2) * 2;
      return { width, height: FALLBACK_FRAME.height };
    }
    return FALLBACK_FRAME;
  }, [outputSize, frameNatural]);

  const natural = logo && logoNatural?.uploadId === logo.uploadId ? logoNatural : null;
  const saved: Draft | null = useMemo(() => {
    if (!logo) return null;
    const size =
      logo.width !== null && logo.height !== null
        ? { width: logo.width, height: logo.height }
        : natural
          ? { width: natural.width, height: natural.height }
          : FALLBACK_LOGO;
    return { ...fromPlacement(logo, size, frame), anchor: logo.anchor, opacity: logo.opacity, sized: logo.width !== null && logo.height !== null };
  }, [logo, natural, frame]);

  const [draft, setDraft] = useState<Draft | null>(null);
  const current = draft ?? saved;
  const dirty = draft !== null;

  const stage = useRef<HTMLDivElement>(null);
  const gesture = useRef<{ kind: 'move' | 'resize'; pointerId: number; startX: number; startY: number; start: Draft; scale: number } | null>(null);

  const queryClient = useQueryClient();
  const restart = useChannelAction();
  const save = useMutation({
    mutationFn: (body: { logo: ChannelLogo }) => api<Channel>(`/channels/${channel.id}`, { method: 'PATCH', body }),
    onSuccess: (updated) => {
      if (updated?.id) queryClient.setQueryData(channelKeys.detail(updated.id), updated);
      void queryClient.invalidateQueries({ queryKey: channelKeys.all });
      setDraft(null);
      toast.success('Logo position saved', {
        description: 'It applies when the channel restarts.',
        action:
          channel.status === 'running'
            ? { label: 'Restart now', onClick: () => restart.mutate({ id: channel.id, action: 'restart', name: channel.name }) }
            : undefined,
      });
    },
    onError: (error) => toast.error(`Could not save the logo position: ${describeError(error)}`),
  });

  if (!logo || !current) {
    return (
      <EmptyState
        icon={ImageOffIcon}
        title="This channel has no logo"
        description={canWrite ? 'Upload one with Edit (top right): the logo is burned into the output, then you can place it here.' : 'An operator or admin can add one.'}
      />
    );
  }

  const editable = canWrite && !save.isPending;
  const update = (change: Partial<Draft>) => setDraft((previous) => ({ ...(previous ?? current), ...change }));
  const placement = toPlacement(current, current.anchor, frame);

  const moveTo = (base: Draft, left: number, top: number): Draft => ({
    ...base,
    left: Math.round(clamp(left, 0, frame.width - base.width)),
    top: Math.round(clamp(top, 0, frame.height - base.height)),
  });

  const beginGesture = (kind: 'move' | 'resize', event: PointerEvent<HTMLElement>) => {
    if (!editable || event.button !== 0 || !stage.current) return;
    event.preventDefault();
    event.stopPropagation();
    const rect = stage.current.getBoundingClientRect();
    (event.currentTarget as HTMLElement).setPointerCapture(event.pointerId);
    gesture.current = { kind, pointerId: event.pointerId, startX: event.clientX, startY: event.clientY, start: current, scale: frame.width / rect.width };
    if (kind === 'move') (event.currentTarget as HTMLElement).focus();
  };

  const onPointerMove = (event: PointerEvent<HTMLElement>) => {
    const active = gesture.current;
    if (!active || active.pointerId !== event.pointerId) return;
    const dx = (event.clientX - active.startX) * active.scale;
    const dy = (event.clientY - active.startY) * active.scale;
    const { start } = active;
    if (active.kind === 'move') {
      setDraft(moveTo(start, start.left + dx, start.top + dy));
      return;
    }
    // resize from the bottom-right corner, keeping the aspect ratio
    const ratio = start.height / start.width;
    const grow = Math.abs(dx) >= Math.abs(dy) ? dx : dy / ratio;
    let width = clamp(start.width + grow, MIN_SIZE, frame.width - start.left);
    let height = width * ratio;
    if (start.top + height > frame.height) {
      height = frame.height - start.top;
      width = height / ratio;
    }
    if (height < MIN_SIZE) {
      height = MIN_SIZE;
      width = height / ratio;
    }
    setDraft({ ...start, width: Math.round(width), height: Math.round(height), sized: true });
  };

  const endGesture = (event: PointerEvent<HTMLElement>) => {
    const active = gesture.current;
    if (!active || active.pointerId !== event.pointerId) return;
    gesture.current = null;
    if ((event.currentTarget as HTMLElement).hasPointerCapture(event.pointerId)) (event.currentTarget as HTMLElement).releasePointerCapture(event.pointerId);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!editable) return;
    const step = event.shiftKey ? 10 : 1;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    setDraft(moveTo(current, current.left + move[0], current.top + move[1]));
  };

  const onSave = () => {
    const sized = current.sized;
    save.mutate({
      logo: {
        uploadId: logo.uploadId,
        anchor: current.anchor,
        x: clamp(placement.x, 0, 3840),
        y: clamp(placement.y, 0, 2160),
        width: sized ? clamp(Math.round(current.width), MIN_SIZE, 3840) : null,
        height: sized ? clamp(Math.round(current.height), MIN_SIZE, 2160) : null,
        opacity: Math.round(current.opacity * 100) / 100,
      },
    });
  };

  const pct = (value: number, of: number) => `${(value / of) * 100}%`;
  const anchorLabel = ANCHORS.find((anchor) => anchor.value === current.anchor)?.label ?? current.anchor;

  return (
    <div className="flex flex-col gap-4">
      <div
        ref={stage}
        className="relative w-full touch-none select-none overflow-hidden rounded-lg border bg-muted"
        style={{ aspectRatio: `${frame.width} / ${frame.height}` }}
        data-testid="logo-stage"
        data-frame-width={frame.width}
        data-frame-height={frame.height}
      >
        {frameUrl ? (
          <img
            src={frameUrl}
            alt={`Latest frame of ${channel.name}`}
            className="absolute inset-0 size-full object-fill"
            draggable={false}
            onLoad={(event) => setFrameNatural({ width: event.currentTarget.naturalWidth, height: event.currentTarget.naturalHeight })}
          />
        ) : (
          <div
            className="absolute inset-0 flex items-end justify-start bg-[linear-gradient(135deg,var(--muted)_25%,transparent_25%,transparent_50%,var(--muted)_50%,var(--muted)_75%,transparent_75%)] bg-[length:24px_24px] p-3"
            aria-hidden
          >
            <span className="rounded bg-background/80 px-2 py-1 text-xs text-muted-foreground">
              {running ? 'Waiting for a frame of the output…' : 'No live frame: the channel is stopped'}
            </span>
          </div>
        )}
        <div
          tabIndex={0}
          role="group"
          aria-roledescription={editable ? 'movable logo' : 'logo'}
          aria-label="Logo position"
          aria-describedby={`logo-help-${channel.id}`}
          data-testid="logo-box"
          data-x={placement.x}
          data-y={placement.y}
          className={cn(
            'absolute outline-none ring-offset-1 focus-visible:ring-2 focus-visible:ring-ring',
            editable ? 'cursor-move outline-1 outline-dashed outline-primary/70 hover:outline-primary' : 'cursor-default',
          )}
          style={{
            left: pct(current.left, frame.width),
            top: pct(current.top, frame.height),
            width: pct(current.width, frame.width),
            height: pct(current.height, frame.height),
          }}
          onPointerDown={(event) => beginGesture('move', event)}
          onPointerMove={onPointerMove}
          onPointerUp={endGesture}
          onPointerCancel={endGesture}
          onKeyDown={onKeyDown}
        >
          {logoUrl ? (
            <img
              src={logoUrl}
              alt=""
              className="pointer-events-none size-full object-fill"
              style={{ opacity: current.opacity }}
              draggable={false}
              onLoad={(event) => {
                const { naturalWidth, naturalHeight } = event.currentTarget;
                if (naturalWidth > 0) setLogoNatural({ uploadId: logo.uploadId, width: naturalWidth, height: naturalHeight });
              }}
            />
          ) : (
            <div
              className="pointer-events-none flex size-full items-center justify-center bg-background/70 text-[10px] font-medium text-foreground"
              style={{ opacity: Math.max(current.opacity, 0.4) }}
            >
              {logoImage.isPending ? '' : 'Logo'}
            </div>
          )}
          {editable && (
            <div
              aria-hidden
              data-testid="logo-resize"
              className="absolute -right-1.5 -bottom-1.5 size-3.5 cursor-nwse-resize rounded-sm border-2 border-background bg-primary shadow"
              onPointerDown={(event) => beginGesture('resize', event)}
              onPointerMove={onPointerMove}
              onPointerUp={endGesture}
              onPointerCancel={endGesture}
            />
          )}
        </div>
      </div>

      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 text-sm">
        <p className="font-mono tabular-nums" data-testid="logo-coordinates">
          x {placement.x} · y {placement.y} · {Math.round(current.width)}×{Math.round(current.height)} px
        </p>
        <p className="text-xs text-muted-foreground">
          From the {anchorLabel.toLowerCase()} corner of a {frame.width}×{frame.height} output
          {outputSize ? (outputSize.measured ? ' (measured on the running output)' : '') : ' (assumed: the output follows the source, which is not measured yet)'}
        </p>
      </div>
      <p id={`logo-help-${channel.id}`} className="sr-only">
        {canWrite
          ? 'Drag the logo or use the arrow keys to move it by 1 pixel, with Shift by 10 pixels. Drag the corner handle to resize it.'
          : 'The logo as it is placed on the output. Your role cannot move it.'}
      </p>

      {canWrite && (
        <div className="grid gap-4 sm:grid-cols-[1fr_12rem]">
          <div className="flex flex-col gap-2">
            <div className="flex items-center justify-between text-sm">
              <span className="font-medium">
                Opacity
              </span>
              <span className="tabular-nums text-muted-foreground">{Math.round(current.opacity * 100)}%</span>
            </div>
            <Slider
              thumbLabel="Opacity"
              min={0}
              max={100}
              step={1}
              value={[Math.round(current.opacity * 100)]}
              onValueChange={([value]) => update({ opacity: (value ?? 100) / 100 })}
              disabled={!editable}
            />
          </div>
          <div className="flex flex-col gap-2">
            <Label htmlFor={`logo-anchor-${channel.id}`}>Anchor corner</Label>
            <Select value={current.anchor} onValueChange={(value) => update({ anchor: value as LogoAnchor })} disabled={!editable}>
              <SelectTrigger id={`logo-anchor-${channel.id}`} className="w-full">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {ANCHORS.map((anchor) => (
                  <SelectItem key={anchor.value} value={anchor.value}>
                    {anchor.label}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </div>
        </div>
      )}

      {canWrite && (
        <div className="flex flex-wrap items-center gap-2">
          <Button onClick={onSave} disabled={!dirty || save.isPending}>
            <SaveIcon aria-hidden /> {save.isPending ? 'Saving…' : 'Save position'}
          </Button>
          <Button variant="outline" onClick={() => setDraft(null)} disabled={!dirty || save.isPending}>
            <RotateCcwIcon aria-hidden /> Reset
          </Button>
          {dirty && <span className="text-xs text-muted-foreground">Unsaved changes</span>}
          {!dirty && current.sized === false && <span className="text-xs text-muted-foreground">Natural size</span>}
        </div>
      )}
    </div>
  );
}
