import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ADMIN, bearer, login, startTestGateway, type TestGateway, userWithRole, inProcessServiceEnv } from '@castline/testkit';
import { startChannels } from '../src/channels-app';

/** Channels and presets through the real path: HTTP -> gateway -> NATS -> channels service -> Postgres. */
let gateway: TestGateway;
let channels: NestFastifyApplication;
let token: string;
const uploadsDir = mkdtempSync(path.join(tmpdir(), 'castline-uploads-'));

beforeAll(async () => {
  gateway = await startTestGateway('channels');
  channels = await startChannels(
    {
      ...inProcessServiceEnv(gateway.databaseUrl),
      UPLOADS_DIR: uploadsDir,
    },
    { handleSignals: false },
  );
  const admin = await login(gateway.app, ADMIN.email, ADMIN.password);
  token = (await userWithRole(gateway.app, admin.accessToken, 'operator')).accessToken;
});
afterAll(async () => {
  await channels?.close();
  await gateway?.close();
  rmSync(uploadsDir, { recursive: true, force: true });
});

const api = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  gateway.app.inject({ method, url: `/api/v1${url}`, headers: bearer(token), payload });

const source = (n: number) => ({ url: `udp://127.0.0.1:${20000 + n}?pkt_size=1316` });

describe('channels', () => {
  it('creates a channel with a generated slug, stopped, with its playback path', async () => {
    const created = await api('POST', '/channels', { name: 'Sports HD', sources: [source(1), { url: 'https://backup.example/live/index.m3u8', label: 'backup' }] });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      name: 'Sports HD',
      slug: 'sports-hd',
      status: 'stopped',
      desiredState: 'stopped',
      playbackPath: '/live/sports-hd/index.m3u8',
      sources: [
        { position: 0, url: source(1).url, label: '' },
        { position: 1, url: 'https://backup.example/live/index.m3u8', label: 'backup' },
      ],
      hls: { segmentSeconds: 2, listSize: 6 },
      playback: 'public',
      autoRestart: true,
    });
    const again = await api('POST', '/channels', { name: 'Sports  HD!', sources: [source(2)] });
    expect(again.json().slug).toBe('sports-hd-2');
  });

  it('refuses a taken explicit slug with 409 and a bad slug with 400', async () => {
    await api('POST', '/channels', { name: 'News', slug: 'news', sources: [source(3)] });
    const taken = await api('POST', '/channels', { name: 'Other', slug: 'news', sources: [source(4)] });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toMatchObject({ code: 'CONFLICT', message: 'The slug "news" is taken' });
    const bad = await api('POST', '/channels', { name: 'Other', slug: '../etc', sources: [source(4)] });
    expect(bad.statusCode).toBe(400);
  });

  it.each([
    ['file:///etc/passwd'],
    ['concat:udp://a|udp://b'],
    ['subfile,,start,0,end,0,,:/etc/passwd'],
    ['data:video/mp2t;base64,AAAA'],
    ['pipe:0'],
    ['hls+file:///tmp/x.m3u8'],
    ['crypto+http://example.com/x'],
    ['gopher://example.com/'],
  ])('refuses the source %s with 400 naming the source, and stores nothing', async (url) => {
    const before = (await api('GET', '/channels?pageSize=200')).json().total;
    const response = await api('POST', '/channels', { name: 'Evil', sources: [source(5), { url }] });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
    expect(response.json().error.message).toMatch(/^sources\[1\] \(backup source 1\): /);
    expect((await api('GET', '/channels?pageSize=200')).json().total).toBe(before);
  });

  it('lists with search, status filter and pagination', async () => {
    const searched = (await api('GET', '/channels?search=sports')).json();
    expect(searched.items.map((c: { slug: string }) => c.slug).sort()).toEqual(['sports-hd', 'sports-hd-2']);
    expect((await api('GET', '/channels?status=running')).json().total).toBe(0);
    const page = (await api('GET', '/channels?pageSize=1&page=2')).json();
    expect(page).toMatchObject({ page: 2, pageSize: 1 });
    expect(page.items).toHaveLength(1);
    expect((await api('GET', '/channels?status=flying')).statusCode).toBe(400);
  });

  it('updates fields, replaces sources in order, and validates references', async () => {
    const { id } = (await api('POST', '/channels', { name: 'Movies', sources: [source(6)] })).json();
    const updated = await api('PATCH', `/channels/${id}`, {
      name: 'Movies+',
      sources: [source(7), source(8)],
      hls: { segmentSeconds: 4, listSize: 8 },
      playback: 'signed',
      autoRestart: false,
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({
      name: 'Movies+',
      slug: 'movies',
      sources: [{ position: 0, url: source(7).url }, { position: 1, url: source(8).url }],
      hls: { segmentSeconds: 4, listSize: 8 },
      playback: 'signed',
      autoRestart: false,
    });
    const badPreset = await api('PATCH', `/channels/${id}`, { presetId: '00000000-0000-4000-8000-000000000000' });
    expect(badPreset.statusCode).toBe(400);
    const badLogo = await api('PATCH', `/channels/${id}`, { logo: { uploadId: '00000000-0000-4000-8000-000000000000' } });
    expect(badLogo.statusCode).toBe(400);
    expect(badLogo.json().error.message).toContain('logo.uploadId');
  });

  it('answers 404 for unknown channels and deletes', async () => {
    expect((await api('GET', '/channels/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    const { id } = (await api('POST', '/channels', { name: 'Temp', sources: [source(9)] })).json();
    expect((await api('DELETE', `/channels/${id}`)).statusCode).toBe(204);
    const gone = await api('GET', `/channels/${id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error).toMatchObject({ code: 'NOT_FOUND', message: 'Channel not found' });
  });

  it('lists a channel\'s event history newest first, pages back with `before`, and validates the query', async () => {
    const { id } = (await api('POST', '/channels', { name: 'History', sources: [source(12)] })).json();
    expect((await api('GET', `/channels/${id}/events`)).json()).toEqual({ items: [] });
    // No worker runs here: start and stop only record their state changes.
    await api('POST', `/channels/${id}/start`);
    await api('POST', `/channels/${id}/stop`);

    const all = (await api('GET', `/channels/${id}/events`)).json().items as Array<{ id: string; at: string; type: string; message: string }>;
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(all.every((event) => event.type === 'state')).toBe(true);
    expect(all.at(-1)!.message).toBe('starting: start requested');
    expect(all.map((event) => BigInt(event.id))).toEqual([...all.map((event) => BigInt(event.id))].sort((a, b) => (a > b ? -1 : 1)));

    const newest = (await api('GET', `/channels/${id}/events?limit=1`)).json().items;
    expect(newest).toEqual([all[0]]);
    const older = (await api('GET', `/channels/${id}/events?before=${all[0]!.id}`)).json().items;
    expect(older).toEqual(all.slice(1));

    for (const query of ['limit=0', 'limit=501', 'before=abc', 'before=-1']) {
      const refused = await api('GET', `/channels/${id}/events?${query}`);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect((await api('GET', '/channels/00000000-0000-4000-8000-000000000000/events')).statusCode).toBe(404);
  });
});

/** The presets' behaviour is tested on the service harness (presets.test.ts); here only the gateway's edge. */
describe('encoding presets', () => {
  it('lets operators read presets but not change them', async () => {
    const listed = await api('GET', '/settings/presets');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items.length).toBeGreaterThanOrEqual(3);
    expect((await api('POST', '/settings/presets', { name: 'Operator preset', profile: { crf: 23 } })).statusCode).toBe(403);
  });
});

describe('logo uploads', () => {
  const png = (width: number, height: number) =>
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `color=c=red:s=${width}x${height}`, '-frames:v', '1', '-f', 'image2', '-c:v', 'png', 'pipe:1']);

  function multipart(filename: string, data: Buffer, field = 'file') {
    const boundary = '----castline-test-boundary';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: image/png\r\n\r\n`),
      data,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return { body, contentType: `multipart/form-data; boundary=${boundary}` };
  }

  const upload = (filename: string, data: Buffer, field?: string) => {
    const { body, contentType } = multipart(filename, data, field);
    return gateway.app.inject({
      method: 'POST',
      url: '/api/v1/uploads/logo',
      headers: { ...bearer(token), 'content-type': contentType },
      payload: body,
    });
  };

  it('stores a real PNG under UPLOADS_DIR and reports its dimensions', async () => {
    const response = await upload('brand.png', png(64, 48));
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ kind: 'logo', originalName: 'brand.png', mimeType: 'image/png', width: 64, height: 48 });
    const stored = execFileSync('find', [uploadsDir, '-type', 'f']).toString().trim().split('\n');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatch(new RegExp(`^${uploadsDir}/logos/[0-9a-f-]{36}\\.png$`));
    expect(readFileSync(stored[0]!).equals(png(64, 48))).toBe(true);
  });

  it.each([
    ['a text file named .png', 'evil.png', Buffer.from('<?php system($_GET["c"]); ?>'), 400, /not a PNG, JPEG or WebP/],
    ['a truncated PNG', 'cut.png', png(64, 64).subarray(0, 20), 400, /damaged or truncated/],
    ['a PNG with its pixel data cut off', 'half.png', png(64, 64).subarray(0, 100), 400, /data is damaged or truncated/],
    ['an image over the dimension limit', 'wide.png', png(4096, 16), 400, /the limit is 2048x2048/],
    ['a file over the size limit', 'huge.png', Buffer.concat([png(16, 16), Buffer.alloc(600 * 1024)]), 413, /.+/],
  ])('refuses %s', async (_what, filename, data, status, message) => {
    const before = execFileSync('find', [uploadsDir, '-type', 'f']).toString();
    const response = await upload(filename, data);
    expect(response.statusCode).toBe(status);
    expect(response.json().error.message).toMatch(message);
    expect(execFileSync('find', [uploadsDir, '-type', 'f']).toString()).toBe(before);
  });

  it('serves a stored logo back with its type, and 404 for an unknown upload', async () => {
    const logo = (await upload('brand.png', png(40, 30))).json();
    const content = await api('GET', `/uploads/${logo.id}/content`);
    expect(content.statusCode).toBe(200);
    expect(content.headers['content-type']).toBe('image/png');
    expect(content.rawPayload.equals(png(40, 30))).toBe(true);
    expect((await api('GET', '/uploads/00000000-0000-4000-8000-000000000000/content')).statusCode).toBe(404);
    expect((await api('GET', '/uploads/not-a-uuid/content')).statusCode).toBe(400);
  });

  it('refuses a body that is not multipart, or a file in another field', async () => {
    const json = await api('POST', '/uploads/logo', { file: 'x' });
    expect(json.statusCode).toBe(400);
    expect(json.json().error.message).toContain('multipart/form-data');
    expect((await upload('a.png', png(32, 32), 'image')).statusCode).toBe(400);
  });

  it('refuses to delete a logo a channel uses, and deletes the file once free', async () => {
    const logo = (await upload('brand.png', png(32, 32))).json();
    const channel = (await api('POST', '/channels', { name: 'With logo', sources: [source(11)], logo: { uploadId: logo.id, x: 10, y: 20, opacity: 0.8 } })).json();
    expect(channel.logo).toMatchObject({ uploadId: logo.id, anchor: 'top_right', x: 10, y: 20, opacity: 0.8 });
    const refused = await api('DELETE', `/uploads/${logo.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain('With logo');

    await api('PATCH', `/channels/${channel.id}`, { logo: null });
    const files = execFileSync('find', [uploadsDir, '-type', 'f']).toString().trim().split('\n');
    expect((await api('DELETE', `/uploads/${logo.id}`)).statusCode).toBe(204);
    expect(files.filter((file) => existsSync(file))).toHaveLength(files.length - 1);
    expect((await api('DELETE', `/uploads/${logo.id}`)).statusCode).toBe(404);
  });
});
