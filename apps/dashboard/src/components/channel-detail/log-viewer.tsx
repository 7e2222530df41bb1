'use client';

import type { ChannelLogs } from '@castline/contracts';
import { useQuery } from '@tanstack/react-query';
import { CopyIcon, TerminalSquareIcon } from 'lucide-react';
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { toast } from 'sonner';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { Button } from '@/components/ui/button';
import { Label } from '@/components/ui/label';
import { Skeleton } from '@/components/ui/skeleton';
import { Switch } from '@/components/ui/switch';
import { api, ApiError } from '@/lib/api';
import { copyText } from '@/lib/clipboard';
import { formatDateTime } from '@/lib/format';
import { logLineKind } from '@/lib/on-air';
import { cn } from '@/lib/utils';

type LogRun = ChannelLogs['runs'][number];

/** One run's lines: head and tail merged where they overlap (a short run's tail repeats its head). */
export function runLines(run: LogRun): string[] {
  const { head, tail } = run;
  if (tail.length === 0) return head;
  if (head.length === 0) return tail;
  // the tail holds the whole run: it starts with the head's first line
  const startAt = tail.indexOf(head[0]!);
  if (startAt === 0 && head.every((line, index) => tail[index] === line)) return tail;
  // the longest suffix of head that is a prefix of tail
  for (let overlap = Math.min(head.length, tail.length); overlap > 0; overlap--) {
    let same = true;
    for (let index = 0; index < overlap; index++) {
      if (head[head.length - overlap + index] !== tail[index]) {
        same = false;
        break;
      }
    }
    if (same) return [...head, ...tail.slice(overlap)];
  }
  return [...head, '…', ...tail];
}

/** All runs, oldest first (the API gives newest first), as one text. */
export function logText(logs: ChannelLogs | undefined | null): string {
  if (!logs) return '';
  return [...logs.runs]
    .reverse()
    .map((run) => [`──── run ${run.runId} · ${formatDateTime(run.startedAt)} ────`, ...runLines(run)].join('\n'))
    .join('\n\n');
}

/** FFmpeg's stderr of the channel's last runs, polled every 3 s while it runs. */
export const LogViewer = memo(function LogViewer({ channelId, running, className }: { channelId: string; running: boolean; className?: string }) {
  const [autoScroll, setAutoScroll] = useState(true);
  const box = useRef<HTMLPreElement>(null);
  const logs = useQuery({
    queryKey: ['channels', 'logs', channelId],
    queryFn: async ({ signal }) => {
      try {
        return await api<ChannelLogs>(`/channels/${channelId}/logs`, { signal });
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return { runs: [] } satisfies ChannelLogs;
        throw error;
      }
    },
    refetchInterval: running ? 3_000 : false,
  });
  const text = useMemo(() => logText(logs.data), [logs.data]);
  const lineCount = useMemo(() => (logs.data ? logs.data.runs.reduce((sum, run) => sum + runLines(run).length, 0) : 0), [logs.data]);

  useEffect(() => {
    const element = box.current;
    if (autoScroll && element) element.scrollTop = element.scrollHeight;
  }, [text, autoScroll]);

  const copy = async () => {
    try {
      await copyText(text);
      toast.success('Log copied', { description: `${lineCount} lines on the clipboard.` });
    } catch (error) {
      toast.error(`Could not copy the log: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  return (
    <div className={cn('flex flex-col gap-2', className)}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex items-center gap-2">
          <Switch id={`autoscroll-${channelId}`} checked={autoScroll} onCheckedChange={setAutoScroll} />
          <Label htmlFor={`autoscroll-${channelId}`} className="text-sm">
            Auto-scroll
          </Label>
        </div>
        <div className="flex items-center gap-2">
          {running && <span className="text-xs text-muted-foreground">Refreshing every 3 s</span>}
          <Button variant="outline" size="sm" onClick={() => void copy()} disabled={!text}>
            <CopyIcon aria-hidden /> Copy log
          </Button>
        </div>
      </div>
      {logs.isPending ? (
        <Skeleton className="h-80 w-full" />
      ) : logs.isError ? (
        <ErrorState error={logs.error} onRetry={() => void logs.refetch()} title="Could not load the log" />
      ) : !text ? (
        <EmptyState
          icon={TerminalSquareIcon}
          title="No FFmpeg output yet"
          description="The log of the last three runs appears here once the channel has been started."
        />
      ) : (
        <pre
          ref={box}
          tabIndex={0}
          role="log"
          aria-label="FFmpeg log"
          className="h-80 overflow-auto whitespace-pre-wrap break-all rounded-lg border bg-muted/40 p-3 font-mono text-xs leading-5 text-foreground outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50 lg:h-[28rem]"
        >
          {text.split('\n').map((line, index) => (
            <LogLine key={index} line={line} />
          ))}
        </pre>
      )}
    </div>
  );
});

/**
 * One line, coloured by what it means: errors red, and decode errors that joining a live
 * stream between two keyframes always produces muted and labelled as expected (they are no failure).
 */
function LogLine({ line }: { line: string }) {
  const kind = logLineKind(line);
  return (
    <span
      data-kind={kind}
      className={cn(
        'block',
        kind === 'error' && 'text-destructive',
        kind === 'expected' && 'text-muted-foreground',
      )}
    >
      {line || '\u00a0'}
      {kind === 'expected' && <span className="ml-2 rounded bg-muted px-1 font-sans text-[10px] uppercase tracking-wide">expected when joining a live stream</span>}
    </span>
  );
}
