import { z } from 'zod';
import { ChannelStatusSchema, OutputProfileSchema, ScheduleSchema } from './channels';
import { DependencyHealthSchema, HealthStatusSchema } from './health';
import { RoleSchema } from './users';

/**
 * What the API answers, as it travels (JSON: dates are ISO strings). Services return these shapes, the gateway
 * documents them as OpenAPI response bodies, and the dashboard's types are `z.infer` of them.
 */

const IsoDate = z.string();

/** One page of a list: `{ items, total, page, pageSize }`. */
export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

export const ChannelSourceViewSchema = z.object({
  position: z.number().int(),
  /** Secrets (user info, stream key, tokens) come masked as ***; null for viewers, who never see sources. */
  url: z.string().nullable(),
  label: z.string(),
});
export type ChannelSourceView = z.infer<typeof ChannelSourceViewSchema>;

export const ChannelLogoViewSchema = z.object({
  uploadId: z.string(),
  anchor: z.enum(['top_left', 'top_right', 'bottom_left', 'bottom_right']),
  x: z.number(),
  y: z.number(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  opacity: z.number(),
});
export type ChannelLogoView = z.infer<typeof ChannelLogoViewSchema>;

export type ChannelStatus = z.infer<typeof ChannelStatusSchema>;
export const ChannelPlaybackSchema = z.enum(['public', 'signed']);
export type ChannelPlayback = z.infer<typeof ChannelPlaybackSchema>;
export type ChannelScheduleView = z.output<typeof ScheduleSchema>;

export const ChannelViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  status: ChannelStatusSchema,
  /** Plain words for the status ("No data from udp port 5999 for 10 s; trying again in 19 s"), and since when. */
  statusDetail: z.string().nullable(),
  statusSince: IsoDate.nullable(),
  desiredState: z.enum(['running', 'stopped']),
  sources: z.array(ChannelSourceViewSchema),
  presetId: z.string().nullable(),
  output: OutputProfileSchema.nullable(),
  logo: ChannelLogoViewSchema.nullable(),
  hls: z.object({ segmentSeconds: z.number().int(), listSize: z.number().int() }),
  playback: ChannelPlaybackSchema,
  /** Part of every signed playback URL: bumped when the slug changes or the channel's links are revoked. */
  signingVersion: z.number().int(),
  /** Where nginx serves a public channel (e.g. /live/<slug>/index.m3u8); null for signed ones (GET /channels/:id/playback). */
  playbackPath: z.string().nullable(),
  autoRestart: z.boolean(),
  schedule: ScheduleSchema.nullable(),
  lastError: z.string().nullable(),
  startedAt: IsoDate.nullable(),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});
export type ChannelView = z.infer<typeof ChannelViewSchema>;
export const ChannelPageSchema = pageSchema(ChannelViewSchema);
export type ChannelPage = z.infer<typeof ChannelPageSchema>;

export const BulkChannelResultSchema = z.object({
  id: z.string(),
  ok: z.boolean(),
  status: ChannelStatusSchema.optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type BulkChannelResult = z.infer<typeof BulkChannelResultSchema>;
export const BulkChannelReplySchema = z.object({ results: z.array(BulkChannelResultSchema) });

export const ChannelPlaybackViewSchema = z.object({
  /** Root-relative: nginx serves it on the same origin as the API. */
  url: z.string(),
  expiresAt: IsoDate.nullable(),
  signed: z.boolean(),
});
export type ChannelPlaybackView = z.infer<typeof ChannelPlaybackViewSchema>;

export const ChannelScheduleReplySchema = z.object({
  schedule: ScheduleSchema.nullable(),
  nextStartAt: IsoDate.nullable(),
  nextStopAt: IsoDate.nullable(),
});
export type ChannelScheduleReply = z.infer<typeof ChannelScheduleReplySchema>;

export const PresetViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  builtIn: z.boolean(),
  /** The preset a new channel starts with. */
  isDefault: z.boolean(),
  profile: OutputProfileSchema,
  createdAt: IsoDate,
  updatedAt: IsoDate,
});
export type PresetView = z.infer<typeof PresetViewSchema>;
export const PresetListSchema = z.object({ items: z.array(PresetViewSchema) });

export const UploadViewSchema = z.object({
  id: z.string(),
  kind: z.string(),
  originalName: z.string(),
  mimeType: z.string(),
  sizeBytes: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  sha256: z.string(),
  createdAt: IsoDate,
});
export type UploadView = z.infer<typeof UploadViewSchema>;

export const UserViewSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  disabled: z.boolean(),
  lastLoginAt: IsoDate.nullable(),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});
export type UserView = z.infer<typeof UserViewSchema>;
export const UserPageSchema = pageSchema(UserViewSchema);

/** POST /auth/login and /auth/refresh (with `session: 'body'` also the refresh token). */
export const SessionSchema = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
  user: UserViewSchema,
  refreshToken: z.string().optional(),
  refreshExpiresAt: IsoDate.optional(),
});
export type Session = z.infer<typeof SessionSchema>;

export const ApiKeyViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  role: RoleSchema,
  createdById: z.string(),
  createdAt: IsoDate,
  lastUsedAt: IsoDate.nullable(),
  expiresAt: IsoDate.nullable(),
  revokedAt: IsoDate.nullable(),
  /** Empty: every permission of the role. */
  permissions: z.array(z.string()),
});
export type ApiKeyView = z.infer<typeof ApiKeyViewSchema>;
export const ApiKeyPageSchema = pageSchema(ApiKeyViewSchema);
/** POST /api-keys: the only response that carries the secret. */
export const CreatedApiKeySchema = ApiKeyViewSchema.extend({ key: z.string() });
export type CreatedApiKey = z.infer<typeof CreatedApiKeySchema>;

export const AuditEntrySchema = z.object({
  id: z.string(),
  at: IsoDate,
  actorType: z.string(),
  actorId: z.string().nullable(),
  actorLabel: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  statusCode: z.number().int(),
  result: z.string(),
  requestId: z.string().nullable(),
  details: z.unknown(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export const AuditPageSchema = pageSchema(AuditEntrySchema);

/** One service in GET /health: its own report when it answered, `error` when it did not. */
export const ServiceStatusSchema = z.object({
  name: z.string(),
  status: HealthStatusSchema,
  latencyMs: z.number(),
  pid: z.number().int().optional(),
  uptimeSeconds: z.number().optional(),
  version: z.string().optional(),
  checks: z.array(DependencyHealthSchema).optional(),
  error: z.string().optional(),
});
export type ServiceStatus = z.infer<typeof ServiceStatusSchema>;

export const PlatformHealthSchema = z.object({
  status: HealthStatusSchema,
  checkedAt: IsoDate,
  dependencies: z.array(DependencyHealthSchema),
  services: z.array(ServiceStatusSchema),
});
export type PlatformHealth = z.infer<typeof PlatformHealthSchema>;
