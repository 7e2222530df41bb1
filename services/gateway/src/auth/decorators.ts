import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Permission } from '@castline/contracts';
import type { Principal } from './principal';

export const REQUIRED_PERMISSION = 'castline:permission';
export const AUDIT_ACTION = 'castline:audit';

/** Every route is either @Public() (from the platform) or names the permission it needs. */
export const RequirePermission = (permission: Permission) => SetMetadata(REQUIRED_PERMISSION, permission);

/** Names the audit action and the kind of target of a mutating route, e.g. ('users.create', 'user'). */
export const Audit = (action: string, targetType?: string) => SetMetadata(AUDIT_ACTION, { action, targetType });

export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<FastifyRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public route');
  return principal;
});
