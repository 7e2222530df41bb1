'use client';

import { AlertTriangleIcon, ArrowDownIcon, ArrowUpDownIcon, ArrowUpIcon, CpuIcon, SearchIcon, SearchXIcon } from 'lucide-react';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Skeleton } from '@/components/ui/skeleton';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatBitrate, formatBytes, formatDuration, formatNumber, formatPercent } from '@/lib/format';
import { type ChannelStatus, useChannelSummaries, useProcesses, useStreams } from '@/lib/monitoring';
import { cn } from '@/lib/utils';
import { ChannelStatusBadge } from '@/components/channels/channel-status-badge';
import { ToneBadge } from './tone-badge';

const POLL_MS = 2_000;
/** A process whose last report is older than this is flagged (the list keeps it for 10 s). */
const STALE_MS = 5_000;

interface Row {
  key: string;
  channelId: string;
  name: string;
  slug: string;
  pid: number;
  workerId: string;
  cpu: number | null;
  rss: number;
  threads: number;
  uptime: number;
  fps: number | null;
  speed: number | null;
  /** bits per second */
  bitrate: number | null;
  read: number | null;
  write: number | null;
  status: ChannelStatus | 'unknown';
  stale: boolean;
}

type SortKey = 'name' | 'pid' | 'workerId' | 'cpu' | 'rss' | 'threads' | 'uptime' | 'fps' | 'speed' | 'bitrate' | 'write' | 'status';

const COLUMNS: Array<{ key: SortKey; label: string; numeric?: boolean }> = [
  { key: 'name', label: 'Channel' },
  { key: 'status', label: 'Status' },
  { key: 'pid', label: 'PID', numeric: true },
  { key: 'cpu', label: 'CPU', numeric: true },
  { key: 'rss', label: 'RAM', numeric: true },
  { key: 'threads', label: 'Threads', numeric: true },
  { key: 'uptime', label: 'Uptime', numeric: true },
  { key: 'fps', label: 'FPS', numeric: true },
  { key: 'speed', label: 'Speed', numeric: true },
  { key: 'bitrate', label: 'Bitrate', numeric: true },
  { key: 'write', label: 'I/O', numeric: true },
  { key: 'workerId', label: 'Worker' },
];

function compare(a: Row, b: Row, key: SortKey): number {
  const left = a[key];
  const right = b[key];
  if (left === right) return 0;
  if (left === null) return 1;
  if (right === null) return -1;
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  return String(left).localeCompare(String(right), 'en', { numeric: true, sensitivity: 'base' });
}

function sum(rows: Row[], pick: (row: Row) => number | null): number | null {
  const values = rows.map(pick).filter((value): value is number => value !== null);
  return values.length ? values.reduce((total, value) => total + value, 0) : null;
}

function SortHeader({ column, sort, onSort }: { column: (typeof COLUMNS)[number]; sort: { key: SortKey; desc: boolean }; onSort: (key: SortKey) => void }) {
  const active = sort.key === column.key;
  const Icon = active ? (sort.desc ? ArrowDownIcon : ArrowUpIcon) : ArrowUpDownIcon;
  return (
    <TableHead aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'} className={cn(column.numeric && 'text-right')}>
      <Button variant="ghost" size="sm" className={cn('-mx-2 h-8 px-2 font-medium', active ? 'text-foreground' : 'text-muted-foreground', column.numeric && 'flex-row-reverse')} onClick={() => onSort(column.key)}>
        {column.label}
        <Icon className={cn('size-3.5', !active && 'opacity-50')} aria-hidden />
      </Button>
    </TableHead>
  );
}

function TableSkeleton() {
  return (
    <Card className="gap-0 py-0" aria-busy="true" aria-label="Loading processes">
      <div className="border-b p-3">
        <Skeleton className="h-5 w-full" />
      </div>
      {Array.from({ length: 4 }, (_, index) => (
        <div key={index} className="flex gap-4 border-b p-3 last:border-0">
          <Skeleton className="h-5 w-40" />
          <Skeleton className="h-5 flex-1" />
        </div>
      ))}
    </Card>
  );
}

