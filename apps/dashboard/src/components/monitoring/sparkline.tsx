import { cn } from '@/lib/utils';

/**
 * A tiny line of recent values (no axes), drawn as plain SVG. Null values break the line.
 * `max` fixes the top of the scale (100 for percentages); otherwise the largest value is used.
 */
export function Sparkline({
  values,
  label,
  max,
  className,
  color = 'var(--chart-1)',
}: {
  values: Array<number | null>;
  label: string;
  max?: number;
  className?: string;
  color?: string;
}) {
  const width = 120;
  const height = 32;
  const numbers = values.filter((value): value is number => value !== null && Number.isFinite(value));
  const top = max ?? Math.max(1, ...numbers);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  let line = '';
  let pen = false;
  values.forEach((value, index) => {
    if (value === null || !Number.isFinite(value)) {
      pen = false;
      return;
    }
    const x = index * step;
    const y = height - 1 - (Math.min(value, top) / top) * (height - 2);
    line += `${pen ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)} `;
    pen = true;
  });
  const lastIndex = values.length - 1;
  const area = numbers.length > 1 && values.every((value) => value !== null) ? `${line}L${(lastIndex * step).toFixed(1)},${height} L0,${height} Z` : '';

  return (
    <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={label} className={cn('h-8 w-full overflow-visible', className)}>
      {area && <path d={area} fill={color} fillOpacity={0.15} stroke="none" />}
      {line && <path d={line} fill="none" stroke={color} strokeWidth={1.5} vectorEffect="non-scaling-stroke" strokeLinejoin="round" strokeLinecap="round" />}
    </svg>
  );
}
