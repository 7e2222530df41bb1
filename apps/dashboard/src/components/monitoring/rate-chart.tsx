'use client';

import { useId } from 'react';
import { Area, AreaChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { formatBitrate, formatPercent } from '@/lib/format';

export interface ChartSeries {
  key: string;
  label: string;
  color: string;
}

type Kind = 'bitrate' | 'percent';

const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function formatValue(kind: Kind, value: number | null | undefined) {
  return kind === 'percent' ? formatPercent(value) : formatBitrate(value);
}

const trim = (value: number) => String(Number(value.toFixed(1)));

function compactBitrate(bits: number) {
  if (bits >= 1e9) return `${trim(bits / 1e9)}G`;
  if (bits >= 1e6) return `${trim(bits / 1e6)}M`;
  if (bits >= 1e3) return `${trim(bits / 1e3)}k`;
  return trim(bits);
}

/** The smallest 1, 2 or 5 × 10^n at or above `value`: a round top for the Y axis. */
function niceCeil(value: number) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((factor) => factor * power >= value) ?? 10;
  return step * power;
}

/**
 * A small time-series area chart over client-side samples (`t` in epoch ms). Values of `bitrate` charts are bits/s.
 * The SVG is hidden from assistive technology; the wrapper carries `label` plus the latest values as its name.
 */
export function RateChart({
  data,
  series,
  label,
  kind,
  height = 160,
  windowMs,
}: {
  data: Array<Record<string, number | null>>;
  series: ChartSeries[];
  label: string;
  kind: Kind;
  /** Pixels, or a CSS length such as '100%' to fill a sized parent. */
  height?: number | string;
  windowMs: number;
}) {
  const uid = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const last = data.at(-1);
  const summary = last ? series.map((s) => `${s.label} ${formatValue(kind, last[s.key])}`).join(', ') : 'no samples yet';
  const end = (last?.t as number | undefined) ?? 0;
  const peak = Math.max(0, ...data.flatMap((row) => series.map((s) => row[s.key] ?? 0)));
  const top = kind === 'percent' ? 100 : niceCeil(peak);
  const yTicks = kind === 'percent' ? [0, 25, 50, 75, 100] : [0, top / 2, top];
  /** One tick a minute across the window, ending at the newest sample. */
  const ticks = end ? Array.from({ length: Math.floor(windowMs / 60_000) + 1 }, (_, index) => end - windowMs + index * 60_000) : undefined;

  return (
    <div role="img" aria-label={`${label}: ${summary}`} className="h-full w-full select-none">
      <AreaChart responsive accessibilityLayer={false} data={data} style={{ width: '100%', height }} margin={{ top: 4, right: 4, bottom: 0, left: 0 }}>
        <defs>
          {series.map((s) => (
            <linearGradient key={s.key} id={`${uid}-fill-${s.key}`} x1="0" y1="0" x2="0" y2="1">
              <stop offset="5%" stopColor={s.color} stopOpacity={0.35} />
              <stop offset="95%" stopColor={s.color} stopOpacity={0.02} />
            </linearGradient>
          ))}
        </defs>
        <CartesianGrid vertical={false} stroke="var(--border)" strokeDasharray="3 3" />
        <XAxis
          dataKey="t"
          type="number"
          domain={end ? [end - windowMs, end] : ['dataMin', 'dataMax']}
          ticks={ticks}
          allowDataOverflow
          tickFormatter={(t: number) => (t === end ? 'now' : `-${Math.round((end - t) / 60_000)} min`)}
          tick={{ fill: 'var(--muted-foreground)', fontSize: 11 }}
          stroke="var(--border)"
          minTickGap={24}
        />
        <YAxis
          width={kind === 'percent' ? 36 : 44}
          domain={[0, top]}
          ticks={yTicks}
          allowDataOverflow
          tickFormatter={(value: number) => (kind === 'percent' ? `${value}%` : compactBitrate(value))}
          tick={{ fill: 'var(--muted-foreground)', fontSize: 11 }}
          stroke="var(--border)"
        />
        <Tooltip
          isAnimationActive={false}
          labelFormatter={(t) => timeFormat.format(Number(t))}
          formatter={(value, name) => [formatValue(kind, typeof value === 'number' ? value : null), name]}
          contentStyle={{ background: 'var(--popover)', border: '1px solid var(--border)', borderRadius: 8, color: 'var(--popover-foreground)', fontSize: 12 }}
          labelStyle={{ color: 'var(--muted-foreground)' }}
        />
        {series.map((s) => (
          <Area
            key={s.key}
            dataKey={s.key}
            name={s.label}
            type="monotone"
            stroke={s.color}
            strokeWidth={1.5}
            fill={`url(#${uid}-fill-${s.key})`}
            isAnimationActive={false}
            connectNulls={false}
            dot={false}
          />
        ))}
      </AreaChart>
    </div>
  );
}
