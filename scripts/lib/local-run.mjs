// Helpers of scripts/start.mjs (the native run). Dependency-free: they run before `npm install` may have.
import { randomBytes } from 'node:crypto';
import { accessSync, appendFileSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseEnv } from 'node:util';

/** Absolute path of the nginx binary, or undefined. Debian keeps it in /usr/sbin, off a normal user's PATH. */
export function findNginx() {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin'];
  return dirs.map((dir) => path.join(dir, 'nginx')).find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const SECRET_GENERATORS = {
  JWT_SECRET: () => randomBytes(48).toString('base64url'),
  // nginx checks signed playback URLs with it, so unlike JWT_SECRET it must be the same for every process.
  PLAYBACK_SIGNING_SECRET: () => randomBytes(48).toString('base64url'),
  // Seals channel source secrets (stream keys, passwords) in the database: losing it loses those secrets.
  SOURCE_SECRET_KEY: () => randomBytes(48).toString('base64url'),
  // Seals stored third-party credentials (alert receivers, ad accounts) with SecretBox; keep it with backups.
  SECRETS_ENCRYPTION_KEY: () => randomBytes(48).toString('base64url'),
  // HMAC key of X-Castline-Principal: the gateway signs tus upload authorisations, media checks them.
  MEDIA_UPLOAD_SECRET: () => randomBytes(48).toString('base64url'),
  // Encrypts backups and signs their manifests: losing it loses every backup. Keep a copy off this machine.
  BACKUP_ENCRYPTION_KEY: () => randomBytes(48).toString('base64url'),
  // HMAC key of X-Castline-Principal for backup downloads and imports: the gateway signs, backup checks.
  BACKUP_TRANSFER_SECRET: () => randomBytes(48).toString('base64url'),
  // Keys ip_hash = HMAC(key, client IP) and viewer ids in traffic storage: a new key breaks exact-IP search of older rows.
  TRAFFIC_IP_SECRET: () => randomBytes(48).toString('base64url'),
  ADMIN_EMAIL: () => 'admin@castline.local',
  ADMIN_PASSWORD: () => randomBytes(15).toString('base64url'), // 20 characters
};

/**
 * Loads the local secrets into process.env; the environment always wins. Secrets neither the environment
 * nor the file has are generated once and appended to the file. Returns the names it generated.
 */
export function loadLocalSecrets(file) {
  const saved = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  const missing = Object.keys(SECRET_GENERATORS).filter((name) => !process.env[name] && !saved[name]);
  if (missing.length > 0) {
    mkdirSync(path.dirname(file), { recursive: true });
    const lines = missing.map((name) => `${name}=${(saved[name] = SECRET_GENERATORS[name]())}\n`);
    appendFileSync(file, lines.join(''), { mode: 0o600 });
  }
  for (const [name, value] of Object.entries(saved)) if (!process.env[name]) process.env[name] = value;
  return missing;
}

/**
 * Polls until the URL answers, the deadline (epoch ms) passes or `isStopped()` says the run ended. Any
 * status counts, except nginx's own 502/504 while the gateway behind it is not listening yet.
 */
export async function waitForHttp(url, { deadline, isStopped }) {
  while (Date.now() < deadline && !isStopped()) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status !== 502 && response.status !== 504) return true;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  return false;
}
