import { Inject, Injectable } from '@nestjs/common';
import { ErrorCodes, ROLES } from '@castline/contracts';
import type { Role } from '@castline/db';
import { AppError, CONFIG } from '@castline/platform';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { GatewayConfig } from '../config';

const ALGORITHM = 'HS256';
// Verified tokens are remembered until they expire: a dashboard or API client sends the same token for
// 15 minutes, and WebCrypto's HMAC was the largest single cost of an authenticated request (bench:gateway).
const VERIFIED_CACHE_SIZE = 10_000;
const ISSUER = 'castline';
const AUDIENCE = 'castline-api';

export interface AccessClaims {
  userId: string;
  email: string;
  role: Role;
  /** The user's token version when issued (TokenVersions): a bump ends the token at once. */
  version: number;
  /** When the user last typed their password (epoch seconds); refreshes keep it. */
  authTime: number;
}

export interface VerifiedAccessClaims extends AccessClaims {
  expiresAt: Date;
}

/** Short-lived access JWTs. The algorithm is pinned on verify: `none` and any other alg are refused. */
@Injectable()
export class AccessTokenService {
  private readonly key: Uint8Array;
  private readonly verified = new Map<string, VerifiedAccessClaims>();

  constructor(@Inject(CONFIG) private readonly config: GatewayConfig) {
    this.key = new TextEncoder().encode(config.JWT_SECRET);
  }

  get ttlSeconds(): number {
    return this.config.ACCESS_TOKEN_TTL_SECONDS;
  }

  sign(claims: AccessClaims): Promise<string> {
    return new SignJWT({ email: claims.email, role: claims.role, ver: claims.version, auth_time: claims.authTime })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.config.ACCESS_TOKEN_TTL_SECONDS}s`)
      .sign(this.key);
  }

  async verify(token: string): Promise<VerifiedAccessClaims> {
    const cached = this.verified.get(token);
    if (cached && cached.expiresAt.getTime() > Date.now()) return cached;
    if (cached) this.verified.delete(token);
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      const role = payload.role as Role;
      if (typeof payload.email !== 'string' || !ROLES.includes(role)) throw new errors.JWTClaimValidationFailed('bad claims', payload);
      // Tokens issued before versions existed count as version 0, signed in when issued.
      const version = typeof payload.ver === 'number' ? payload.ver : 0;
      const authTime = typeof payload.auth_time === 'number' ? payload.auth_time : payload.iat!;
      const claims = { userId: payload.sub!, email: payload.email, role, version, authTime, expiresAt: new Date(payload.exp! * 1000) };
      this.remember(token, claims);
      return claims;
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        throw AppError.unauthenticated('Access token expired', ErrorCodes.tokenExpired);
      }
      throw AppError.unauthenticated('Access token invalid', ErrorCodes.tokenInvalid);
    }
  }

  private remember(token: string, claims: VerifiedAccessClaims): void {
    // Map keeps insertion order: when full, drop the oldest entry.
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, claims);
  }
}
