import { Injectable } from '@nestjs/common';
import type { ApiKey } from '@castline/db';
import { API_KEY_REAUTH_SECONDS, ErrorCodes, fieldProblem, parseSort } from '@castline/contracts';
import { HttpStatus } from '@nestjs/common';
import { AppError } from '@castline/platform';
import { PasswordService } from '../auth/password.service';
import type { Principal } from '../auth/principal';
import { UsersRepository } from '../users/users.repository';
import { sha256 } from '../auth/secrets';
import { newApiKey } from './api-key-format';
import type { CreateApiKeyBody, ListApiKeysQuery } from './api-keys.dto';
import { toSkipTake } from '../common/pagination';
import { LiveFeed } from '../live/live-feed';
import { ApiKeysRepository } from './api-keys.repository';

const toApiKeyView = (key: ApiKey) => ({
  id: key.id,
  name: key.name,
  prefix: key.prefix,
  role: key.role,
  createdById: key.createdById,
  createdAt: key.createdAt,
  lastUsedAt: key.lastUsedAt,
  expiresAt: key.expiresAt,
  revokedAt: key.revokedAt,
  permissions: key.permissions,
});

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly apiKeys: ApiKeysRepository,
    private readonly liveFeed: LiveFeed,
    private readonly users: UsersRepository,
    private readonly passwords: PasswordService,
  ) {}

  async list(query: ListApiKeysQuery) {
    const { items, total } = await this.apiKeys.list(query.includeRevoked, parseSort(query.sort), toSkipTake(query));
    return { items: items.map(toApiKeyView), total, page: query.page, pageSize: query.pageSize };
  }

  /** The only time the secret is returned; afterwards only its hash and prefix exist. */
  async create(body: CreateApiKeyBody, creator: Principal) {
    await this.requireRecentSignIn(creator, body.password);
    const createdById = creator.kind === 'user' ? creator.id : creator.createdById;
    const { key, prefix } = newApiKey();
    const stored = await this.apiKeys.create({
      name: body.name,
      role: body.role,
      expiresAt: body.expiresAt,
      permissions: body.permissions ?? [],
      prefix,
      keyHash: sha256(key),
      createdById,
    });
    return { ...toApiKeyView(stored), key };
  }

  /**
   * A key outlives the session that made it, so a stolen access token must not be enough: a user whose
   * sign-in is older than API_KEY_REAUTH_SECONDS sends their password with the request.
   */
  private async requireRecentSignIn(creator: Principal, password: string | undefined): Promise<void> {
    if (creator.kind !== 'user') return;
    if (Date.now() / 1000 - creator.authTime <= API_KEY_REAUTH_SECONDS) return;
    if (!password) {
      const message = 'Your sign-in is older than 5 minutes: send your password to create an API key';
      throw new AppError(ErrorCodes.reauthenticationRequired, message, HttpStatus.FORBIDDEN, fieldProblem('password', 'Type your password again'));
    }
    const user = await this.users.findById(creator.id);
    if (!(await this.passwords.verify(user?.passwordHash, password))) {
      throw new AppError(ErrorCodes.invalidCredentials, 'The password is incorrect', HttpStatus.FORBIDDEN, fieldProblem('password', 'The password is incorrect'));
    }
  }

  async revoke(id: string): Promise<void> {
    const key = await this.apiKeys.findById(id);
    if (!key) throw AppError.notFound('API key');
    if (key.revokedAt) return;
    await this.apiKeys.revoke(id);
    await this.liveFeed.revoke({ kind: 'api-key', id });
  }
}
