import { z } from 'zod';
import { PageQuery } from '../common/pagination';

export const ListAuditQuerySchema = PageQuery.extend({
  actorId: z.string().max(64).optional(),
  action: z.string().max(100).optional(),
  targetType: z.string().max(50).optional(),
  targetId: z.string().max(64).optional(),
  result: z.enum(['success', 'failure']).optional(),
  from: z.iso.datetime({ offset: true }).transform((value) => new Date(value)).optional(),
  to: z.iso.datetime({ offset: true }).transform((value) => new Date(value)).optional(),
});
export type ListAuditQuery = z.infer<typeof ListAuditQuerySchema>;
