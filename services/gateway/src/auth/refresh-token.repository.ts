import { Injectable } from '@nestjs/common';
import type { RefreshToken, User } from '@castline/db';
import { PrismaService } from '@castline/platform';

export interface NewRefreshToken {
  userId: string;
  familyId: string;
  tokenHash: string;
  expiresAt: Date;
  ip?: string;
  userAgent?: string;
}

@Injectable()
export class RefreshTokenRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(token: NewRefreshToken): Promise<RefreshToken> {
    return this.prisma.refreshToken.create({ data: token });
  }

  findByHash(tokenHash: string): Promise<(RefreshToken & { user: User }) | null> {
    return this.prisma.refreshToken.findUnique({ where: { tokenHash }, include: { user: true } });
  }

  /**
   * Marks a token used and stores its successor in one transaction. Returns false when another request
   * rotated it first (the conditional update matched nothing), which callers treat as reuse.
   */
  async rotate(currentId: string, next: NewRefreshToken): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const claimed = await tx.refreshToken.updateMany({
        where: { id: currentId, rotatedAt: null, revokedAt: null },
        data: { rotatedAt: new Date() },
      });
      if (claimed.count !== 1) return false;
      await tx.refreshToken.create({ data: next });
      return true;
    });
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.prisma.refreshToken.updateMany({
      where: { familyId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
  }

  /** When the family's first token was issued: the sign-in (password typed) the family continues. */
  async familyStartedAt(familyId: string): Promise<Date | undefined> {
    const first = await this.prisma.refreshToken.findFirst({ where: { familyId }, orderBy: { createdAt: 'asc' }, select: { createdAt: true } });
    return first?.createdAt;
  }

  async revokeAllForUser(userId: string): Promise<void> {
    await this.prisma.refreshToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
  }
}
