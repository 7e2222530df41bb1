/** Channel names are not unique (slugs are): what the dashboard does so two channels named alike stay apart. */

const key = (name: string) => name.trim().toLocaleLowerCase('en');

/** The channels already named like `name` (trimmed, any case), other than the one being edited. */
export function namedAlike<T extends { id: string; name: string }>(name: string, channels: readonly T[], exceptId?: string): T[] {
  const wanted = key(name);
  if (!wanted) return [];
  return channels.filter((channel) => channel.id !== exceptId && key(channel.name) === wanted);
}

/**
 * How to name each channel to a person (and in accessible names): its name, with the slug added where
 * another listed channel has the same name, so "Start Demo (demo-2)" and "Start Demo (demo)" differ.
 */
export function channelLabels<T extends { id: string; name: string; slug: string }>(channels: readonly T[]): Map<string, string> {
  const count = new Map<string, number>();
  for (const channel of channels) count.set(key(channel.name), (count.get(key(channel.name)) ?? 0) + 1);
  return new Map(channels.map((channel) => [channel.id, (count.get(key(channel.name)) ?? 0) > 1 ? `${channel.name} (${channel.slug})` : channel.name]));
}
