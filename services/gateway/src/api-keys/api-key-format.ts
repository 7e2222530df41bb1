import { randomBytes } from 'node:crypto';
import { randomSecret } from '../auth/secrets';

/** API keys look like `cl_<8 hex prefix>_<43 char secret>`; the prefix identifies a key in lists and logs. */
export const API_KEY_PATTERN = /^cl_([0-9a-f]{8})_[A-Za-z0-9_-]{43}$/;

export function newApiKey(): { key: string; prefix: string } {
  const prefix = randomBytes(4).toString('hex');
  return { key: `cl_${prefix}_${randomSecret(32)}`, prefix };
}

export const looksLikeApiKey = (value: string) => value.startsWith('cl_');
