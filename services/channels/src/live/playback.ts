import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { playbackToken } from '@castline/platform';

/**
 * Where signed channels write, under HLS_ROOT. `_` cannot appear in a slug, so no public channel can own this
 * directory, and nginx serves nothing below /live/_signed/ without a valid token (nginx/snippets/routes.conf).
 */
export const SIGNED_HLS_DIR = '_signed';

type PlaybackChannel = { id: string; slug: string; playback: 'public' | 'signed'; signingVersion: number };

/**
 * What a signed URL is bound to: the channel (by id, so a later channel with the same slug gets none of its
 * links) and its signing version (bumped on a slug change or "revoke links", which ends every earlier link).
 */
export const signingBinding = (channel: Pick<PlaybackChannel, 'id' | 'signingVersion'>) => `${channel.id}.${channel.signingVersion}`;

/** The channel's HLS directory: HLS_ROOT/<slug>/ for public channels, HLS_ROOT/_signed/<id>.<version>/ for signed ones. */
export function hlsOutputDir(hlsRoot: string, channel: PlaybackChannel): string {
  const root = path.resolve(hlsRoot);
  return channel.playback === 'signed' ? path.join(root, SIGNED_HLS_DIR, signingBinding(channel)) : path.join(root, channel.slug);
}

export const publicPlaybackPath = (slug: string) => `/live/${slug}/index.m3u8`;

/** The token sits in the path, so every relative URL in the playlists (segments, renditions) inherits it. */
export function signedPlaybackPath(secret: string, channel: Pick<PlaybackChannel, 'id' | 'signingVersion'>, expires: number): string {
  const binding = signingBinding(channel);
  return `/live/${SIGNED_HLS_DIR}/${playbackToken(secret, binding, expires)}/${expires}/${binding}/index.m3u8`;
}

/**
 * Deletes the channel's signed output directories of earlier signing versions, so links signed for them
 * find nothing (called on revoke, slug change and before every run).
 */
export async function removeRevokedSignedDirs(hlsRoot: string, channel: Pick<PlaybackChannel, 'id' | 'signingVersion'>): Promise<void> {
  const signedRoot = path.join(path.resolve(hlsRoot), SIGNED_HLS_DIR);
  const current = signingBinding(channel);
  const entries = await readdir(signedRoot).catch(() => [] as string[]);
  await Promise.all(
    entries
      .filter((entry) => entry.startsWith(`${channel.id}.`) && entry !== current)
      .map((entry) => rm(path.join(signedRoot, entry), { recursive: true, force: true })),
  );
}
