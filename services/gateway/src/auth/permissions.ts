import type { Role } from '@castline/db';

/**
 * The permission matrix. One guard enforces it (AuthGuard); docs/ARCHITECTURE.md shows the same table and a
 * test checks every route against it.
 */
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
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS),
  operator: new Set<Permission>(['profile:read', 'activity:read', 'monitoring:read', 'channels:read', 'channels:write']),
  viewer: new Set<Permission>(['profile:read', 'activity:read', 'monitoring:read', 'channels:read']),
};

export const ROLES: readonly Role[] = ['admin', 'operator', 'viewer'];

export function roleHas(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}
