'use client';

import Link from 'next/link';
import { Checkbox } from '@/components/ui/checkbox';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { type Channel, type Preset, useChannelMetrics } from '@/lib/channels';
import { ChannelActions } from './channel-actions';
import { formatChannelMetrics } from './channel-metrics';
import { ChannelStatusBadge } from './channel-status-badge';

interface TableProps {
  channels: Channel[];
  /** Each channel's name, with the slug where names repeat. */
  labels: Map<string, string>;
  presets: Map<string, Preset>;
  selected: Set<string>;
  onSelectedChange: (id: string, selected: boolean) => void;
  allSelected: boolean | 'indeterminate';
  onSelectAll: (selected: boolean) => void;
  canWrite: boolean;
  onEdit: (channel: Channel) => void;
  onDelete: (channel: Channel) => void;
}

/** The list view: one row per channel with the same data as the cards. */
export function ChannelTable({ channels, labels, presets, selected, onSelectedChange, allSelected, onSelectAll, canWrite, onEdit, onDelete }: TableProps) {
  return (
    <div className="rounded-xl border bg-card">
      <Table>
        <TableHeader>
          <TableRow>
            {canWrite && (
              <TableHead className="w-10">
                <Checkbox checked={allSelected} onCheckedChange={(value) => onSelectAll(value === true)} aria-label="Select all channels" />
              </TableHead>
            )}
            <TableHead>Name</TableHead>
            <TableHead>Status</TableHead>
            <TableHead className="text-right">Sources</TableHead>
            <TableHead>Preset</TableHead>
            <TableHead className="text-right">Speed</TableHead>
            <TableHead className="text-right">FPS</TableHead>
            <TableHead className="text-right">Bitrate</TableHead>
            <TableHead className="text-right">CPU</TableHead>
            <TableHead className="text-right">RAM</TableHead>
            {canWrite && (
              <TableHead>
                <span className="sr-only">Actions</span>
              </TableHead>
            )}
          </TableRow>
        </TableHeader>
        <TableBody>
          {channels.map((channel) => (
            <ChannelRow
              key={channel.id}
              channel={channel}
              label={labels.get(channel.id) ?? channel.name}
              preset={channel.presetId ? presets.get(channel.presetId) : undefined}
              selected={selected.has(channel.id)}
              onSelectedChange={(value) => onSelectedChange(channel.id, value)}
              canWrite={canWrite}
              onEdit={onEdit}
              onDelete={onDelete}
            />
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

function ChannelRow({
  channel,
  label,
  preset,
  selected,
  onSelectedChange,
  canWrite,
  onEdit,
  onDelete,
}: {
  channel: Channel;
  label: string;
  preset: Preset | undefined;
  selected: boolean;
  onSelectedChange: (selected: boolean) => void;
  canWrite: boolean;
  onEdit: (channel: Channel) => void;
  onDelete: (channel: Channel) => void;
}) {
  const running = channel.status === 'running';
  const metrics = useChannelMetrics(channel.id, running);
  const values = formatChannelMetrics(running ? metrics.data : null);
  return (
    <TableRow data-state={selected ? 'selected' : undefined} data-channel-id={channel.id} data-testid="channel-row">
      {canWrite && (
        <TableCell>
          <Checkbox checked={selected} onCheckedChange={(value) => onSelectedChange(value === true)} aria-label={`Select ${label}`} />
        </TableCell>
      )}
      <TableCell className="max-w-56">
        <Link href={`/channels/${channel.id}`} aria-label={label} className="block truncate font-medium hover:underline">
          {channel.name}
        </Link>
        <span className="block truncate font-mono text-xs text-muted-foreground">{channel.slug}</span>
      </TableCell>
      <TableCell>
        <ChannelStatusBadge status={channel.status} />
      </TableCell>
      <TableCell className="text-right tabular-nums">{channel.sources.length}</TableCell>
      <TableCell className="whitespace-nowrap">{preset?.name ?? (channel.output ? 'Custom' : '—')}</TableCell>
      <TableCell className="text-right font-mono text-xs tabular-nums">{values.speed}</TableCell>
      <TableCell className="text-right font-mono text-xs tabular-nums">{values.fps}</TableCell>
      <TableCell className="text-right font-mono text-xs whitespace-nowrap tabular-nums">{values.bitrate}</TableCell>
      <TableCell className="text-right font-mono text-xs tabular-nums">{values.cpu}</TableCell>
      <TableCell className="text-right font-mono text-xs whitespace-nowrap tabular-nums">{values.ram}</TableCell>
      {canWrite && (
        <TableCell>
          <ChannelActions channel={channel} label={label} onEdit={onEdit} onDelete={onDelete} compact />
        </TableCell>
      )}
    </TableRow>
  );
}
