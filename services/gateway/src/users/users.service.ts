import { Injectable } from '@nestjs/common';
import { fieldProblem, parseSort } from '@castline/contracts';
import type { User } from '@castline/db';
import { AppError } from '@castline/platform';
import { PasswordService } from '../auth/password.service';
import { RefreshTokenRepository } from '../auth/refresh-token.repository';
import { TokenVersions } from '../auth/token-versions';
import { type Page, toSkipTake } from '../common/pagination';
import type { CreateUserBody, ListUsersQuery, UpdateUserBody } from './users.dto';
import { isNotFound, isUniqueViolation, UsersRepository } from './users.repository';
import { toUserView, type UserView } from './user.view';

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordService,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly tokenVersions: TokenVersions,
  ) {}

  async list(query: ListUsersQuery): Promise<Page<UserView>> {
    const { items, total } = await this.users.list(query, parseSort(query.sort), toSkipTake(query));
    return { items: items.map(toUserView), total, page: query.page, pageSize: query.pageSize };
  }

  async get(id: string): Promise<UserView> {
    return toUserView(await this.require(id));
  }

  async create(body: CreateUserBody): Promise<UserView> {
    const passwordHash = await this.passwords.hash(body.password);
    try {
      const user = await this.users.create({ email: body.email, name: body.name, role: body.role, passwordHash });
      return toUserView(user);
    } catch (error) {
      if (isUniqueViolation(error)) {
        const message = `A user with email ${body.email} already exists`;
        throw AppError.conflict(message, fieldProblem('email', message));
      }
      throw error;
    }
  }

  async update(id: string, body: UpdateUserBody): Promise<UserView> {
    const user = await this.require(id);
    const losesAdmin = user.role === 'admin' && !user.disabled && ((body.role && body.role !== 'admin') || body.disabled === true);
    if (losesAdmin) await this.keepOneAdmin();
    const passwordHash = body.password ? await this.passwords.hash(body.password) : undefined;
    const updated = await this.users.update(id, { name: body.name, role: body.role, disabled: body.disabled, passwordHash });
    const roleChanged = body.role !== undefined && body.role !== user.role;
    // Re-enabling goes through it too: every replica must forget the cached "disabled" (for the API keys).
    const disabledChanged = body.disabled !== undefined && body.disabled !== user.disabled;
    if (body.password || disabledChanged || roleChanged) await this.endSessions(id);
    return toUserView(updated);
  }

  async delete(id: string): Promise<void> {
    const user = await this.require(id);
    if (user.role === 'admin' && !user.disabled) await this.keepOneAdmin();
    try {
      await this.users.delete(id);
    } catch (error) {
      if (isNotFound(error)) throw AppError.notFound('User');
      if (isForeignKeyViolation(error)) {
        throw AppError.conflict('This user created API keys that are still on record; disable the user instead');
      }
      throw error;
    }
    await this.tokenVersions.revoke(id);
  }

  /** Signs the user out everywhere: no refresh token renews, access tokens and live connections end now. */
  private async endSessions(id: string): Promise<void> {
    await this.refreshTokens.revokeAllForUser(id);
    await this.tokenVersions.revoke(id);
  }

  private async require(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw AppError.notFound('User');
    return user;
  }

  private async keepOneAdmin(): Promise<void> {
    if ((await this.users.countActiveAdmins()) <= 1) {
      throw AppError.conflict('This is the last active admin; make another admin first');
    }
  }
}

const isForeignKeyViolation = (error: unknown) => (error as { code?: string }).code === 'P2003';
