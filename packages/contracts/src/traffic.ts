import { z } from 'zod';

/**
 * Live-channel audience, counted by the traffic-logger from nginx's access log. Every TRAFFIC_VIEWERS_INTERVAL
 * (5 s) the tailer of each access log publishes one `TrafficViewers` on `traffic.viewers`; monitoring keeps the
 * latest per source and fills `MonitoringStreams.viewers` from it.
 *
 * A viewer is a distinct hash(IP + User-Agent) that fetched a media segment (.ts/.m4s, 200 or 206) of the channel
 * in the last `windowSeconds`. Public channels are named by slug (/live/<slug>/...), signed ones by channel id
 * (/live/_signed/<token>/<expires>/<id>.<version>/...): nginx's paths carry nothing else.
 */
export const TrafficChannelViewersSchema = z
  .object({
    slug: z.string().min(1).nullable(),
    channelId: z.uuid().nullable(),
    viewers: z.number().int().nonnegative(),
    /** Σ $bytes_sent of the channel's responses in the window / windowSeconds, times 8. */
    egressBitsPerSecond: z.number().nonnegative(),
  })
  .refine((entry) => (entry.slug === null) !== (entry.channelId === null), 'exactly one of slug and channelId');
export type TrafficChannelViewers = z.infer<typeof TrafficChannelViewersSchema>;

export const TrafficViewersSchema = z.object({
  /** Which access log (host:path) was counted: monitoring sums the sources of a multi-nginx setup. */
  source: z.string().min(1),
  windowSeconds: z.number().int().positive(),
  sampledAt: z.iso.datetime(),
  /** Channels with at least one viewer or byte in the window. */
  channels: z.array(TrafficChannelViewersSchema),
});
export type TrafficViewers = z.infer<typeof TrafficViewersSchema>;
