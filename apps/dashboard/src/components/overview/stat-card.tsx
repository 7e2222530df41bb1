import type { LucideIcon } from 'lucide-react';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Card } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/skeleton';
import { cn } from '@/lib/utils';

/** One headline number with a caption and an optional chart or bar under it; a link when `href` is given. */
export function StatCard({
  title,
  icon: Icon,
  value,
  caption,
  footer,
  href,
  loading,
  testId,
}: {
  title: string;
  icon: LucideIcon;
  value: ReactNode;
  caption?: ReactNode;
  footer?: ReactNode;
  href?: string;
  loading?: boolean;
  testId?: string;
}) {
  const body = (
    <Card className={cn('h-full gap-2 px-4', href && 'transition-colors hover:bg-accent/40')} data-testid={testId}>
      <div className="flex items-center justify-between gap-2">
        <h2 className="text-sm font-medium text-muted-foreground">{title}</h2>
        <Icon className="size-4 text-muted-foreground" aria-hidden />
      </div>
      {loading ? (
        <>
          <Skeleton className="h-7 w-24" />
          <Skeleton className="h-4 w-32" />
        </>
      ) : (
        <>
          <div className="text-2xl font-semibold tabular-nums tracking-tight">{value}</div>
          {caption && <div className="text-xs text-muted-foreground">{caption}</div>}
          {footer}
        </>
      )}
    </Card>
  );
  if (!href) return body;
  return (
    <Link href={href} className="block rounded-xl outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50">
      {body}
    </Link>
  );
}
