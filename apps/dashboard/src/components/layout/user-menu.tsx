'use client';

import { LogOutIcon, MonitorSmartphoneIcon, UserIcon } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { toast } from 'sonner';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuLabel, DropdownMenuSeparator, DropdownMenuTrigger } from '@/components/ui/dropdown-menu';
import { useAuth, useUser } from '@/lib/auth';

export function UserMenu() {
  const user = useUser();
  const { signOut } = useAuth();
  const router = useRouter();
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" className="gap-2 px-2" aria-label={`Account: ${user.email}`}>
          <span className="flex size-7 items-center justify-center rounded-full bg-muted text-xs font-semibold uppercase" aria-hidden>
            {(user.name ?? user.email).slice(0, 1)}
          </span>
          <span className="hidden max-w-40 truncate text-sm md:inline">{user.name ?? user.email}</span>
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end" className="w-60">
        <DropdownMenuLabel className="flex flex-col gap-1">
          <span className="truncate">{user.name ?? user.email}</span>
          <span className="truncate text-xs font-normal text-muted-foreground">{user.email}</span>
          <Badge variant="secondary" className="capitalize">
            <UserIcon aria-hidden /> {user.role}
          </Badge>
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuItem
          onSelect={async () => {
            await signOut();
            toast.success('Signed out');
            router.replace('/login');
          }}
        >
          <LogOutIcon aria-hidden /> Sign out
        </DropdownMenuItem>
        <DropdownMenuItem
          onSelect={async () => {
            await signOut({ everywhere: true });
            toast.success('Signed out on every device', { description: 'Other sessions end within 15 minutes, when their access token expires.' });
            router.replace('/login');
          }}
        >
          <MonitorSmartphoneIcon aria-hidden /> Sign out everywhere
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
