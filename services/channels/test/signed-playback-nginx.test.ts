import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '@castline/testkit';
import { playbackToken } from '@castline/platform';
import { hlsOutputDir, signedPlaybackPath } from '../src/live/playback';

/** nginx/snippets/routes.conf's secure_link for signed channels, on a real nginx rendered from the local template. */

const root = path.resolve(__dirname, '../../..');
const secret = 'nginx-test-secret-nginx-test-secret-0123';
const work = mkdtempSync(path.join(os.tmpdir(), 'castline-signed-'));
const hlsRoot = path.join(work, 'hls');
const nginxDir = path.join(work, 'nginx');
let nginx: ChildProcess;
let base: string;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

/** Debian keeps nginx in /usr/sbin, off a normal user's PATH. */
const nginxBinary = () => ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find((file) => existsSync(file)) ?? 'nginx';

function writeChannel(dir: string, label: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'index.m3u8'), `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nseg_1.ts\n# ${label}\n`);
  writeFileSync(path.join(dir, 'seg_1.ts'), Buffer.alloc(188 * 4, 0x47));
}

const premium = { id: '5b0f2d3e-8f6a-4a8e-9c1d-2e3f4a5b6c7d', slug: 'premium', playback: 'signed' as const, signingVersion: 2 };
const premiumBinding = `${premium.id}.2`;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  writeChannel(hlsOutputDir(hlsRoot, premium), 'signed');
  writeChannel(hlsOutputDir(hlsRoot, { ...premium, slug: 'news', playback: 'public' }), 'public');
  // As root, nginx's workers run as nobody and must read the files.
  for (const dir of [work, hlsRoot]) chmodSync(dir, 0o755);
  execFileSync('chmod', ['-R', 'a+rX', hlsRoot]);
  const conf = execFileSync('bash', [path.join(root, 'scripts/render-nginx.sh'), 'local', nginxDir], {
    env: { ...process.env, NGINX_PORT: String(port), HLS_ROOT: hlsRoot, PLAYBACK_SIGNING_SECRET: secret, NGINX_RESOLVER: '127.0.0.1' },
  })
    .toString()
    .trim();
  chmodSync(nginxDir, 0o711);
  nginx = spawn(nginxBinary(), ['-p', nginxDir, '-c', conf, '-e', path.join(nginxDir, 'error.log'), '-g', 'daemon off;'], { stdio: 'inherit' });
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (await fetch(`${base}/nginx-health`).then(() => true, () => false)) return;
    await sleep(100);
  }
  throw new Error('nginx did not start');
});

afterAll(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((resolve) => nginx.once('exit', resolve));
    nginx.kill('SIGTERM');
    await exited;
  }
  rmSync(work, { recursive: true, force: true });
});

const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;
const status = async (url: string) => (await fetch(`${base}${url}`)).status;

it('serves the playlist of a valid signed URL, and the segment it names relative to it', async () => {
  const playlistPath = signedPlaybackPath(secret, premium, inAnHour());
  const playlist = await fetch(`${base}${playlistPath}`);
  expect(playlist.status).toBe(200);
  expect(playlist.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
  const body = await playlist.text();
  expect(body).toContain('# signed');
  const segment = await fetch(new URL('seg_1.ts', `${base}${playlistPath}`));
  expect(segment.status).toBe(200);
  expect(segment.headers.get('content-type')).toBe('video/mp2t');
  expect((await segment.arrayBuffer()).byteLength).toBe(188 * 4);
});

it('refuses a tampered token, another channel or version, a changed expiry and a wrong secret with 403', async () => {
  const expires = inAnHour();
  const token = playbackToken(secret, premiumBinding, expires);
  // Change the first character: the last one of a 16-byte base64 value also holds padding bits, and some
  // changes there decode to the same bytes (a valid token).
  const tampered = `${token.startsWith('A') ? 'B' : 'A'}${token.slice(1)}`;
  expect(await status(`/live/_signed/${tampered}/${expires}/${premiumBinding}/index.m3u8`)).toBe(403);
  expect(await status(`/live/_signed/${token}/${expires + 1}/${premiumBinding}/index.m3u8`)).toBe(403);
  expect(await status(`/live/_signed/${token}/${expires}/${premium.id}.1/index.m3u8`)).toBe(403);
  expect(await status(`/live/_signed/${token}/${expires}/news/index.m3u8`)).toBe(403);
  expect(await status(signedPlaybackPath('another-secret-another-secret-0123456', premium, expires))).toBe(403);
  // A link signed for the revoked version 1 is well signed but names a directory that no longer exists.
  expect(await status(signedPlaybackPath(secret, { ...premium, signingVersion: 1 }, expires))).toBe(404);
});

it('answers an expired signed URL with 410', async () => {
  expect(await status(signedPlaybackPath(secret, premium, Math.floor(Date.now() / 1000) - 10))).toBe(410);
});

it("does not serve a signed channel's files without a token", async () => {
  expect(await status(`/live/_signed/${premiumBinding}/index.m3u8`)).toBe(403);
  expect(await status(`/live/_signed/${premiumBinding}/seg_1.ts`)).toBe(403);
  expect(await status('/live/premium/index.m3u8')).toBe(404);
});

it('keeps serving public channels at /live/<slug>/', async () => {
  expect(await status('/live/news/index.m3u8')).toBe(200);
  expect(await status('/live/news/seg_1.ts')).toBe(200);
});

it('keeps ?token= (the WebSocket fallback credential) out of the access log', async () => {
  // No gateway listens behind this nginx: the request is logged all the same (502).
  await fetch(`${base}/api/v1/ws/metrics?channels=1&token=eyJSECRETaccessTOKEN.abc&x=1`).catch(() => undefined);
  await fetch(`${base}/api/v1/ws/metrics?token=eyJSECRETaccessTOKEN.first`).catch(() => undefined);
  // nginx writes a request's log line after its response: wait for both lines before reading.
  const log = await eventually(async () => {
    const text = readFileSync(path.join(nginxDir, 'access.log'), 'utf8');
    return text.includes('"uri":"/api/v1/ws/metrics?token=') ? text : undefined;
  });
  expect(log).toContain('/api/v1/ws/metrics?channels=1&token=[redacted]&x=1');
  expect(log).toContain('/api/v1/ws/metrics?token=[redacted]');
  expect(log).not.toContain('SECRETaccessTOKEN');
});
