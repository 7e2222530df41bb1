import type { BaseConfig } from './config';

export interface NatsConnectionOptions {
  servers: string[];
  user?: string;
  pass?: string;
}

/**
 * Servers and credentials for every NATS connection of a process (Nest client and server, raw connections).
 * nats.js ignores credentials inside a URL, so they are taken out of NATS_URL here (comma-separated URLs
 * allowed); NATS_USER and NATS_PASSWORD, when set, win. No credentials anywhere: an unauthenticated connection.
 */
export function natsConnectionOptions(
  config: Pick<BaseConfig, 'NATS_URL'> & Partial<Pick<BaseConfig, 'NATS_USER' | 'NATS_PASSWORD'>>,
): NatsConnectionOptions {
  let user: string | undefined;
  let pass: string | undefined;
  const servers = config.NATS_URL.split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const match = /^([a-z]+:\/\/)([^@/]*)@(.*)$/i.exec(entry);
      if (!match) return entry;
      const [, scheme, credentials, rest] = match;
      const colon = credentials!.indexOf(':');
      user ??= decodeURIComponent(colon < 0 ? credentials! : credentials!.slice(0, colon));
      if (colon >= 0) pass ??= decodeURIComponent(credentials!.slice(colon + 1));
      return `${scheme}${rest}`;
    });
  user = config.NATS_USER ?? user;
  pass = config.NATS_PASSWORD ?? pass;
  return { servers, ...(user !== undefined ? { user } : {}), ...(pass !== undefined ? { pass } : {}) };
}
