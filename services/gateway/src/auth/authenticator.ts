import { Inject, Injectable } from '@nestjs/common';
import { ErrorCodes } from '@castline/contracts';
import { AppError, CONFIG } from '@castline/platform';
import type { GatewayConfig } from '../config';
import type { IncomingHttpHeaders } from 'node:http';
import { looksLikeApiKey } from '../api-keys/api-key-format';
import { ApiKeysRepository } from '../api-keys/api-keys.repository';
import { AccessTokenService } from './access-token.service';
import type { Principal } from './principal';
import { sha256 } from './secrets';
import { TokenVersions } from './token-versions';

/** A credential and what it may be: a Bearer value is either kind, `X-API-Key` only an API key, `?token=` only an access token. */
export interface Credential {
  value: string;
  accept: 'any' | 'api-key' | 'access-token';
}

/** The credential of a request: `Authorization: Bearer <access token or API key>`, else `X-API-Key`. */
export function credentialFromHeaders(headers: IncomingHttpHeaders): Credential | undefined {
  const header = headers.authorization;
  if (header) {
    const [scheme, value] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !value) {
      throw AppError.unauthenticated('Authorization header must be "Bearer <token>"', ErrorCodes.tokenInvalid);
    }
    return { value, accept: 'any' };
  }
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey ? { value: apiKey, accept: 'api-key' } : undefined;
}

/** Who a credential (access JWT or API key) belongs to; the AuthGuard and the metrics WebSocket both ask it. */
@Injectable()
export class Authenticator {
  constructor(
    private readonly accessTokens: AccessTokenService,
    private readonly apiKeys: ApiKeysRepository,
    private readonly tokenVersions: TokenVersions,
    @Inject(CONFIG) private readonly config: Pick<GatewayConfig, 'REVOCATION_CHECK'>,
  ) {}

  async authenticate(found: Credential | undefined): Promise<Principal> {
    if (!found) throw AppError.unauthenticated();
    const { value: credential, accept } = found;
    const apiKey = looksLikeApiKey(credential);
    if (accept === 'api-key' || (apiKey && accept === 'any')) return this.authenticateApiKey(credential);
    if (apiKey) throw AppError.unauthenticated('API keys are not accepted here; send them in a header', ErrorCodes.tokenInvalid);
    const claims = await this.accessTokens.verify(credential);
    const version = this.config.REVOCATION_CHECK ? await this.tokenVersions.current(claims.userId) : claims.version;
    if (version === null || version !== claims.version) {
      throw AppError.unauthenticated('Access token revoked; sign in again', ErrorCodes.tokenRevoked);
    }
    return { kind: 'user', id: claims.userId, email: claims.email, role: claims.role, expiresAt: claims.expiresAt, authTime: claims.authTime };
  }

  private async authenticateApiKey(key: string): Promise<Principal> {
    const stored = looksLikeApiKey(key) ? await this.apiKeys.findByHash(sha256(key)) : null;
    const expired = stored?.expiresAt && stored.expiresAt.getTime() <= Date.now();
    if (!stored || stored.revokedAt || expired) {
      throw AppError.unauthenticated('API key invalid', ErrorCodes.tokenInvalid);
    }
    // A disabled user's keys stop working while the user is disabled.
    if (this.config.REVOCATION_CHECK && (await this.tokenVersions.current(stored.createdById)) === null) {
      throw AppError.unauthenticated('API key invalid: its creator is disabled', ErrorCodes.tokenInvalid);
    }
    await this.apiKeys.touch(stored.id);
    return {
      kind: 'api-key',
      id: stored.id,
      name: stored.name,
      role: stored.role,
      createdById: stored.createdById,
      expiresAt: stored.expiresAt,
      permissions: stored.permissions,
    };
  }
}
