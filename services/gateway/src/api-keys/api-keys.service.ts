import { Injectable } from '@nestjs/common';
import type { ApiKey } from '@castline/db';
import { parseSort } from '@castline/contracts';
import { AppError } from '@castline/platform';
import type { Principal } from '../auth/principal';
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
});

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly apiKeys: ApiKeysRepository,
    private readonly liveFeed: LiveFeed,
  ) {}

  async list(query: ListApiKeysQuery) {
    const { items, total } = await this.apiKeys.list(query.includeRevoked, parseSort(query.sort), toSkipTake(query));
    return { items: items.map(toApiKeyView), total, page: query.page, pageSize: query.pageSize };
  }

  /** The only time the secret is returned; afterwards only its hash and prefix exist. */
  async create(body: CreateApiKeyBody, creator: Principal) {
    const createdById = creator.kind === 'user' ? creator.id : creator.createdById;
    const { key, prefix } = newApiKey();
    const stored = await this.apiKeys.create({
      name: body.name,
      role: body.role,
      expiresAt: body.expiresAt,
      prefix,
      keyHash: sha256(key),
      createdById,
    });
    return { ...toApiKeyView(stored), key };
  }

  async revoke(id: string): Promise<void> {
    const key = await this.apiKeys.findById(id);
    if (!key) throw AppError.notFound('API key');
    if (key.revokedAt) return;
    await this.apiKeys.revoke(id);
    await this.liveFeed.revoke({ kind: 'api-key', id });
  }
}
