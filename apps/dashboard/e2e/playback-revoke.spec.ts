import { randomBytes } from 'node:crypto';
import { type APIRequestContext, expect, request as playwrightRequest, test } from '@playwright/test';
import { platform } from './platform';
import { admin, apiAs, createUser, signIn } from './support';

/** The demo source start.mjs runs: FFmpeg's test pattern as MPEG-TS over UDP. */
const SOURCE = 'udp://127.0.0.1:5004?pkt_size=1316';
const name = `E2E Signed ${randomBytes(2).toString('hex')}`;

let api: APIRequestContext;
/** Plain HTTP through nginx, with no credentials: what a player holding a link does. */
let viewerHttp: APIRequestContext;
let channelId: string;

interface ChannelBody {
  id: string;
  status: string;
  statusDetail: string | null;
  lastError: string | null;
  signingVersion: number;
}

const playbackUrl = async () => ((await (await api.get(`/api/v1/channels/${channelId}/playback`)).json()) as { url: string }).url;
const channel = async () => (await (await api.get(`/api/v1/channels/${channelId}`)).json()) as ChannelBody;
/** nginx's answer for a signed playlist URL. */
const statusOf = async (url: string) => (await viewerHttp.get(url)).status();

test.beforeAll(async () => {
  api = await apiAs(admin());
  viewerHttp = await playwrightRequest.newContext({ baseURL: platform().baseUrl });
  const created = await api.post('/api/v1/channels', { data: { name, sources: [{ url: SOURCE }], playback: 'signed' } });
  expect(created.status(), await created.text()).toBe(201);
  channelId = ((await created.json()) as ChannelBody).id;
  const started = await api.post(`/api/v1/channels/${channelId}/start`);
  expect(started.status(), await started.text()).toBeLessThan(300);
});

test.afterAll(async () => {
  // Whatever happened above, leave no FFmpeg running and no channel behind.
  if (channelId) {
    await api.post(`/api/v1/channels/${channelId}/stop`);
    await expect.poll(async () => (await channel()).status, { timeout: 30_000 }).toMatch(/^(stopped|error)$/);
    await api.delete(`/api/v1/channels/${channelId}`);
  }
  await viewerHttp?.dispose();
  await api?.dispose();
});

test('a viewer is not offered "Revoke links"', async ({ page, context }) => {
  await signIn(context, page, await createUser('viewer'), `/channels/${channelId}`);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Copy playback URL' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Revoke links' })).toHaveCount(0);
});

test('an operator revokes the signed links: a link handed out before is refused by nginx, a new one is accepted', async ({ page, context }) => {
  const before = await channel();
  const oldUrl = await playbackUrl();
  // The link works while the channel plays (nginx checks the token and serves the playlist). FFmpeg shares two
  // cores with the rest of the platform: give its first segment time, and say where the channel is if it fails.
  test.setTimeout(180_000);
  const playing = async () => {
    const status = await statusOf(oldUrl);
    return status === 200 ? 'playing' : `nginx ${status}; channel ${JSON.stringify(await channel())}`;
  };
  await expect.poll(playing, { timeout: 90_000 }).toBe('playing');

  await signIn(context, page, await createUser('operator'), `/channels/${channelId}`);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await page.getByRole('button', { name: 'Revoke links' }).click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog.getByRole('heading', { name: `Revoke the playback links of ${name}?` })).toBeVisible();
  await expect(dialog).toContainText('Every signed playback link handed out so far stops working');
  // Cancel changes nothing.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  expect((await channel()).signingVersion).toBe(before.signingVersion);

  await page.getByRole('button', { name: 'Revoke links' }).click();
  await dialog.getByRole('button', { name: 'Revoke links' }).click();
  await expect(page.getByText(`Revoked the playback links of ${name}`)).toBeVisible();
  expect((await channel()).signingVersion).toBe(before.signingVersion + 1);

  // The old link names a signing version whose output is gone: nginx refuses it (its token is still genuine,
  // so 404, not 403), although the channel keeps running. Polled: the old FFmpeg may write one more playlist
  // before the worker stops it, and the restarted run deletes the old output again before it starts.
  await expect.poll(() => statusOf(oldUrl)).toBe(404);
  // A new link is bound to the new version, and nginx accepts its token (200 once the restarted run wrote its
  // first segment, 404 before; never 403). Whether the restart plays again is the worker's tests' business.
  const newUrl = await playbackUrl();
  expect(newUrl).toContain(`/${channelId}.${before.signingVersion + 1}/`);
  expect(oldUrl).toContain(`/${channelId}.${before.signingVersion}/`);
  expect([200, 404]).toContain(await statusOf(newUrl));
  const forged = newUrl.replace(/\/live\/_signed\/[A-Za-z0-9_-]{22}\//, '/live/_signed/AAAAAAAAAAAAAAAAAAAAAA/');
  expect(await statusOf(forged)).toBe(403);
  expect(await statusOf(oldUrl)).toBe(404);
});
