import { cn } from '@/lib/utils';

/** A coloured dot with its meaning for screen readers ("up" / "down"). */
export function StatusDot({ up, className }: { up: boolean; className?: string }) {
  return (
    <span className={cn('relative inline-flex size-2.5 shrink-0', className)}>
      <span className={cn('relative inline-flex size-2.5 rounded-full', up ? 'bg-success' : 'bg-destructive')} aria-hidden />
      <span className="sr-only">{up ? 'up' : 'down'}</span>
    </span>
  );
}
