import { type Principal, principalHas } from '../auth/principal';

interface WithSources {
  sources?: Array<{ url: string | null }>;
}

/**
 * Source URLs (even masked) are for those who manage channels: a caller without channels:write (by its role, or
 * an API key limited to other permissions) gets `url: null` in every source of the channel(s).
 */
export function hideSourcesFrom<T>(principal: Principal, body: T): T {
  if (principalHas(principal, 'channels:write')) return body;
  const strip = (channel: WithSources) => {
    if (Array.isArray(channel.sources)) channel.sources = channel.sources.map((source) => ({ ...source, url: null }));
  };
  const value = body as { items?: WithSources[] } & WithSources;
  if (Array.isArray(value.items)) value.items.forEach(strip);
  else strip(value);
  return body;
}
