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
  from: z.iso.datetime({ offset: true }).transform((value) => new Date(value)).optional(),
  to: z.iso.datetime({ offset: true }).transform((value) => new Date(value)).optional(),
  sort: sortSchema(AUDIT_SORT_FIELDS, '-at'),
});
export type ListAuditQuery = z.infer<typeof ListAuditQuerySchema>;
