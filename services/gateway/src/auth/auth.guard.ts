import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ErrorCodes } from '@castline/contracts';
import { AppError, IS_PUBLIC } from '@castline/platform';
import type { FastifyRequest } from 'fastify';
import { looksLikeApiKey } from '../api-keys/api-key-format';
import { ApiKeysRepository } from '../api-keys/api-keys.repository';
import { AccessTokenService } from './access-token.service';
import { AUDIT_ACTION, REQUIRED_PERMISSION } from './decorators';
import { type Permission, roleHas } from './permissions';
import type { AuditContext, Principal } from './principal';
import { sha256 } from './secrets';

/**
 * The one guard: authenticates (access JWT, or an API key as `Authorization: Bearer` or `X-API-Key`) and
 * enforces the permission matrix. Routes that are neither @Public() nor @RequirePermission(...) are refused,
 * so a new route cannot be exposed by forgetting a decorator.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly accessTokens: AccessTokenService,
    private readonly apiKeys: ApiKeysRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const audit = this.reflector.getAllAndOverride<AuditContext | undefined>(AUDIT_ACTION, targets);
    request.audit = { ...audit, ...request.audit };

    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(REQUIRED_PERMISSION, targets);

    const principal = await this.authenticate(request);
    request.principal = principal;
    if (!permission || !roleHas(principal.role, permission)) throw AppError.forbidden();
    return true;
  }

  private async authenticate(request: FastifyRequest): Promise<Principal> {
    const credential = this.credentialOf(request);
    if (!credential) throw AppError.unauthenticated();
    if (looksLikeApiKey(credential)) return this.authenticateApiKey(credential);
    const claims = await this.accessTokens.verify(credential);
    return { kind: 'user', id: claims.userId, email: claims.email, role: claims.role };
  }

  private credentialOf(request: FastifyRequest): string | undefined {
    const header = request.headers.authorization;
    if (header) {
      const [scheme, value] = header.split(' ');
      if (scheme?.toLowerCase() !== 'bearer' || !value) {
        throw AppError.unauthenticated('Authorization header must be "Bearer <token>"', ErrorCodes.tokenInvalid);
      }
      return value;
    }
    const apiKey = request.headers['x-api-key'];
    return typeof apiKey === 'string' && apiKey ? apiKey : undefined;
  }

  private async authenticateApiKey(key: string): Promise<Principal> {
    const stored = await this.apiKeys.findByHash(sha256(key));
    const expired = stored?.expiresAt && stored.expiresAt.getTime() <= Date.now();
    if (!stored || stored.revokedAt || expired) {
      throw AppError.unauthenticated('API key invalid or revoked', ErrorCodes.tokenInvalid);
    }
    await this.apiKeys.touch(stored.id);
    return { kind: 'api-key', id: stored.id, name: stored.name, role: stored.role, createdById: stored.createdById };
  }
}
