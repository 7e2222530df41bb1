import { createHash } from 'node:crypto';

/**
 * nginx's secure_link token for one binding until `expires` (epoch seconds): base64url(md5("<expires>/<binding> <secret>")),
 * exactly what `secure_link_md5 "$secure_link_expires/<binding variable> <secret>"` computes. Live channels bind
 * "<channel id>.<signing version>", VOD binds the video id. The token covers a directory, not one file, because
 * segments and renditions are fetched relative to the playlist.
 */
export function playbackToken(secret: string, binding: string, expires: number): string {
  return createHash('md5').update(`${expires}/${binding} ${secret}`).digest('base64url');
}

/** What a playback secret must look like: it is pasted into nginx's config inside double quotes. */
export const PLAYBACK_SECRET_PATTERN = /^[A-Za-z0-9_.~+/=-]+$/;
