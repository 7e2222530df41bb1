import { Injectable } from '@nestjs/common';
import { Prisma, type Role, type User } from '@castline/db';
import type { Sort, USER_SORT_FIELDS } from '@castline/contracts';
import { PrismaService } from '@castline/platform';
import { toOrderBy } from '../common/pagination';

export interface UserFilter {
  role?: Role;
  search?: string;
  disabled?: boolean;
}

export type UserSort = Sort<(typeof USER_SORT_FIELDS)[number]>;

@Injectable()
export class UsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  findById(id: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { id } });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { email } });
  }

  async list(filter: UserFilter, sort: UserSort, page: { skip: number; take: number }): Promise<{ items: User[]; total: number }> {
    const where: Prisma.UserWhereInput = {
      role: filter.role,
      disabled: filter.disabled,
      OR: filter.search
        ? [
            { email: { contains: filter.search, mode: 'insensitive' } },
            { name: { contains: filter.search, mode: 'insensitive' } },
          ]
        : undefined,
    };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.user.findMany({ where, orderBy: toOrderBy(sort, ['lastLoginAt']) as Prisma.UserOrderByWithRelationInput[], ...page }),
      this.prisma.user.count({ where }),
    ]);
    return { items, total };
  }

  create(data: Prisma.UserCreateInput): Promise<User> {
    return this.prisma.user.create({ data });
  }

  update(id: string, data: Prisma.UserUpdateInput): Promise<User> {
    return this.prisma.user.update({ where: { id }, data });
  }

  delete(id: string): Promise<User> {
    return this.prisma.user.delete({ where: { id } });
  }

  countActiveAdmins(): Promise<number> {
    return this.prisma.user.count({ where: { role: 'admin', disabled: false } });
  }

  count(): Promise<number> {
    return this.prisma.user.count();
  }

  /** Creates the first admin unless any user exists; the advisory lock keeps two gateways from racing. */
  async createFirstAdmin(data: Prisma.UserCreateInput): Promise<User | null> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('castline:first-admin'))`;
      if ((await tx.user.count()) > 0) return null;
      return tx.user.create({ data });
    });
  }

  tokenStateOf(id: string): Promise<Pick<User, 'tokenVersion' | 'disabled'> | null> {
    return this.prisma.user.findUnique({ where: { id }, select: { tokenVersion: true, disabled: true } });
  }

  /** A no-op for a deleted user (whose tokens fail anyway). */
  async bumpTokenVersion(id: string): Promise<void> {
    await this.prisma.user.updateMany({ where: { id }, data: { tokenVersion: { increment: 1 } } });
  }

  recordLogin(id: string): Promise<User> {
    return this.prisma.user.update({ where: { id }, data: { lastLoginAt: new Date() } });
  }
}

export const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

export const isNotFound = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025';
