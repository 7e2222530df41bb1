import { z } from 'zod';
import { PageQuerySchema, sortSchema } from './lists';

/** The query of the gateway's GET /audit. */

export const AUDIT_SORT_FIELDS = ['at'] as const;

export const ListAuditQuerySchema = PageQuerySchema.extend({
  actorId: z.string().max(64).optional(),
  action: z.string().max(100).optional(),
  targetType: z.string().max(50).optional(),
  targetId: z.string().max(64).optional(),
  result: z.enum(['success', 'failure']).optional(),
  /** Token refreshes (`auth.refresh`, several an hour per open dashboard) are left out unless this is true. */
  includeRefreshes: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  from: z.iso.datetime({ offset: true }).transform((value) => new Date(value)).optional(),
  to: z.iso.datetime({ offset: true }).transform((value) => new Date(value)).optional(),
  sort: sortSchema(AUDIT_SORT_FIELDS, '-at'),
});
export type ListAuditQuery = z.infer<typeof ListAuditQuerySchema>;

/** Audit actions the default views leave out (the filter `includeRefreshes=true` shows them). */
export const ROUTINE_AUDIT_ACTIONS = ['auth.refresh'] as const;
