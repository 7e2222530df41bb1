'use client';

import { MenuIcon, PanelLeftCloseIcon, PanelLeftOpenIcon, RadioTowerIcon } from 'lucide-react';
import Link from 'next/link';
import { type ReactNode, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Sheet, SheetContent, SheetDescription, SheetTitle, SheetTrigger } from '@/components/ui/sheet';
import { Skeleton } from '@/components/ui/skeleton';
import { useRequireSession } from '@/lib/auth';
import { cn } from '@/lib/utils';
import { SidebarNav } from './sidebar-nav';
import { NotificationBell } from './notification-bell';
import { ThemeToggle } from './theme-toggle';
import { UserMenu } from './user-menu';

const COLLAPSED_KEY = 'castline.sidebar-collapsed';

function Brand({ collapsed = false }: { collapsed?: boolean }) {
  return (
    <Link href="/" className="flex items-center gap-2 rounded-md px-2 font-semibold outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50">
      <span className="flex size-7 shrink-0 items-center justify-center rounded-md bg-primary text-primary-foreground">
        <RadioTowerIcon className="size-4" aria-hidden />
      </span>
      {collapsed ? <span className="sr-only">Castline</span> : <span>Castline</span>}
    </Link>
  );
}

export function AppShell({ children }: { children: ReactNode }) {
  const state = useRequireSession();
  // Read on the client only: the server renders the skeleton below, which does not depend on it.
  const [collapsed, setCollapsed] = useState(() => typeof window !== 'undefined' && localStorage.getItem(COLLAPSED_KEY) === '1');
  const [mobileOpen, setMobileOpen] = useState(false);
  const toggle = () => {
    setCollapsed((value) => {
      localStorage.setItem(COLLAPSED_KEY, value ? '0' : '1');
      return !value;
    });
  };

  if (state.status !== 'authenticated') {
    return (
      <div className="flex min-h-dvh" aria-busy="true">
        <div className="hidden w-60 border-r p-4 md:block">
          <Skeleton className="mb-6 h-7 w-32" />
          {Array.from({ length: 6 }, (_, index) => (
            <Skeleton key={index} className="mb-2 h-8 w-full" />
          ))}
        </div>
        <div className="flex-1 p-6">
          <Skeleton className="mb-6 h-8 w-48" />
          <Skeleton className="h-64 w-full" />
        </div>
      </div>
    );
  }

  return (
    <div className="flex min-h-dvh">
      <aside
        className={cn(
          'sticky top-0 hidden h-dvh shrink-0 flex-col border-r border-sidebar-border bg-sidebar text-sidebar-foreground transition-[width] md:flex',
          collapsed ? 'w-14' : 'w-60',
        )}
      >
        <div className={cn('flex h-14 items-center', collapsed ? 'justify-center' : 'px-2')}>
          <Brand collapsed={collapsed} />
        </div>
        <div className="flex-1 overflow-y-auto py-2">
          <SidebarNav collapsed={collapsed} />
        </div>
        <div className={cn('border-t border-sidebar-border p-2', collapsed && 'flex justify-center')}>
          <Button variant="ghost" size={collapsed ? 'icon' : 'sm'} onClick={toggle} aria-label={collapsed ? 'Expand sidebar' : 'Collapse sidebar'} className={cn(!collapsed && 'w-full justify-start')}>
            {collapsed ? <PanelLeftOpenIcon aria-hidden /> : <PanelLeftCloseIcon aria-hidden />}
            {!collapsed && 'Collapse'}
          </Button>
        </div>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-30 flex h-14 items-center gap-2 border-b bg-background/90 px-4 backdrop-blur">
          <Sheet open={mobileOpen} onOpenChange={setMobileOpen}>
            <SheetTrigger asChild>
              <Button variant="ghost" size="icon" className="md:hidden" aria-label="Open menu">
                <MenuIcon aria-hidden />
              </Button>
            </SheetTrigger>
            <SheetContent>
              <SheetTitle className="sr-only">Navigation</SheetTitle>
              <SheetDescription className="sr-only">Castline pages</SheetDescription>
              <div className="flex h-14 items-center px-2">
                <Brand />
              </div>
              <SidebarNav onNavigate={() => setMobileOpen(false)} />
            </SheetContent>
          </Sheet>
          <div className="md:hidden">
            <Brand />
          </div>
          <div className="ml-auto flex items-center gap-1">
            <NotificationBell />
            <ThemeToggle />
            <UserMenu />
          </div>
        </header>
        <main id="main" className="flex-1 p-4 md:p-6">
          {children}
        </main>
      </div>
    </div>
  );
}
