import { z } from 'zod';

/** `monitoring.activity.recent`: the latest audit entries for dashboards' "recent activity" card. */
export const RecentActivityRequestSchema = z.object({
  limit: z.number().int().min(1).max(100).default(20),
});
export type RecentActivityRequest = z.infer<typeof RecentActivityRequestSchema>;

export const ActivityEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actorLabel: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  result: z.string(),
  statusCode: z.number().int(),
});
export type ActivityEntry = z.infer<typeof ActivityEntrySchema>;

export const RecentActivityReplySchema = z.object({ items: z.array(ActivityEntrySchema) });
export type RecentActivityReply = z.infer<typeof RecentActivityReplySchema>;
