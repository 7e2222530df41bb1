/**
 * Shapes and helpers of the Settings pages (users, API keys, encoding presets, audit log).
 * The shapes are the API's view schemas in @castline/contracts (views.ts), as `z.infer` types.
 */
import type { ApiKeyView, AuditEntry, CreatedApiKey, OutputProfile, PresetBody, PresetView, Rendition, UserView } from '@castline/contracts';
import type { Role } from '@castline/contracts/permissions';

export const ROLE_OPTIONS: ReadonlyArray<{ value: Role; label: string; description: string }> = [
  { value: 'admin', label: 'Admin', description: 'Everything, including users, API keys and presets' },
  { value: 'operator', label: 'Operator', description: 'Runs and edits channels, sees monitoring' },
  { value: 'viewer', label: 'Viewer', description: 'Read-only' },
];

export const roleLabel = (role: Role) => ROLE_OPTIONS.find((option) => option.value === role)?.label ?? role;

export type { Page } from '@castline/contracts';

export type { ApiKeyView, CreatedApiKey, UserView };

export type ApiKeyStatus = 'active' | 'revoked' | 'expired';

export function apiKeyStatus(key: Pick<ApiKeyView, 'revokedAt' | 'expiresAt'>, now = Date.now()): ApiKeyStatus {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && new Date(key.expiresAt).getTime() <= now) return 'expired';
  return 'active';
}

export type { OutputProfile, PresetBody, PresetView, Rendition };

export type { AuditEntry };

/** The actions the gateway names with @Audit(...); other mutating requests are logged as "METHOD /route". */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.logout',
  'auth.refresh',
  'users.create',
  'users.update',
  'users.delete',
  'api-keys.create',
  'api-keys.revoke',
  'channels.create',
  'channels.update',
  'channels.delete',
  'channels.start',
  'channels.stop',
  'channels.restart',
  'channels.bulk',
  'presets.create',
  'presets.update',
  'presets.delete',
  'uploads.logo',
  'uploads.delete',
  'backups.create',
  'backups.delete',
  'backups.verify',
  'backups.restore',
  'backups.undo',
  'backups.settings',
] as const;

export const settingsKeys = {
  users: (params?: Record<string, unknown>): readonly unknown[] => (params ? ['settings', 'users', params] : ['settings', 'users']),
  apiKeys: (params?: Record<string, unknown>): readonly unknown[] => (params ? ['settings', 'api-keys', params] : ['settings', 'api-keys']),
  presets: () => ['settings', 'presets'] as const,
  audit: (params?: Record<string, unknown>): readonly unknown[] => (params ? ['settings', 'audit', params] : ['settings', 'audit']),
};

/** Builds "?a=1&b=2" from the defined, non-empty values. */
export function queryString(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const SYMBOLS = '-_.!@#%+=';

function randomIndex(max: number): number {
  // Rejection sampling keeps every character equally likely.
  const limit = Math.floor(0x1_0000_0000 / max) * max;
  const buffer = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(buffer);
    const value = buffer[0] ?? 0;
    if (value < limit) return value % max;
  }
}

/** A strong random password (default 20 characters, ~120 bits) with every character class, no look-alikes. */
export function generatePassword(length = 20): string {
  const all = LOWER + UPPER + DIGITS + SYMBOLS;
  const chars = [LOWER, UPPER, DIGITS, SYMBOLS].map((set) => set[randomIndex(set.length)]);
  while (chars.length < length) chars.push(all[randomIndex(all.length)]);
  for (let i = chars.length - 1; i > 0; i -= 1) {
    const j = randomIndex(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

export function resolutionLabel(profile: Pick<OutputProfile, 'width' | 'height'>): string {
  return profile.width && profile.height ? `${profile.width}×${profile.height}` : 'Source';
}

export function rateControlLabel(profile: OutputProfile): string {
  if (profile.renditions?.length) return 'Per rendition';
  if (profile.crf !== null) return `CRF ${profile.crf}`;
  if (profile.bitrateKbps !== null) return `${profile.bitrateKbps} kb/s`;
  return '—';
}

export function ladderSummary(renditions: Rendition[] | null): string | null {
  if (!renditions?.length) return null;
  return renditions.map((rendition) => `${rendition.name} ${rendition.bitrateKbps} kb/s`).join(' · ');
}
