import { z } from 'zod';

// The bodies and queries live in @castline/contracts, where the dashboard's forms and tables use them too.
export {
  type CreateUserBody,
  CreateUserBodySchema,
  type ListUsersQuery,
  ListUsersQuerySchema,
  RoleSchema,
  type UpdateUserBody,
  UpdateUserBodySchema,
} from '@castline/contracts';

export const UuidParam = z.uuid({ message: 'must be a UUID' });
