import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ErrorCodes } from '@castline/contracts';
import type { User } from '@castline/db';
import { AppError, CONFIG } from '@castline/platform';
import type { GatewayConfig } from '../config';
import { UsersRepository } from '../users/users.repository';
import { AccessTokenService } from './access-token.service';
import { PasswordService } from './password.service';
import { RefreshTokenRepository } from './refresh-token.repository';
import { randomSecret, sha256 } from './secrets';
import { TokenVersions } from './token-versions';

export interface ClientInfo {
  ip?: string;
  userAgent?: string;
}

export interface IssuedSession {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: Date;
  user: User;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

const invalidCredentials = () =>
  AppError.unauthenticated('Email or password is incorrect', ErrorCodes.invalidCredentials);

@Injectable()
export class AuthService {
  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    private readonly users: UsersRepository,
    private readonly passwords: PasswordService,
    private readonly accessTokens: AccessTokenService,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly tokenVersions: TokenVersions,
  ) {}

  /** Unknown email, wrong password and disabled account all answer the same, in the same time. */
  async login(email: string, password: string, client: ClientInfo): Promise<IssuedSession> {
    const user = await this.users.findByEmail(email.toLowerCase());
    const matches = await this.passwords.verify(user?.passwordHash, password);
    if (!user || !matches || user.disabled) throw invalidCredentials();
    const signedIn = await this.users.recordLogin(user.id);
    return this.issue(signedIn, randomUUID(), client, nowSeconds());
  }

  /**
   * Exchanges a refresh token for a new pair. A token that was already rotated (or revoked) is a sign it
   * leaked: the whole family is revoked, which signs out the thief and the owner alike.
   */
  async refresh(refreshToken: string, client: ClientInfo): Promise<IssuedSession> {
    const stored = await this.refreshTokens.findByHash(sha256(refreshToken));
    if (!stored) throw AppError.unauthenticated('Refresh token invalid', ErrorCodes.tokenInvalid);
    if (stored.rotatedAt || stored.revokedAt) {
      await this.refreshTokens.revokeFamily(stored.familyId);
      throw AppError.unauthenticated('Refresh token was already used; the session is revoked', ErrorCodes.refreshTokenReused);
    }
    if (stored.expiresAt.getTime() <= Date.now()) {
      throw AppError.unauthenticated('Refresh token expired', ErrorCodes.tokenExpired);
    }
    if (stored.user.disabled) {
      await this.refreshTokens.revokeFamily(stored.familyId);
      throw AppError.unauthenticated('Account disabled', ErrorCodes.accountDisabled);
    }
    const next = this.newRefreshToken(stored.user.id, stored.familyId, client);
    if (!(await this.refreshTokens.rotate(stored.id, next.row))) {
      await this.refreshTokens.revokeFamily(stored.familyId);
      throw AppError.unauthenticated('Refresh token was already used; the session is revoked', ErrorCodes.refreshTokenReused);
    }
    const signedInAt = (await this.refreshTokens.familyStartedAt(stored.familyId)) ?? stored.createdAt;
    return this.session(stored.user, next.token, next.row.expiresAt, Math.floor(signedInAt.getTime() / 1000));
  }

  /**
   * Ends the session the refresh token belongs to, or with `everywhere` every session of its user. Unknown
   * tokens are ignored: logout always succeeds. Signing out everywhere also ends the user's access tokens
   * and live connections at once (TokenVersions).
   */
  async logout(refreshToken: string | undefined, everywhere = false): Promise<void> {
    if (!refreshToken) return;
    const stored = await this.refreshTokens.findByHash(sha256(refreshToken));
    if (!stored) return;
    if (everywhere) {
      await this.refreshTokens.revokeAllForUser(stored.userId);
      await this.tokenVersions.revoke(stored.userId);
    } else {
      await this.refreshTokens.revokeFamily(stored.familyId);
    }
  }

  private async issue(user: User, familyId: string, client: ClientInfo, authTime: number): Promise<IssuedSession> {
    const next = this.newRefreshToken(user.id, familyId, client);
    await this.refreshTokens.create(next.row);
    return this.session(user, next.token, next.row.expiresAt, authTime);
  }

  private async session(user: User, refreshToken: string, refreshExpiresAt: Date, authTime: number): Promise<IssuedSession> {
    const accessToken = await this.accessTokens.sign({ userId: user.id, email: user.email, role: user.role, version: user.tokenVersion, authTime });
    return { accessToken, expiresIn: this.accessTokens.ttlSeconds, refreshToken, refreshExpiresAt, user };
  }

  private newRefreshToken(userId: string, familyId: string, client: ClientInfo) {
    const token = randomSecret();
    const expiresAt = new Date(Date.now() + this.config.REFRESH_TOKEN_TTL_DAYS * 86_400_000);
    return {
      token,
      row: { userId, familyId, tokenHash: sha256(token), expiresAt, ip: client.ip, userAgent: client.userAgent?.slice(0, 512) },
    };
  }
}
