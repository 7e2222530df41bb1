import { z } from 'zod';

/** Payloads of the channels service's request/reply subjects (`channels.*`). */

export const SlugSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'lowercase letters, digits and inner dashes, 1-64 characters');

const Kbps = z.number().int().min(64).max(100_000);

export const RenditionSchema = z.object({
  name: z.string().regex(/^[a-z0-9_-]{1,16}$/, 'letters, digits, _ or -, up to 16'),
  width: z.number().int().min(128).max(3840).multipleOf(2),
  height: z.number().int().min(96).max(2160).multipleOf(2),
  bitrateKbps: Kbps,
  maxrateKbps: Kbps,
  bufsizeKbps: Kbps,
});
export type Rendition = z.infer<typeof RenditionSchema>;

/** x264 + audio settings, as a preset or inlined in a channel. CRF or a bitrate, not both. */
export const OutputProfileSchema = z
  .object({
    x264Preset: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium']).default('veryfast'),
    tune: z.enum(['zerolatency', 'film', 'animation', 'grain', 'stillimage']).nullable().default('zerolatency'),
    profile: z.enum(['baseline', 'main', 'high']).default('high'),
    level: z.enum(['3.1', '4.0', '4.1', '4.2', '5.0', '5.1']).default('4.1'),
    width: z.number().int().min(128).max(3840).multipleOf(2).nullable().default(null),
    height: z.number().int().min(96).max(2160).multipleOf(2).nullable().default(null),
    fps: z.number().int().min(1).max(60).default(25),
    crf: z.number().int().min(0).max(51).nullable().default(23),
    bitrateKbps: Kbps.nullable().default(null),
    maxrateKbps: Kbps.nullable().default(null),
    bufsizeKbps: Kbps.nullable().default(null),
    gopSeconds: z.number().int().min(1).max(10).default(2),
    bFrames: z.number().int().min(0).max(4).default(0),
    renditions: z.array(RenditionSchema).min(2).max(5).nullable().default(null),
    audioBitrateKbps: z.number().int().min(32).max(512).default(128),
    audioSampleRate: z.union([z.literal(44100), z.literal(48000)]).default(48000),
    audioChannels: z.union([z.literal(1), z.literal(2)]).default(2),
  })
  .refine((profile) => profile.renditions !== null || profile.crf !== null || profile.bitrateKbps !== null, {
    message: 'give crf or bitrateKbps',
    path: ['crf'],
  })
  .refine((profile) => profile.crf === null || profile.bitrateKbps === null, {
    message: 'crf and bitrateKbps are exclusive',
    path: ['bitrateKbps'],
  })
  .refine((profile) => (profile.width === null) === (profile.height === null), {
    message: 'width and height go together',
    path: ['width'],
  });
export type OutputProfile = z.infer<typeof OutputProfileSchema>;

export const PresetBodySchema = z.object({
  name: z.string().trim().min(1).max(80),
  description: z.string().trim().max(500).default(''),
  profile: OutputProfileSchema,
});
export type PresetBody = z.infer<typeof PresetBodySchema>;

export const ChannelSourceInputSchema = z.object({
  url: z.string().min(1).max(2048),
  label: z.string().trim().max(80).default(''),
});

export const LogoPlacementSchema = z.object({
  uploadId: z.uuid(),
  anchor: z.enum(['top_left', 'top_right', 'bottom_left', 'bottom_right']).default('top_right'),
  x: z.number().int().min(0).max(3840).default(24),
  y: z.number().int().min(0).max(2160).default(24),
  width: z.number().int().min(8).max(3840).nullable().default(null),
  height: z.number().int().min(8).max(2160).nullable().default(null),
  opacity: z.number().min(0).max(1).default(1),
});
export type LogoPlacement = z.infer<typeof LogoPlacementSchema>;

export const ScheduleSchema = z.object({
  timezone: z.string().min(1).max(64).default('UTC'),
  /** Cron expressions (5 fields): when to start and when to stop the channel. */
  start: z.string().regex(/^(\S+\s){4}\S+$/, 'a 5-field cron expression'),
  stop: z.string().regex(/^(\S+\s){4}\S+$/, 'a 5-field cron expression'),
});

/** A channel's sources: the primary and up to four backups. */
export const MAX_CHANNEL_SOURCES = 5;

