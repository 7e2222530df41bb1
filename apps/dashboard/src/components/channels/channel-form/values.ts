/**
 * The channel form's values and how they become the API's bodies. The form keeps what a person edits (an
 * empty backup row, a slug left blank, "keep the custom output"); `channelInput` turns that into the
 * CreateChannel input the contracts' schema checks, and names the form field each body path belongs to.
 */
import type { CreateChannel, LogoPlacement, UpdateChannel } from '@castline/contracts';
import type { z } from 'zod';
import type { CreateChannelSchema } from '@castline/contracts';
import type { Channel, Playback } from '../../../lib/channels';

/** A channel saved with an inline output profile has no preset: this stands for "leave it as it is". */
export const CUSTOM_OUTPUT = '__custom__';

export interface ChannelFormValues {
  name: string;
  /** Blank: the API makes one from the name. */
  slug: string;
  /** The primary first, then backups; a blank backup row is ignored. */
  sources: Array<{ url: string; label: string }>;
  /** A preset id, CUSTOM_OUTPUT, or '' while the presets load. */
  presetId: string;
  logo: z.input<typeof CreateChannelSchema>['logo'];
  playback: Playback;
  autoRestart: boolean;
}

export function toFormValues(channel: Channel | undefined): ChannelFormValues {
  const sources = [...(channel?.sources ?? [])].sort((a, b) => a.position - b.position).map(({ url, label }) => ({ url: url ?? '', label }));
  return {
    name: channel?.name ?? '',
    slug: channel?.slug ?? '',
    // One blank backup row invites a backup source.
    sources: sources.length === 0 ? [{ url: '', label: '' }, { url: '', label: '' }] : sources.length === 1 ? [...sources, { url: '', label: '' }] : sources,
    presetId: channel ? (channel.presetId ?? CUSTOM_OUTPUT) : '',
    logo: channel?.logo ?? null,
    playback: channel?.playback ?? 'public',
    autoRestart: channel?.autoRestart ?? true,
  };
}

/** The CreateChannel input the form means, and the form field (`sources.2.url`, `logo`, ...) of each body path. */
export function channelInput(values: ChannelFormValues): { input: z.input<typeof CreateChannelSchema>; fieldOf: (path: string) => string | null } {
  const kept = values.sources.map((source, index) => ({ source, index })).filter(({ source, index }) => index === 0 || source.url.trim());
  const input: z.input<typeof CreateChannelSchema> = {
    name: values.name,
    sources: kept.map(({ source }) => ({ url: source.url.trim(), label: source.label })),
    logo: values.logo,
    playback: values.playback,
    autoRestart: values.autoRestart,
  };
  if (values.slug.trim()) input.slug = values.slug.trim();
  if (values.presetId && values.presetId !== CUSTOM_OUTPUT) input.presetId = values.presetId;
  const fieldOf = (path: string): string | null => {
    const [head, index] = path.split('.');
    if (head === 'sources') {
      const row = index !== undefined && /^\d+$/.test(index) ? kept[Number(index)] : undefined;
      return `sources.${row?.index ?? 0}.url`;
    }
    if (head === 'presetId' || head === 'output') return 'presetId';
    if (head === 'logo') return 'logo';
    if (head === 'name' || head === 'slug' || head === 'playback' || head === 'autoRestart') return head;
    return null;
  };
  return { input, fieldOf };
}

/** What an edit changes, as a PATCH body; empty when nothing changed. */
export function channelChanges(channel: Channel, body: CreateChannel, presetId: string): UpdateChannel {
  const changes: UpdateChannel = {};
  if (body.name !== channel.name) changes.name = body.name;
  const before = [...channel.sources].sort((a, b) => a.position - b.position);
  const sameSources = before.length === body.sources.length && before.every((source, index) => source.url === body.sources[index]?.url);
  if (!sameSources) {
    // Keep a label the API already had for the same URL in the same place.
    changes.sources = body.sources.map((source, index) => ({ url: source.url, label: before[index]?.url === source.url ? before[index].label : source.label }));
  }
  if (presetId !== CUSTOM_OUTPUT && body.presetId && body.presetId !== channel.presetId) {
    changes.presetId = body.presetId;
    changes.output = null;
  }
  if (logoKey(channel.logo) !== logoKey(body.logo ?? null)) changes.logo = body.logo ?? null;
  if (body.playback !== channel.playback) changes.playback = body.playback;
  if (body.autoRestart !== channel.autoRestart) changes.autoRestart = body.autoRestart;
  if (body.slug && body.slug !== channel.slug) changes.slug = body.slug;
  return changes;
}

const logoKey = (logo: Pick<LogoPlacement, 'uploadId' | 'anchor'> | null) => (logo ? `${logo.uploadId}/${logo.anchor}` : '');
