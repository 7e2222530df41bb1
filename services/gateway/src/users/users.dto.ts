import { z } from 'zod';
import { PageQuery } from '../common/pagination';

export const RoleSchema = z.enum(['admin', 'operator', 'viewer']);
const Password = z.string().min(12, 'must be at least 12 characters').max(256);

export const CreateUserBodySchema = z.object({
  email: z.email().max(254).transform((email) => email.toLowerCase()),
  name: z.string().trim().max(120).default(''),
  password: Password,
  role: RoleSchema,
});
export type CreateUserBody = z.infer<typeof CreateUserBodySchema>;

export const UpdateUserBodySchema = z
  .object({
    name: z.string().trim().max(120).optional(),
    role: RoleSchema.optional(),
    disabled: z.boolean().optional(),
    /** Resetting the password signs the user out everywhere. */
    password: Password.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'give at least one field to change');
export type UpdateUserBody = z.infer<typeof UpdateUserBodySchema>;

export const ListUsersQuerySchema = PageQuery.extend({
  role: RoleSchema.optional(),
  search: z.string().trim().min(1).max(100).optional(),
  disabled: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
});
export type ListUsersQuery = z.infer<typeof ListUsersQuerySchema>;

export const UuidParam = z.uuid({ message: 'must be a UUID' });
