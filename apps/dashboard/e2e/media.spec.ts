import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
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
