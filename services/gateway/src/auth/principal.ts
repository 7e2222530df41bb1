import type { Role } from '@castline/db';

/** Who is calling: a signed-in user (access token) or an API key. */
export type Principal =
  | { kind: 'user'; id: string; email: string; role: Role }
  | { kind: 'api-key'; id: string; name: string; role: Role; createdById: string };

/** What the audit hook needs from a request, filled in by the guard and the handlers. */
export interface AuditContext {
  action?: string;
  targetType?: string;
  targetId?: string;
  /** Label for an actor that is not authenticated yet (the email of a login attempt). */
  attemptedBy?: string;
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
