import { z } from 'zod';

/** Alert receivers (monitoring): where notifications go. Secrets (URLs, signing secrets) are write-only. */
export const RECEIVER_KINDS = ['webhook', 'slack'] as const;

const url = z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' });

export const CreateReceiverSchema = z.discriminatedUnion('kind', [
  z.object({
    name: z.string().trim().min(1).max(120),
    enabled: z.boolean().default(true),
    kind: z.literal('webhook'),
    /** Custom JSON (schema version 1), signed with HMAC-SHA256 when `secret` is set. */
    config: z.object({ url, secret: z.string().min(16).max(200).optional() }),
  }),
  z.object({
    name: z.string().trim().min(1).max(120),
    enabled: z.boolean().default(true),
    kind: z.literal('slack'),
    config: z.object({ url }),
  }),
]);
export type CreateReceiver = z.infer<typeof CreateReceiverSchema>;

/** A receiver as shown: the target's host only, never its URL, token or secret. */
export const ReceiverViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(RECEIVER_KINDS),
  enabled: z.boolean(),
  targetHost: z.string(),
  signed: z.boolean(),
  createdAt: z.string(),
});
export type ReceiverView = z.infer<typeof ReceiverViewSchema>;
export const ReceiverListSchema = z.object({ items: z.array(ReceiverViewSchema) });

export const ReceiverDeliveriesRequestSchema = z.object({ id: z.uuid(), limit: z.coerce.number().int().min(1).max(200).default(50) });
export const DeliveryAttemptViewSchema = z.object({
  at: z.string(),
  outcome: z.enum(['delivered', 'retrying', 'failed']),
  statusCode: z.number().int().nullable(),
  reply: z.string().nullable(),
  latencyMs: z.number().int().nullable(),
  error: z.string().nullable(),
});
export const DeliveryViewSchema = z.object({
  idempotencyKey: z.string(),
  alertId: z.string(),
  message: z.string(),
  transition: z.enum(['firing', 'resolved']),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  failedAt: z.string().nullable(),
  attempts: z.array(DeliveryAttemptViewSchema),
});
export const ReceiverDeliveriesSchema = z.object({ items: z.array(DeliveryViewSchema) });