const channelFields = {
  name: z.string().trim().min(1).max(100),
  slug: SlugSchema.optional(),
  /** First source is the primary, the others are backups in order. */
  sources: z.array(ChannelSourceInputSchema).min(1).max(MAX_CHANNEL_SOURCES),
  presetId: z.uuid().nullable().optional(),
  output: OutputProfileSchema.nullable().optional(),
  logo: LogoPlacementSchema.nullable().optional(),
  hls: z
    .object({ segmentSeconds: z.number().int().min(1).max(10).default(2), listSize: z.number().int().min(3).max(30).default(6) })
    .optional(),
  playback: z.enum(['public', 'signed']).optional(),
  autoRestart: z.boolean().optional(),
  schedule: ScheduleSchema.nullable().optional(),
};

export const CreateChannelSchema = z.object(channelFields);
export type CreateChannel = z.infer<typeof CreateChannelSchema>;

export const UpdateChannelSchema = z
  .object({ ...channelFields, name: channelFields.name.optional(), sources: channelFields.sources.optional() })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'give at least one field to change');
export type UpdateChannel = z.infer<typeof UpdateChannelSchema>;

/** `waiting`: the source could not be opened several times in a row; probed on a slow backoff, starts by itself. */
export const ChannelStatusSchema = z.enum(['stopped', 'starting', 'running', 'stopping', 'error', 'waiting']);

export const ListChannelsSchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
  status: ChannelStatusSchema.optional(),
  search: z.string().trim().min(1).max(100).optional(),
});
export type ListChannels = z.infer<typeof ListChannelsSchema>;

export const ChannelIdSchema = z.object({ id: z.uuid() });

/** GET /channels/:id/events: newest first; `before` (an event id) pages further back. */
export const ChannelHistoryQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.string().regex(/^[1-9][0-9]{0,18}$/, 'an event id').optional(),
});
export type ChannelHistoryQuery = z.infer<typeof ChannelHistoryQuerySchema>;
export const ChannelHistoryRequestSchema = ChannelHistoryQuerySchema.extend({ id: z.uuid() });
export type ChannelHistoryRequest = z.infer<typeof ChannelHistoryRequestSchema>;

export const ChannelHistoryEntrySchema = z.object({
  /** channel_events.id (a bigint, as a string). */
  id: z.string(),
  at: z.string(),
  /** 'state', 'restart', 'error', 'failover', 'failback', 'stall', ... */
  type: z.string(),
  category: z.string().nullable(),
  message: z.string(),
  details: z.unknown().nullable(),
});
export type ChannelHistoryEntry = z.infer<typeof ChannelHistoryEntrySchema>;
export const ChannelHistorySchema = z.object({ items: z.array(ChannelHistoryEntrySchema) });
export type ChannelHistory = z.infer<typeof ChannelHistorySchema>;

/** Start or stop many channels at once; each id gets its own result. */
export const BulkChannelActionSchema = z.object({
  action: z.enum(['start', 'stop']),
  ids: z.array(z.uuid()).min(1).max(200),
});
export type BulkChannelAction = z.infer<typeof BulkChannelActionSchema>;

/** What the channels service tells the worker running a channel; Postgres' desiredState stays the source of truth. */
export const ChannelControlSchema = z.object({ action: z.enum(['stop', 'restart']) });
export type ChannelControl = z.infer<typeof ChannelControlSchema>;
export const UpdateChannelRequestSchema = z.object({ id: z.uuid(), changes: UpdateChannelSchema });
export const PresetIdSchema = z.object({ id: z.uuid() });
export const UpdatePresetRequestSchema = z.object({ id: z.uuid(), changes: PresetBodySchema });

/** A logo travels base64-encoded inside one NATS message, so it must stay well under NATS's 1 MiB payload. */
export const LOGO_MAX_BYTES = 512 * 1024;

/** The image types a logo may be, with the MIME type each is served as. */
export const LOGO_TYPES = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const;
export type LogoType = keyof typeof LOGO_TYPES;

/**
 * The type an image really is, from its first 12 bytes; a file's name and declared type are not trusted. The
 * channels service decides with it, and the dashboard checks a picked file with it before uploading.
 */
export function sniffImageType(bytes: Uint8Array): LogoType | undefined {
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && PNG.every((byte, index) => bytes[index] === byte)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  return undefined;
}

export const UploadLogoRequestSchema = z.object({
  originalName: z.string().max(255),
  dataBase64: z.base64().max(Math.ceil((LOGO_MAX_BYTES * 4) / 3) + 4),
  createdBy: z.string().max(254).optional(),
});
export type UploadLogoRequest = z.infer<typeof UploadLogoRequestSchema>;

export const UploadIdSchema = z.object({ id: z.uuid() });

/** An upload's bytes over NATS (logos are at most LOGO_MAX_BYTES). */
export const UploadContentSchema = z.object({ mimeType: z.string(), dataBase64: z.string() });
export type UploadContent = z.infer<typeof UploadContentSchema>;
