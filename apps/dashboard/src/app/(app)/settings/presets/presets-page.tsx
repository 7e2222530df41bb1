'use client';

import { useQuery } from '@tanstack/react-query';
import { CopyPlusIcon, LockIcon, PencilIcon, PlusIcon, SlidersHorizontalIcon } from 'lucide-react';
import { type ReactNode, useState } from 'react';
import { DeleteButton } from '@/components/delete-button';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { PageHeader } from '@/components/page-header';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/skeleton';
import { api } from '@/lib/api';
import { useCan } from '@/lib/auth';
import { type PresetView, rateControlLabel, resolutionLabel, settingsKeys } from '@/lib/settings';
import { NoAccess } from '@/components/settings/common';
import { PresetDialog, type PresetDialogMode } from '@/components/settings/preset-dialog';

function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="truncate text-sm font-medium tabular-nums">{children}</dd>
    </div>
  );
}

function PresetCard({ preset, canWrite, onEdit, onDuplicate }: { preset: PresetView; canWrite: boolean; onEdit: () => void; onDuplicate: () => void }) {
  const p = preset.profile;
  const ladder = p.renditions?.length ? p.renditions : null;
  return (
    <Card data-preset={preset.name}>
      <CardHeader>
        <div className="flex flex-wrap items-center gap-2">
          <CardTitle>
            <h2 className="text-base">{preset.name}</h2>
          </CardTitle>
          {preset.builtIn && (
            <Badge variant="secondary" title="Shipped with Castline; duplicate it to change it">
              <LockIcon aria-hidden /> Built-in
            </Badge>
          )}
          {ladder && <Badge variant="outline">ABR · {ladder.length} renditions</Badge>}
        </div>
        <CardDescription className="line-clamp-2">{preset.description || 'No description'}</CardDescription>
      </CardHeader>
      <CardContent className="grid flex-1 content-start gap-3">
        <dl className="grid grid-cols-3 gap-x-3 gap-y-2">
          <Stat label="Resolution">{resolutionLabel(p)}</Stat>
          <Stat label="FPS">{p.fps}</Stat>
          <Stat label="Rate">{rateControlLabel(p)}</Stat>
          <Stat label="x264">{p.x264Preset}</Stat>
          <Stat label="Tune">{p.tune ?? 'none'}</Stat>
          <Stat label="Profile">
            {p.profile}@{p.level}
          </Stat>
          <Stat label="GOP">{p.gopSeconds} s</Stat>
          <Stat label="B-frames">{p.bFrames}</Stat>
          <Stat label="Audio">
            {p.audioBitrateKbps} kb/s {p.audioChannels === 1 ? 'mono' : 'stereo'}
          </Stat>
        </dl>
        {ladder && (
          <div>
            <p className="mb-1 text-xs text-muted-foreground">Ladder</p>
            <ul className="grid gap-1 text-sm">
              {ladder.map((rendition) => (
                <li key={rendition.name} className="flex justify-between gap-2 rounded-md bg-muted/60 px-2 py-1 tabular-nums">
                  <span className="font-medium">{rendition.name}</span>
                  <span className="text-muted-foreground">
                    {rendition.width}×{rendition.height} · {rendition.bitrateKbps} kb/s
                  </span>
                </li>
              ))}
            </ul>
          </div>
        )}
      </CardContent>
      {canWrite && (
        <CardFooter className="flex-wrap gap-1 border-t pt-3">
          {!preset.builtIn && (
            <Button variant="ghost" size="sm" onClick={onEdit} aria-label={`Edit ${preset.name}`}>
              <PencilIcon aria-hidden /> Edit
            </Button>
          )}
          <Button variant="ghost" size="sm" onClick={onDuplicate} aria-label={`Duplicate ${preset.name}`}>
            <CopyPlusIcon aria-hidden /> Duplicate
          </Button>
          {!preset.builtIn && <DeleteButton
                name={preset.name}
                path={`/settings/presets/${preset.id}`}
                description="The preset is removed for good. A preset that channels still use cannot be deleted: move those channels to another preset first."
                invalidate={[settingsKeys.presets(), ['presets']]}
              />}
        </CardFooter>
      )}
    </Card>
  );
}

function CardsSkeleton() {
  return (
    <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3" aria-busy="true" aria-label="Loading presets">
      {Array.from({ length: 3 }, (_, index) => (
        <div key={index} className="grid gap-3 rounded-xl border bg-card p-4">
          <Skeleton className="h-5 w-32" />
          <Skeleton className="h-4 w-56" />
          <div className="grid grid-cols-3 gap-3">
            {Array.from({ length: 9 }, (_, cell) => (
              <Skeleton key={cell} className="h-8" />
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}

export function PresetsPage() {
  const canRead = useCan('channels:read');
  const canWrite = useCan('presets:write');
  const [dialog, setDialog] = useState<{ mode: PresetDialogMode; key: number } | null>(null);
  const open = (mode: PresetDialogMode) => setDialog({ mode, key: Date.now() });
  const query = useQuery({
    queryKey: settingsKeys.presets(),
    queryFn: ({ signal }) => api<{ items: PresetView[] }>('/settings/presets', { signal }),
    enabled: canRead,
  });

  const description = 'x264 and audio settings that channels encode with. Built-in presets are read-only; duplicate one to adjust it.';
  if (!canRead) {
    return (
      <>
        <PageHeader title="Encoding presets" description={description} />
        <NoAccess what="encoding presets" />
      </>
    );
  }

  const createButton = canWrite && (
    <Button onClick={() => open({ kind: 'create' })}>
      <PlusIcon aria-hidden /> Create preset
    </Button>
  );

  let body;
  if (query.isPending) body = <CardsSkeleton />;
  else if (query.isError) body = <ErrorState error={query.error} onRetry={() => void query.refetch()} title="Could not load the presets" />;
  else if (query.data.items.length === 0)
    body = (
      <EmptyState
        icon={SlidersHorizontalIcon}
        title="No encoding presets"
        description={canWrite ? 'Create a preset so channels have settings to encode with.' : 'An administrator can create presets.'}
        action={createButton || undefined}
      />
    );
  else
    body = (
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        {query.data.items.map((preset) => (
          <PresetCard
            key={preset.id}
            preset={preset}
            canWrite={canWrite}
            onEdit={() => open({ kind: 'edit', preset })}
            onDuplicate={() => open({ kind: 'duplicate', preset })}
          />
        ))}
      </div>
    );

  return (
    <>
      <PageHeader title="Encoding presets" description={description} actions={createButton} />
      {body}
      {dialog && <PresetDialog key={dialog.key} mode={dialog.mode} onClose={() => setDialog(null)} />}
    </>
  );
}
