import { createHash, randomBytes } from 'node:crypto';

/** Opaque secrets (refresh tokens, API keys) are random and stored only as their SHA-256. */
export const randomSecret = (bytes = 32) => randomBytes(bytes).toString('base64url');

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
