import type { ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import { cn } from '@/lib/utils';

export type Tone = 'success' | 'warning' | 'destructive' | 'muted';

const DOT: Record<Tone, string> = {
  success: 'bg-success',
  warning: 'bg-warning',
  destructive: 'bg-destructive',
  muted: 'bg-muted-foreground/60',
};

/** An outline badge with a coloured dot: the colour carries the tone, the text keeps full contrast in both themes. */
export function ToneBadge({ tone, children, className }: { tone: Tone; children: ReactNode; className?: string }) {
  return (
    <Badge variant="outline" className={cn('gap-1.5', className)}>
      <span className={cn('size-1.5 rounded-full', DOT[tone])} aria-hidden />
      {children}
    </Badge>
  );
}
