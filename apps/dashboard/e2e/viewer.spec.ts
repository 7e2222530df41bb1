import { expect, test } from '@playwright/test';
import { admin, apiAs, createUser, signIn } from './support';

test('a viewer sees channels read-only and is refused with 403 when calling the actions anyway', async ({ page, context }) => {
  const viewer = await createUser('viewer');
  await signIn(context, page, viewer, '/channels');
  await expect(page.getByRole('heading', { level: 1, name: 'Channels' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Demo' })).toBeVisible();

  for (const label of [/^New channel$/, /^Start /, /^Stop /, /^Restart /, /^Delete/, /^Edit/, /^Start selected/]) {
    await expect(page.getByRole('button', { name: label })).toHaveCount(0);
  }
  // Settings that need another role are not offered.
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Users' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'API keys' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'Audit log' })).toHaveCount(0);

  await page.getByRole('link', { name: 'Demo' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Demo' })).toBeVisible();
  for (const label of ['Start channel', 'Stop channel', 'Restart channel', 'Edit', 'Delete', 'Save position']) {
    await expect(page.getByRole('button', { name: label })).toHaveCount(0);
  }

  // The gateway, not the hidden button, is the guard.
  const demoId = page.url().split('/').pop()!;
  const asViewer = await apiAs(viewer);
  for (const [method, path] of [
    ['post', `/api/v1/channels/${demoId}/start`],
    ['post', `/api/v1/channels/${demoId}/stop`],
    ['delete', `/api/v1/channels/${demoId}`],
    ['patch', `/api/v1/channels/${demoId}`],
  ] as const) {
    const response = await asViewer[method](path, method === 'patch' ? { data: { name: 'Renamed' } } : {});
    expect(response.status(), `${method} ${path}`).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
  }
  await asViewer.dispose();
  const asAdmin = await apiAs(admin());
  expect(((await (await asAdmin.get(`/api/v1/channels/${demoId}`)).json()) as { name: string }).name).toBe('Demo');
  await asAdmin.dispose();
});
