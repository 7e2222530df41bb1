'use client';

import { roleHas } from '@castline/contracts/permissions';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { Tooltip, TooltipContent, TooltipTrigger } from '@/components/ui/tooltip';
import { useUser } from '@/lib/auth';
import { cn } from '@/lib/utils';
import { activeHref, NAVIGATION } from './navigation';

export function SidebarNav({ collapsed = false, onNavigate }: { collapsed?: boolean; onNavigate?: () => void }) {
  const user = useUser();
  const pathname = usePathname();
  const active = activeHref(pathname);
  return (
    <nav aria-label="Main" className="flex flex-col gap-4 px-2">
      {NAVIGATION.map((section, index) => {
        const items = section.items.filter((item) => roleHas(user.role, item.permission));
        if (items.length === 0) return null;
        return (
          <div key={section.title ?? index} className="flex flex-col gap-1">
            {section.title && !collapsed && <p className="px-2 pb-1 text-xs font-medium uppercase tracking-wide text-muted-foreground">{section.title}</p>}
            {items.map((item) => {
              const isActive = item.href === active;
              const link = (
                <Link
                  key={item.href}
                  href={item.href}
                  onClick={onNavigate}
                  aria-current={isActive ? 'page' : undefined}
                  className={cn(
                    'flex h-9 items-center gap-3 rounded-md px-2.5 text-sm font-medium text-sidebar-foreground/80 outline-none transition-colors hover:bg-sidebar-accent hover:text-sidebar-accent-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50',
                    isActive && 'bg-sidebar-accent text-sidebar-accent-foreground',
                    collapsed && 'justify-center px-0',
                  )}
                >
                  <item.icon className="size-4 shrink-0" aria-hidden />
                  {collapsed ? <span className="sr-only">{item.label}</span> : <span className="truncate">{item.label}</span>}
                </Link>
              );
              return collapsed ? (
                <Tooltip key={item.href}>
                  <TooltipTrigger asChild>{link}</TooltipTrigger>
                  <TooltipContent side="right">{item.label}</TooltipContent>
                </Tooltip>
              ) : (
                link
              );
            })}
          </div>
        );
      })}
    </nav>
  );
}
