'use client';

import { Area, AreaChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatBitrate, formatBytes, formatNumber, formatPercent } from '@/lib/format';
import { type LiveSample, WINDOW_MS } from '@/lib/live-metrics';

interface Series {
  key: string;
  label: string;
  color: string;
  value: (sample: LiveSample) => number | null;
  format: (value: number | null) => string;
  /** Fixed lower bound of the y axis (0 for everything here) and an optional minimum upper bound. */
  minMax?: number;
}

const SERIES: Series[] = [
  { key: 'fps', label: 'FPS', color: 'var(--chart-1)', value: (s) => s.fps, format: (v) => formatNumber(v, 1), minMax: 30 },
  {
    key: 'bitrate',
    label: 'Bitrate',
    color: 'var(--chart-2)',
    value: (s) => (s.bitrateKbps === null ? null : s.bitrateKbps * 1000),
    format: (v) => formatBitrate(v),
  },
  { key: 'speed', label: 'Speed', color: 'var(--chart-3)', value: (s) => s.speed, format: (v) => (v === null ? '—' : `${v.toFixed(2)}×`), minMax: 1.2 },
  { key: 'cpu', label: 'CPU', color: 'var(--chart-4)', value: (s) => s.cpuPercent, format: (v) => formatPercent(v, 0), minMax: 100 },
  { key: 'ram', label: 'RAM', color: 'var(--chart-5)', value: (s) => s.rssBytes, format: (v) => formatBytes(v) },
  {
    key: 'write',
    label: 'Disk write',
    color: 'var(--chart-1)',
    value: (s) => s.writeBytesPerSecond,
    format: (v) => (v === null ? '—' : `${formatBytes(v)}/s`),
  },
];
/** The x axis spans the data, at least a minute, at most the 5-minute window. */
const MIN_SPAN_MS = 60_000;

function timeLabel(t: number): string {
  return new Date(t).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function MiniChart({ series, samples, start, end }: { series: Series; samples: LiveSample[]; start: number; end: number }) {
  const data = samples.map((sample) => ({ t: sample.t, v: series.value(sample) }));
  const latest = data.length > 0 ? data[data.length - 1]!.v : null;
  const values = data.map((point) => point.v).filter((value): value is number => value !== null);
  const max = values.length ? Math.max(...values) : 0;
  const min = values.length ? Math.min(...values) : 0;
  const summary =
    values.length === 0
      ? `${series.label}: no data in the last 5 minutes`
      : `${series.label} over the last 5 minutes: now ${series.format(latest)}, min ${series.format(min)}, max ${series.format(max)}`;
  const gradient = `fill-${series.key}`;
  return (
    <div className="min-w-0 rounded-lg border bg-background/40 p-3" data-metric={series.key}>
      <div className="flex items-baseline justify-between gap-2">
        <span className="text-xs font-medium text-muted-foreground">{series.label}</span>
        <span className="text-sm font-semibold tabular-nums" data-testid={`metric-${series.key}`}>
          {series.format(latest)}
        </span>
      </div>
      <div role="img" aria-label={summary} className="mt-2 h-20 w-full">
        <ResponsiveContainer width="100%" height="100%" minWidth={0} initialDimension={{ width: 200, height: 80 }}>
          <AreaChart data={data} margin={{ top: 2, right: 0, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <defs>
              <linearGradient id={gradient} x1="0" y1="0" x2="0" y2="1">
                <stop offset="0%" stopColor={series.color} stopOpacity={0.35} />
                <stop offset="100%" stopColor={series.color} stopOpacity={0.02} />
              </linearGradient>
            </defs>
            <XAxis dataKey="t" type="number" scale="time" domain={[start, end]} hide />
            <YAxis hide domain={[0, (dataMax: number) => Math.max(dataMax * 1.15, series.minMax ?? 0, 1e-6)]} />
            <Tooltip
              isAnimationActive={false}
              cursor={{ stroke: 'var(--border)' }}
              contentStyle={{
                background: 'var(--popover)',
                border: '1px solid var(--border)',
                borderRadius: 6,
                fontSize: 12,
                color: 'var(--popover-foreground)',
              }}
              labelFormatter={(label) => timeLabel(Number(label))}
              formatter={(value) => [series.format(typeof value === 'number' ? value : null), series.label]}
            />
            <Area
              type="monotone"
              dataKey="v"
              stroke={series.color}
              strokeWidth={1.5}
              fill={`url(#${gradient})`}
              isAnimationActive={false}
              connectNulls={false}
              dot={false}
            />
          </AreaChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}

/** FPS, bitrate, speed, CPU and RAM of the channel's FFmpeg over the last 5 minutes. */
export function LiveCharts({ samples, running }: { samples: LiveSample[]; running: boolean }) {
  const end = samples.length > 0 ? samples[samples.length - 1]!.t : 0;
  const first = samples.length > 0 ? samples[0]!.t : 0;
  const start = Math.max(end - WINDOW_MS, Math.min(first, end - MIN_SPAN_MS));
  if (samples.length === 0) {
    return (
      <div className="flex h-28 items-center justify-center rounded-lg border border-dashed text-sm text-muted-foreground">
        {running ? 'Waiting for the first metrics…' : 'No metrics: the channel is not running. Start it to see live charts.'}
      </div>
    );
  }
  return (
    <div className="grid grid-cols-1 gap-2 sm:grid-cols-2 xl:grid-cols-3">
      {SERIES.map((series) => (
        <MiniChart key={series.key} series={series} samples={samples} start={start} end={end} />
      ))}
    </div>
  );
}
