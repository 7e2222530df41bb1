// The demo of `npm start` (DEMO=false turns it off): a looping test pattern with a tone, made by FFmpeg on a
// local UDP port, and a stopped "Demo" channel (slug demo) reading it, with the built-in 720p30 preset and a logo.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const DEMO_SLUG = 'demo';

export const demoSourceUrl = (port) => `udp://127.0.0.1:${port}?pkt_size=1316`;

/** The shell command of the demo source (run under concurrently next to the services). */
export function demoSourceCommand(port) {
  return [
    'exec ffmpeg -hide_banner -loglevel warning -nostats -re',
    '-f lavfi -i testsrc2=size=1280x720:rate=25',
    '-f lavfi -i sine=frequency=1000:sample_rate=48000',
    '-c:v libx264 -preset ultrafast -tune zerolatency -g 50 -c:a aac',
    `-f mpegts '${demoSourceUrl(port)}'`,
  ].join(' ');
}

/** A 160x60 translucent white PNG, made by FFmpeg: the demo's logo. */
function demoLogoPng() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'castline-demo-logo-'));
  try {
    const file = path.join(dir, 'castline-demo-logo.png');
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=white@0.8:s=160x60,format=rgba', '-frames:v', '1', '-y', file]);
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function call(apiBase, method, url, { token, json, form } = {}) {
  const response = await fetch(`${apiBase}${url}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(json ? { 'content-type': 'application/json' } : {}) },
    body: json ? JSON.stringify(json) : form,
    signal: AbortSignal.timeout(10_000),
  });
  const body = await response.json().catch(() => undefined);
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${body?.error?.message ?? ''}`.trim());
  return body;
}

/**
 * Creates the Demo channel through the gateway API (so the logo goes through the same upload checks and storage
 * as any other) unless a channel with slug `demo` exists. Returns 'created' or 'exists'.
 */
export async function seedDemoChannel({ apiBase, email, password, port }) {
  const { accessToken: token } = await call(apiBase, 'POST', '/auth/login', { json: { email, password } });
  const found = await call(apiBase, 'GET', `/channels?search=${DEMO_SLUG}`, { token });
  if (found.items.some((channel) => channel.slug === DEMO_SLUG)) return 'exists';
  const presets = await call(apiBase, 'GET', '/settings/presets', { token });
  const preset = (presets.items ?? presets).find((candidate) => candidate.name === '720p30');
  const form = new FormData();
  form.append('file', new Blob([demoLogoPng()], { type: 'image/png' }), 'castline-demo-logo.png');
  const logo = await call(apiBase, 'POST', '/uploads/logo', { token, form });
  await call(apiBase, 'POST', '/channels', {
    token,
    json: {
      name: 'Demo',
      slug: DEMO_SLUG,
      sources: [{ url: demoSourceUrl(port), label: 'FFmpeg test pattern' }],
      presetId: preset?.id,
      logo: { uploadId: logo.id, anchor: 'top_right', x: 24, y: 24, opacity: 0.8 },
    },
  });
  return 'created';
}

/** Where `npm start` runs the ad-platform fakes (packages/testkit/src/fakes) when DEMO is on. */
export const AD_FAKE_PORTS = { meta: 4610, google: 4620 };

/** The campaigns service's platform URLs pointed at the fakes. */
export function adFakeEnv() {
  return {
    META_GRAPH_URL: `http://127.0.0.1:${AD_FAKE_PORTS.meta}`,
    GOOGLE_ADS_URL: `http://127.0.0.1:${AD_FAKE_PORTS.google}`,
    GOOGLE_OAUTH_TOKEN_URL: `http://127.0.0.1:${AD_FAKE_PORTS.google}/token`,
  };
}

export function adFakesCommand(node) {
  return `META_FAKE_PORT=${AD_FAKE_PORTS.meta} GOOGLE_FAKE_PORT=${AD_FAKE_PORTS.google} exec ${node} packages/testkit/dist/fakes/main.js`;
}

/**
 * Connects one demo account per ad platform (the fakes' demo credentials) through the gateway unless they are
 * connected already; each pulls in 90 days on connect. Returns how many it connected.
 */
export async function seedDemoAdAccounts({ apiBase, email, password, credentials }) {
  const { accessToken: token } = await call(apiBase, 'POST', '/auth/login', { json: { email, password } });
  const { items } = await call(apiBase, 'GET', '/campaigns/accounts', { token });
  const wanted = [
    { platform: 'meta', externalId: credentials.meta.accountId, credentials: { accessToken: credentials.meta.accessToken, appSecret: credentials.meta.appSecret }, backfillDays: 90 },
    {
      platform: 'google',
      externalId: credentials.google.customerId,
      credentials: {
        refreshToken: credentials.google.refreshToken,
        clientId: credentials.google.clientId,
        clientSecret: credentials.google.clientSecret,
        developerToken: credentials.google.developerToken,
      },
      backfillDays: 90,
    },
  ];
  let connected = 0;
  for (const body of wanted) {
    if (items.some((account) => account.platform === body.platform && account.externalId === body.externalId)) continue;
    await call(apiBase, 'POST', '/campaigns/accounts', { token, json: body });
    connected += 1;
  }
  return connected;
}
