/**
 * The permission matrix: the gateway's AuthGuard enforces it and the dashboard reads it to hide what a role
 * cannot do. docs/ARCHITECTURE.md shows the same table and a gateway test checks every route against it.
 */
export const ROLES = ['admin', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'profile:read',
  'users:read',
  'users:write',
  'api-keys:read',
  'api-keys:write',
  'audit:read',
  'activity:read',
  'monitoring:read',
  'channels:read',
  'channels:write',
  'presets:write',
  'campaigns:read',
  'campaigns:write',
  // server-to-server conversions only: what a shop's API key is limited to (campaigns:write does not include it)
  'conversions:write',
  'campaign-accounts:write',
  'alerts:write',
  'alert-receivers:write',
  // app logs may carry user ids, routes and error details: operators and admins
  'logs:read',
  // backup: admin only (a restore replaces the whole database)
  'backups:read',
  'backups:write',
  'backups:restore',
  'media:read',
  'media:write',
  // traffic: analytics for every role, site settings admin only
  'traffic:read',
  'sites:write',
  // traffic: exports for admins and operators, raw client IPs (TRAFFIC_STORE_RAW_IP) admin only
  'traffic:export',
  'traffic:ip',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS),
  operator: new Set<Permission>(['profile:read', 'activity:read', 'monitoring:read', 'channels:read', 'channels:write', 'campaigns:read', 'campaigns:write', 'conversions:write', 'alerts:write', 'logs:read', 'media:read', 'media:write', 'traffic:read', 'traffic:export']),
  viewer: new Set<Permission>(['profile:read', 'activity:read', 'monitoring:read', 'channels:read', 'campaigns:read', 'media:read', 'traffic:read']),
};

export function roleHas(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}
