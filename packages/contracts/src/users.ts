import { z } from 'zod';
import { PageQuerySchema, sortSchema } from './lists';
import { ROLES } from './permissions';

/** Bodies and queries of the gateway's /users routes (its ZodValidationPipe checks these; the dashboard's forms too). */

export const RoleSchema = z.enum(ROLES);

export const PasswordSchema = z.string().min(12, 'must be at least 12 characters').max(256, 'must be at most 256 characters');

export const CreateUserBodySchema = z.object({
  email: z.email().max(254).transform((email) => email.toLowerCase()),
  name: z.string().trim().max(120).default(''),
  password: PasswordSchema,
  role: RoleSchema,
});
export type CreateUserBody = z.infer<typeof CreateUserBodySchema>;

export const UpdateUserBodySchema = z
  .object({
    name: z.string().trim().max(120).optional(),
    role: RoleSchema.optional(),
    disabled: z.boolean().optional(),
    /** Resetting the password signs the user out everywhere. */
    password: PasswordSchema.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'give at least one field to change');
export type UpdateUserBody = z.infer<typeof UpdateUserBodySchema>;

export const USER_SORT_FIELDS = ['name', 'email', 'role', 'lastLoginAt', 'createdAt'] as const;

export const ListUsersQuerySchema = PageQuerySchema.extend({
  role: RoleSchema.optional(),
  search: z.string().trim().min(1).max(100).optional(),
  disabled: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
  sort: sortSchema(USER_SORT_FIELDS, 'createdAt'),
});
export type ListUsersQuery = z.infer<typeof ListUsersQuerySchema>;