export function ProcessTable() {
  const processes = useProcesses(POLL_MS);
  const streams = useStreams(POLL_MS);
  const channels = useChannelSummaries(5_000);
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'cpu', desc: true });

  const fetchedAt = processes.dataUpdatedAt;
  const rows = useMemo<Row[]>(() => {
    const byStream = new Map((streams.data?.streams ?? []).map((stream) => [stream.channelId, stream]));
    const byChannel = new Map((channels.data?.items ?? []).map((channel) => [channel.id, channel]));
    return (processes.data?.processes ?? []).map((process) => {
      const stream = byStream.get(process.channelId);
      const channel = byChannel.get(process.channelId);
      const age = fetchedAt - new Date(process.sampledAt).getTime();
      return {
        key: `${process.workerId}:${process.pid}`,
        channelId: process.channelId,
        name: channel?.name ?? process.slug,
        slug: process.slug,
        pid: process.pid,
        workerId: process.workerId,
        cpu: process.cpuPercent,
        rss: process.rssBytes,
        threads: process.threads,
        uptime: process.uptimeSeconds,
        fps: stream?.fps ?? null,
        speed: stream?.speed ?? null,
        bitrate: stream?.bitrateKbps == null ? null : stream.bitrateKbps * 1000,
        read: process.readBytesPerSecond,
        write: process.writeBytesPerSecond,
        status: channel?.status ?? 'unknown',
        stale: age > STALE_MS,
      };
    });
  }, [processes.data, streams.data, channels.data, fetchedAt]);

  const visible = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const matched = needle
      ? rows.filter((row) => [row.name, row.slug, String(row.pid), row.workerId, row.status].some((value) => value.toLowerCase().includes(needle)))
      : rows;
    const sorted = [...matched].sort((a, b) => compare(a, b, sort.key) || a.name.localeCompare(b.name));
    return sort.desc ? sorted.reverse() : sorted;
  }, [rows, filter, sort]);

  const onSort = (key: SortKey) => setSort((current) => (current.key === key ? { key, desc: !current.desc } : { key, desc: COLUMNS.find((c) => c.key === key)?.numeric ?? false }));

  if (processes.isPending) return <TableSkeleton />;
  if (processes.isError) return <ErrorState error={processes.error} onRetry={() => void processes.refetch()} title="Could not list the FFmpeg processes" />;

  if (rows.length === 0) {
    return (
      <EmptyState
        icon={CpuIcon}
        title="No FFmpeg process is running — start a channel"
        description="Each running channel has one FFmpeg process. Start a channel and it shows up here within a few seconds."
        action={
          <Button asChild size="sm">
            <Link href="/channels">Go to channels</Link>
          </Button>
        }
      />
    );
  }

  const totals = {
    cpu: sum(visible, (row) => row.cpu),
    rss: sum(visible, (row) => row.rss),
    threads: sum(visible, (row) => row.threads),
    bitrate: sum(visible, (row) => row.bitrate),
    read: sum(visible, (row) => row.read),
    write: sum(visible, (row) => row.write),
  };

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="relative w-full sm:w-72">
          <SearchIcon className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden />
          <Input value={filter} onChange={(event) => setFilter(event.target.value)} placeholder="Filter by channel, PID or worker" aria-label="Filter processes" className="pl-8" type="search" />
        </div>
        <p className="text-sm text-muted-foreground" aria-live="polite">
          {visible.length === rows.length ? `${rows.length} ${rows.length === 1 ? 'process' : 'processes'}` : `${visible.length} of ${rows.length} processes`}
          {streams.isError && ' · output stats unavailable'}
        </p>
      </div>
      {visible.length === 0 ? (
        <EmptyState icon={SearchXIcon} title="No process matches" description={`Nothing matches “${filter.trim()}”. Try a channel name, a PID or a worker.`} action={<Button variant="outline" size="sm" onClick={() => setFilter('')}>Clear filter</Button>} />
      ) : (
        <Card className="gap-0 py-0">
          <Table data-testid="process-table">
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                {COLUMNS.map((column) => (
                  <SortHeader key={column.key} column={column} sort={sort} onSort={onSort} />
                ))}
              </TableRow>
            </TableHeader>
            <TableBody>
              {visible.map((row) => (
                <TableRow key={row.key} data-testid="process-row">
                  <TableCell className="max-w-56 truncate font-medium">
                    <Link href={`/channels/${row.channelId}`} className="underline decoration-muted-foreground/40 underline-offset-4 hover:decoration-foreground">
                      {row.name}
                    </Link>
                  </TableCell>
                  <TableCell>
                    <div className="flex items-center gap-1.5">
                      {row.status === 'unknown' ? <ToneBadge tone="muted">unknown</ToneBadge> : <ChannelStatusBadge status={row.status} />}
                      {row.stale && <ToneBadge tone="warning">no recent sample</ToneBadge>}
                    </div>
                  </TableCell>
                  <TableCell className="text-right font-mono tabular-nums">{row.pid}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatPercent(row.cpu, 1)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatBytes(row.rss)}</TableCell>
                  <TableCell className="text-right tabular-nums">{row.threads}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatDuration(row.uptime)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatNumber(row.fps, 1)}</TableCell>
                  <TableCell className={cn('text-right tabular-nums', row.speed !== null && row.speed < 0.95 && 'font-medium')}>
                    {row.speed !== null && row.speed < 0.95 && <AlertTriangleIcon className="mr-1 inline size-3.5 text-warning" aria-label="Slower than real time" />}
                    {row.speed === null ? '—' : `${row.speed.toFixed(2)}×`}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{formatBitrate(row.bitrate)}</TableCell>
                  <TableCell className="text-right text-xs tabular-nums">
                    <span title="Read per second">↓ {formatBytes(row.read)}/s</span>
                    <br />
                    <span title="Written per second">↑ {formatBytes(row.write)}/s</span>
                  </TableCell>
                  <TableCell className="max-w-48 truncate font-mono text-xs text-muted-foreground" title={row.workerId}>
                    {row.workerId}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
            <tfoot className="border-t bg-muted/40 font-medium">
              <TableRow className="hover:bg-transparent" data-testid="process-totals">
                <TableCell>Total ({visible.length})</TableCell>
                <TableCell />
                <TableCell />
                <TableCell className="text-right tabular-nums">{formatPercent(totals.cpu, 1)}</TableCell>
                <TableCell className="text-right tabular-nums">{formatBytes(totals.rss)}</TableCell>
                <TableCell className="text-right tabular-nums">{totals.threads ?? '—'}</TableCell>
                <TableCell />
                <TableCell />
                <TableCell />
                <TableCell className="text-right tabular-nums">{formatBitrate(totals.bitrate)}</TableCell>
                <TableCell className="text-right text-xs tabular-nums">
                  ↓ {formatBytes(totals.read)}/s
                  <br />↑ {formatBytes(totals.write)}/s
                </TableCell>
                <TableCell />
              </TableRow>
            </tfoot>
          </Table>
        </Card>
      )}
    </div>
  );
}
