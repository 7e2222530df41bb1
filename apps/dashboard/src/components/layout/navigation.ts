import type { Permission } from '@castline/contracts/permissions';
import { ActivityIcon, ArchiveIcon, ChartLineIcon, FileTextIcon, GaugeIcon, GlobeIcon, BellRingIcon, CpuIcon, FilmIcon, HeartPulseIcon, KeyRoundIcon, LayoutDashboardIcon, LinkIcon, ListChecksIcon, type LucideIcon, MegaphoneIcon, PlugIcon, ScrollTextIcon, SearchIcon, SendIcon, SlidersHorizontalIcon, TvIcon, UsersIcon, VolumeXIcon } from 'lucide-react';

export interface NavItem {
  href: string;
  label: string;
  icon: LucideIcon;
  permission: Permission;
}

export interface NavSection {
  title?: string;
  items: NavItem[];
}

export const NAVIGATION: NavSection[] = [
  {
    items: [
      { href: '/', label: 'Overview', icon: LayoutDashboardIcon, permission: 'monitoring:read' },
      { href: '/channels', label: 'Channels', icon: TvIcon, permission: 'channels:read' },
      { href: '/media', label: 'Media', icon: FilmIcon, permission: 'media:read' },
      { href: '/analytics', label: 'Analytics', icon: ChartLineIcon, permission: 'traffic:read' },
    ],
  },
  {
    title: 'Traffic',
    items: [{ href: '/traffic', label: 'Traffic', icon: SearchIcon, permission: 'traffic:read' }],
  },
  {
    title: 'Campaigns',
    items: [
      { href: '/campaigns', label: 'Campaigns', icon: MegaphoneIcon, permission: 'campaigns:read' },
      { href: '/campaigns/accounts', label: 'Ad accounts', icon: PlugIcon, permission: 'campaigns:read' },
      { href: '/campaigns/links', label: 'Tracking links', icon: LinkIcon, permission: 'campaigns:read' },
    ],
  },
  {
    title: 'Monitoring',
    items: [
      { href: '/monitoring', label: 'System', icon: ActivityIcon, permission: 'monitoring:read' },
      { href: '/monitoring/processes', label: 'Processes', icon: CpuIcon, permission: 'monitoring:read' },
      { href: '/monitoring/health', label: 'Health', icon: HeartPulseIcon, permission: 'monitoring:read' },
      { href: '/monitoring/logs', label: 'Logs', icon: FileTextIcon, permission: 'logs:read' },
      { href: '/monitoring/api', label: 'API', icon: GaugeIcon, permission: 'monitoring:read' },
    ],
  },
  {
    title: 'Alerts',
    items: [
      { href: '/alerts', label: 'Alerts', icon: BellRingIcon, permission: 'monitoring:read' },
      { href: '/alerts/rules', label: 'Rules', icon: ListChecksIcon, permission: 'monitoring:read' },
      { href: '/alerts/silences', label: 'Silences', icon: VolumeXIcon, permission: 'monitoring:read' },
      { href: '/alerts/receivers', label: 'Receivers', icon: SendIcon, permission: 'monitoring:read' },
    ],
  },
  {
    title: 'Settings',
    items: [
      { href: '/settings/users', label: 'Users', icon: UsersIcon, permission: 'users:read' },
      { href: '/settings/api-keys', label: 'API keys', icon: KeyRoundIcon, permission: 'api-keys:read' },
      { href: '/settings/presets', label: 'Encoding presets', icon: SlidersHorizontalIcon, permission: 'channels:read' },
      { href: '/settings/audit', label: 'Audit log', icon: ScrollTextIcon, permission: 'audit:read' },
      { href: '/settings/backups', label: 'Backups', icon: ArchiveIcon, permission: 'backups:read' },
      { href: '/settings/sites', label: 'Sites', icon: GlobeIcon, permission: 'traffic:read' },
    ],
  },
];

/** The nav item a path belongs to: the longest matching prefix ("/" only for itself). */
export function activeHref(pathname: string): string | undefined {
  const all = NAVIGATION.flatMap((section) => section.items.map((item) => item.href));
  return all
    .filter((href) => (href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`)))
    .sort((a, b) => b.length - a.length)[0];
}
