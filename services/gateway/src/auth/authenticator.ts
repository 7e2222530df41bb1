import { Injectable } from '@nestjs/common';
import { ErrorCodes } from '@castline/contracts';
import { AppError } from '@castline/platform';
import type { IncomingHttpHeaders } from 'node:http';
import { looksLikeApiKey } from '../api-keys/api-key-format';
import { ApiKeysRepository } from '../api-keys/api-keys.repository';
import { AccessTokenService } from './access-token.service';
import type { Principal } from './principal';
import { sha256 } from './secrets';

/** The credential of a request: `Authorization: Bearer <access token or API key>`, else `X-API-Key`. */
export function credentialFromHeaders(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.authorization;
  if (header) {
    const [scheme, value] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !value) {
      throw AppError.unauthenticated('Authorization header must be "Bearer <token>"', ErrorCodes.tokenInvalid);
    }
    return value;
  }
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey ? apiKey : undefined;
}

/** Who a credential (access JWT or API key) belongs to; the AuthGuard and the metrics WebSocket both ask it. */
@Injectable()
export class Authenticator {
  constructor(
    private readonly accessTokens: AccessTokenService,
    private readonly apiKeys: ApiKeysRepository,
  ) {}

  async authenticate(credential: string | undefined): Promise<Principal> {
    if (!credential) throw AppError.unauthenticated();
    if (looksLikeApiKey(credential)) return this.authenticateApiKey(credential);
    const claims = await this.accessTokens.verify(credential);
    return { kind: 'user', id: claims.userId, email: claims.email, role: claims.role, expiresAt: claims.expiresAt };
  }

  private async authenticateApiKey(key: string): Promise<Principal> {
    const stored = await this.apiKeys.findByHash(sha256(key));
    const expired = stored?.expiresAt && stored.expiresAt.getTime() <= Date.now();
    if (!stored || stored.revokedAt || expired) {
      throw AppError.unauthenticated('API key invalid or revoked', ErrorCodes.tokenInvalid);
    }
    await this.apiKeys.touch(stored.id);
    return { kind: 'api-key', id: stored.id, name: stored.name, role: stored.role, createdById: stored.createdById, expiresAt: stored.expiresAt };
  }
}
