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

/** The channels' behaviour is tested on the service harness (channels.test.ts); here the gateway's edge. */
describe('channels', () => {
  it('answers 201 with the created channel, 409 for a taken slug, 400 for a bad one, and stores nothing refused', async () => {
    const created = await api('POST', '/channels', { name: 'Sports HD', slug: 'news', sources: [source(1)] });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ slug: 'news', status: 'stopped', playbackPath: '/live/news/index.m3u8' });
    const taken = await api('POST', '/channels', { name: 'Other', slug: 'news', sources: [source(4)] });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toMatchObject({ code: 'CONFLICT', message: 'The slug "news" is taken', details: { fields: [{ path: 'slug' }] } });
    expect((await api('POST', '/channels', { name: 'Other', slug: '../etc', sources: [source(4)] })).statusCode).toBe(400);
    const evil = await api('POST', '/channels', { name: 'Evil', sources: [source(5), { url: 'file:///etc/passwd' }] });
    expect(evil.statusCode).toBe(400);
    expect(evil.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^sources\[1\] \(backup source 1\): /) });
    expect((await api('GET', '/channels')).json().total).toBe(1);
  });

  it('lists, updates and refuses a bad query with 400', async () => {
    expect((await api('GET', '/channels?search=sports')).json()).toMatchObject({ total: 1, page: 1 });
    expect((await api('GET', '/channels?status=flying')).statusCode).toBe(400);
    const { id } = (await api('POST', '/channels', { name: 'Movies', sources: [source(6)] })).json();
    const updated = await api('PATCH', `/channels/${id}`, { name: 'Movies+', sources: [source(7), source(8)] });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ name: 'Movies+', sources: [{ position: 0 }, { position: 1 }] });
    const badLogo = await api('PATCH', `/channels/${id}`, { logo: { uploadId: '00000000-0000-4000-8000-000000000000' } });
    expect(badLogo.statusCode).toBe(400);
    expect(badLogo.json().error.message).toContain('logo.uploadId');
  });

  it('answers 404 for unknown channels and 204 on delete', async () => {
    expect((await api('GET', '/channels/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    const { id } = (await api('POST', '/channels', { name: 'Temp', sources: [source(9)] })).json();
    expect((await api('DELETE', `/channels/${id}`)).statusCode).toBe(204);
    const gone = await api('GET', `/channels/${id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error).toMatchObject({ code: 'NOT_FOUND', message: 'Channel not found' });
  });

  it('takes actions sent as Content-Type: application/json with an empty body', async () => {
    const { id } = (await api('POST', '/channels', { name: 'Empty body', sources: [source(13)] })).json();
    for (const action of ['start', 'restart', 'stop']) {
      const response = await gateway.app.inject({
        method: 'POST',
        url: `/api/v1/channels/${id}/${action}`,
        headers: { ...bearer(token), 'content-type': 'application/json' },
        payload: '',
      });
      expect(`${action} ${response.statusCode} ${response.statusCode === 200 ? '' : response.body}`).toBe(`${action} 200 `);
    }
    const broken = await gateway.app.inject({ method: 'POST', url: `/api/v1/channels/${id}/start`, headers: { ...bearer(token), 'content-type': 'application/json' }, payload: '{nope' });
    expect(broken.statusCode).toBe(400);
  });

  it("serves a channel's event history and validates the query", async () => {
    const { id } = (await api('POST', '/channels', { name: 'History', sources: [source(12)] })).json();
    await api('POST', `/channels/${id}/start`);
    const { items } = (await api('GET', `/channels/${id}/events?limit=1`)).json();
    expect(items).toMatchObject([{ type: 'state', message: 'starting: start requested' }]);
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
