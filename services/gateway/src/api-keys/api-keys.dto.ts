import { z } from 'zod';
import { RoleSchema } from '../users/users.dto';

export const CreateApiKeyBodySchema = z.object({
  name: z.string().trim().min(1).max(100),
  role: RoleSchema,
  expiresAt: z.iso
    .datetime({ offset: true })
    .transform((value) => new Date(value))
    .refine((date) => date.getTime() > Date.now(), 'must be in the future')
    .optional(),
});
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBodySchema>;

export const ListApiKeysQuerySchema = z.object({
  includeRevoked: z.enum(['true', 'false']).transform((value) => value === 'true').default(false),
});
export type ListApiKeysQuery = z.infer<typeof ListApiKeysQuerySchema>;
