import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { admin, apiAs, signIn } from './support';

/**
 * The media library end to end: a generated clip uploaded through the dialog (tus through nginx's
 * auth_request), its card turning ready from the live feed, the preview playing from /vod/, and /embed/<id>
 * playing inside a cross-origin iframe whose playback lands in the video's analytics.
 */
test('upload a clip, watch it process live, preview it, embed it on another origin', async ({ page, context }) => {
  test.setTimeout(240_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'castline-e2e-media-'));
  const clip = path.join(dir, 'e2e-clip.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=500:sample_rate=48000',
    '-t', '6', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-y', clip]);

  await signIn(context, page, admin(), '/media');
  await expect(page.getByRole('heading', { level: 1, name: 'Media' })).toBeVisible();
  await page.getByRole('button', { name: 'Upload video' }).click();
  await page.getByLabel('File').setInputFiles(clip);
  await page.getByLabel('Title').fill('E2E clip');
  await page.getByRole('button', { name: 'Start upload' }).click();
  await expect(page.getByTestId('upload-status')).toContainText('Uploaded', { timeout: 60_000 });
  await page.keyboard.press('Escape');

  // No reload: the card follows media.videos.progress over the live socket until it is ready.
  const card = page.getByTestId('video-card').filter({ hasText: 'E2E clip' });
  await expect(card).toHaveAttribute('data-status', 'ready', { timeout: 180_000 });
  await expect(card.getByText('360p')).toBeVisible();

  await card.getByRole('button', { name: 'Open E2E clip' }).click();
  const preview = page.getByLabel('Preview of E2E clip');
  await preview.evaluate((video: HTMLVideoElement) => {
    video.muted = true;
    return video.play();
  });
  await expect.poll(() => preview.evaluate((video: HTMLVideoElement) => video.currentTime), { timeout: 30_000 }).toBeGreaterThan(0.5);
  const embedCode = await page.getByTestId('embed-code').textContent();
  const id = /\/embed\/([0-9a-f-]{36})/.exec(embedCode ?? '')?.[1];
  expect(id).toBeTruthy();

  // Another origin frames the player (the platform's embed ancestors default to *): a real server on another
  // loopback port. Not a page.route() fake: Chromium treats a fulfilled response as public, and its local network
  // access checks block a public page from framing a localhost one, which a real public site never meets.
  const base = new URL(page.url());
  const parentServer = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html');
    response.end(`<!doctype html><title>Parent</title><iframe src="${base.origin}/embed/${id}" width="640" height="360" allow="autoplay"></iframe>`);
  });
  await new Promise<void>((resolve) => parentServer.listen(0, '127.0.0.1', resolve));
  const parent = `http://127.0.0.1:${(parentServer.address() as AddressInfo).port}/article`;
  try {
    await page.goto(parent);
    const framed = page.frameLocator('iframe').getByLabel('E2E clip');
    await framed.evaluate((video: HTMLVideoElement) => {
      video.muted = true;
      return video.play();
    });
    await expect.poll(() => framed.evaluate((video: HTMLVideoElement) => video.currentTime), { timeout: 30_000 }).toBeGreaterThan(0.5);

    const api = await apiAs(admin());
    await expect
      .poll(async () => ((await (await api.get(`/api/v1/media/videos/${id}`)).json()) as { analytics: Array<{ plays: number }> }).analytics[0]?.plays ?? 0, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(1);
    await api.dispose();
  } finally {
    parentServer.close();
  }
});

/**
 * The upload dialog through an interruption and an outage: paused mid-PATCH (the request aborted), resumed while
 * the browser is offline (the HEAD fails), it waits for the network and, once back, continues from the offset the
 * server kept (a PATCH with Upload-Offset > 0), not from 0. DevTools throttling slows the upload so that the
 * pause lands mid-transfer. (Emulated offline does not fail a PATCH already in flight, hence the pause.)
 */
test('an interrupted upload, resumed offline, waits for the network and continues from the server’s offset', async ({ page, context }) => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'castline-e2e-media-offline-'));
  const clip = path.join(dir, 'offline-clip.mp4');
  // ~11 MB: long enough at 2 MB/s to be interrupted in the middle.
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25', '-t', '6', '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '16M',
    '-maxrate', '16M', '-bufsize', '4M', '-pix_fmt', 'yuv420p', '-y', clip]);

  await signIn(context, page, admin(), '/media');
  const offsets: number[] = [];
  page.on('request', (request) => {
    if (request.method() === 'PATCH' && request.url().includes('/api/v1/media/tus/')) offsets.push(Number(request.headers()['upload-offset']));
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2 * 1024 * 1024 });

  await page.getByRole('button', { name: 'Upload video' }).click();
  await page.getByLabel('File').setInputFiles(clip);
  await page.getByLabel('Title').fill('Offline clip');
  await page.getByRole('button', { name: 'Start upload' }).click();
  const status = page.getByTestId('upload-status');
  await expect(status).toContainText(/\((?:[2-9]\d) %\)/, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(status).toContainText('paused');

  // Offline through the DevTools session that throttles (its conditions, not context.setOffline's, apply here).
  const network = (offline: boolean) =>
    cdp.send('Network.emulateNetworkConditions', { offline, latency: 0, downloadThroughput: offline ? 0 : -1, uploadThroughput: offline ? 0 : -1 });
  await network(true);
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(status).toContainText('waiting for the network');
  await page.waitForTimeout(1_000);
  await network(false);
  await expect(status).toContainText('Uploaded', { timeout: 90_000 });

  expect(offsets[0]).toBe(0);
  expect(Math.max(...offsets)).toBeGreaterThan(0);
  // What the server assembled is the file, byte for byte.
  const api = await apiAs(admin());
  const expected = createHash('sha256').update(readFileSync(clip)).digest('hex');
  await expect
    .poll(async () => {
      const { items } = (await (await api.get('/api/v1/media/videos?q=Offline%20clip')).json()) as { items: Array<{ title: string; sha256: string | null }> };
      return items.find((video) => video.title === 'Offline clip')?.sha256 ?? null;
    }, { timeout: 60_000 })
    .toBe(expected);
  await api.dispose();
});
