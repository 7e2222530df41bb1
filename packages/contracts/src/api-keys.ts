import { z } from 'zod';
import { PageQuerySchema, sortSchema } from './lists';
import { PERMISSIONS, roleHas } from './permissions';
import { RoleSchema } from './users';

/** Bodies and queries of the gateway's /api-keys routes. */

export const CreateApiKeyBodySchema = z.object({
  name: z.string().trim().min(1).max(100),
  role: RoleSchema,
  expiresAt: z.iso
    .datetime({ offset: true })
    .transform((value) => new Date(value))
    .refine((date) => date.getTime() > Date.now(), 'must be in the future')
    .optional(),
  /** The creator's password, needed when their sign-in is older than API_KEY_REAUTH_SECONDS. */
  password: z.string().min(1).max(1024).optional(),
  /** Limits the key to these permissions of its role (e.g. a shop's key: only conversions:write); absent: all of them. */
  permissions: z.array(z.enum(PERMISSIONS)).min(1).max(PERMISSIONS.length).optional(),
}).refine((body) => (body.permissions ?? []).every((permission) => roleHas(body.role, permission)), {
  path: ['permissions'],
  message: 'a key can only be limited to permissions its role has',
});

/** A user who signed in longer ago than this types the password again to create an API key. */
export const API_KEY_REAUTH_SECONDS = 300;
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBodySchema>;

export const API_KEY_SORT_FIELDS = ['name', 'role', 'createdAt', 'lastUsedAt', 'expiresAt'] as const;

export const ListApiKeysQuerySchema = PageQuerySchema.extend({
  // Keys are few: one page holds all of them unless a client asks for less.
  pageSize: PageQuerySchema.shape.pageSize.unwrap().default(100),
  includeRevoked: z.enum(['true', 'false']).transform((value) => value === 'true').default(false),
  sort: sortSchema(API_KEY_SORT_FIELDS, '-createdAt'),
});
export type ListApiKeysQuery = z.infer<typeof ListApiKeysQuerySchema>;
