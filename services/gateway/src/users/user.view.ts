import type { User } from '@castline/db';

/** What the API shows of a user: never the password hash. */
export const toUserView = (user: User) => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
  disabled: user.disabled,
  lastLoginAt: user.lastLoginAt,
  createdAt: user.createdAt,
  updatedAt: user.updatedAt,
});

export type UserView = ReturnType<typeof toUserView>;
