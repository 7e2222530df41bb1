import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Salts live 48 h: yesterday's is still there at midnight, older ones are gone for good (Plausible's scheme). */
const SALT_TTL_S = 48 * 3600;

/**
 * The day's random salt (created on first use, shared by every replica through Redis) and the visitor id
 * hash(salt, site, IP, User-Agent): the same person is one visitor for a day, and nobody, not even with the
 * database, can link days or recover the IP once the salt is deleted.
 */
export async function visitorIdOf(redis: Redis, input: { day: string; siteId: string; ip: string; userAgent: string }): Promise<string> {
  const key = `traffic:salt:${input.day}`;
  await redis.set(key, randomBytes(32).toString('base64url'), 'EX', SALT_TTL_S, 'NX');
  const salt = await redis.get(key);
  return createHash('sha256').update(`${salt}\n${input.siteId}\n${input.ip}\n${input.userAgent}`).digest('base64url').slice(0, 22);
}

/**
 * The visitor id of a site with the cookie opt-in (seed 001): from the tracker's first-party `_cl_vid` cookie, so
 * the same browser is one visitor across days (the site chose that; no IP is involved).
 */
export function cookieVisitorId(siteId: string, vid: string): string {
  return createHash('sha256').update(`cookie\n${siteId}\n${vid}`).digest('base64url').slice(0, 22);
}
