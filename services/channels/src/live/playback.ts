import { createHash } from 'node:crypto';
import path from 'node:path';

/**
 * Where signed channels write, under HLS_ROOT. `_` cannot appear in a slug, so no public channel can own this
 * directory, and nginx serves nothing below /live/_signed/ without a valid token (nginx/snippets/routes.conf).
 */
export const SIGNED_HLS_DIR = '_signed';

/** What a secret must look like: it is pasted into nginx's config inside double quotes. */
export const PLAYBACK_SECRET_PATTERN = /^[A-Za-z0-9_.~+/=-]+$/;

type PlaybackChannel = { slug: string; playback: 'public' | 'signed' };

/** The channel's HLS directory: HLS_ROOT/<slug>/ for public channels, HLS_ROOT/_signed/<slug>/ for signed ones. */
export function hlsOutputDir(hlsRoot: string, channel: PlaybackChannel): string {
  const root = path.resolve(hlsRoot);
  return channel.playback === 'signed' ? path.join(root, SIGNED_HLS_DIR, channel.slug) : path.join(root, channel.slug);
}

/**
 * nginx's secure_link token for one channel until `expires` (epoch seconds): base64url(md5("<expires>/<slug> <secret>")),
 * exactly what `secure_link_md5 "$secure_link_expires/$playback_slug <secret>"` computes. The token covers the
 * channel directory, not one file, because segments are fetched relative to the playlist.
 */
export function playbackToken(secret: string, slug: string, expires: number): string {
  return createHash('md5').update(`${expires}/${slug} ${secret}`).digest('base64url');
}

export const publicPlaybackPath = (slug: string) => `/live/${slug}/index.m3u8`;

/** The token sits in the path, so every relative URL in the playlists (segments, renditions) inherits it. */
export function signedPlaybackPath(secret: string, slug: string, expires: number): string {
  return `/live/${SIGNED_HLS_DIR}/${playbackToken(secret, slug, expires)}/${expires}/${slug}/index.m3u8`;
}
