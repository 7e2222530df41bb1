import { type Permission, roleHas } from '@castline/contracts';
import type { Role } from '@castline/db';

/**
 * Who is calling: a signed-in user (access token) or an API key. `expiresAt` is when the credential stops
 * being accepted (null: an API key without expiry); long-lived connections end then.
 */
export type Principal =
  /** `authTime`: when the user last typed their password (epoch seconds), for actions that want it recent. */
  | { kind: 'user'; id: string; email: string; role: Role; expiresAt: Date; authTime: number }
  /** `permissions`: the subset of the role the key is limited to; empty for all of them. */
  | { kind: 'api-key'; id: string; name: string; role: Role; createdById: string; expiresAt: Date | null; permissions: string[] };

/** What the audit hook needs from a request, filled in by the guard and the handlers. */
export interface AuditContext {
  action?: string;
  targetType?: string;
  targetId?: string;
  /**
   * The user a public route proved to be acting (a successful login or refresh): recorded as the actor.
   * Never taken from the body of a request that did not prove it.
   */
  actor?: { id: string; label: string };
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    audit?: AuditContext;
  }
}

export function principalLabel(principal: Principal): string {
  return principal.kind === 'user' ? principal.email : `api-key:${principal.name}`;
}

/** Whether an API key's permission subset lets it use `permission` (no subset, or a user: the role decides alone). */
export function keyAllows(principal: Principal, permission: Permission): boolean {
  return principal.kind !== 'api-key' || principal.permissions.length === 0 || principal.permissions.includes(permission);
}

/**
 * Whether the principal holds `permission`: its role has it and, for an API key limited to some, the key lists it.
 * The rule of the AuthGuard, for what decides outside it (health details, WebSockets, fields of an answer).
 */
export function principalHas(principal: Principal, permission: Permission): boolean {
  return roleHas(principal.role, permission) && keyAllows(principal, permission);
}
