import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError, IS_PUBLIC } from '@castline/platform';
import type { FastifyRequest } from 'fastify';
import { Authenticator, credentialFromHeaders } from './authenticator';
import { AUDIT_ACTION, REQUIRED_PERMISSION } from './decorators';
import { type Permission, roleHas } from '@castline/contracts';
import { type AuditContext, keyAllows } from './principal';

/**
 * The one guard: authenticates (access JWT, or an API key as `Authorization: Bearer` or `X-API-Key`) and
 * enforces the permission matrix. Routes that are neither @Public() nor @RequirePermission(...) are refused,
 * so a new route cannot be exposed by forgetting a decorator.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const audit = this.reflector.getAllAndOverride<AuditContext | undefined>(AUDIT_ACTION, targets);
    request.audit = { ...audit, ...request.audit };

    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(REQUIRED_PERMISSION, targets);

    const principal = await this.authenticator.authenticate(credentialFromHeaders(request.headers));
    request.principal = principal;
    if (!permission || !roleHas(principal.role, permission)) throw AppError.forbidden();
    // An API key limited to some permissions of its role (a shop's key that only posts conversions).
    if (principal.kind === 'api-key' && !keyAllows(principal, permission)) {
      throw AppError.forbidden(`This API key is limited to ${principal.permissions.join(', ')}`);
    }
    return true;
  }
}
