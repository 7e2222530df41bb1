import { Injectable, type OnModuleInit } from '@nestjs/common';
import { LiveFeed } from '../live/live-feed';
import { UsersRepository } from '../users/users.repository';

const CACHE_SIZE = 10_000;

/**
 * Every access token carries its user's token version; bumping the version (disable, delete, role change,
 * password change, sign out everywhere) ends all of them at the next request. The versions are cached per
 * replica (one database read per user, not per request) and forgotten on every replica when
 * `gateway.credentials.revoked` announces a user, the message that also ends their live connections.
 */
@Injectable()
export class TokenVersions implements OnModuleInit {
  /** userId -> version, or null for a disabled or deleted user. */
  private readonly cache = new Map<string, number | null>();
  /** Bumped on every forget: a database read that started before it must not refill the cache. */
  private epoch = 0;

  constructor(
    private readonly users: UsersRepository,
    private readonly liveFeed: LiveFeed,
  ) {}

  onModuleInit(): void {
    this.liveFeed.onRevoked((owner) => {
      if (owner.kind === 'user') this.forget(owner.id);
    });
  }

  /** The version a token of this user must carry, or null when no token of theirs is valid. */
  async current(userId: string): Promise<number | null> {
    if (this.cache.has(userId)) return this.cache.get(userId) ?? null;
    const epoch = this.epoch;
    const user = await this.users.tokenStateOf(userId);
    const version = user && !user.disabled ? user.tokenVersion : null;
    if (epoch === this.epoch) {
      if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(userId, version);
    }
    return version;
  }

  /**
   * Ends every access token and live connection of the user, on every replica: the version is bumped in
   * the database, this replica forgets it at once, the others when the revocation message arrives.
   */
  async revoke(userId: string): Promise<void> {
    await this.users.bumpTokenVersion(userId);
    this.forget(userId);
    await this.liveFeed.revoke({ kind: 'user', id: userId });
  }

  private forget(userId: string): void {
    this.epoch += 1;
    this.cache.delete(userId);
  }
}
