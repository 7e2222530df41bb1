import { expect, test } from '@playwright/test';
import { admin, apiAs, signIn } from './support';

/**
 * Backups end to end through the dashboard and nginx: back up now, watch it finish over the live feed, download
 * the archive from its row (a one-time ticket in the link, as a link cannot carry the bearer), delete it, import
 * the downloaded file, find it listed again as verified, and restore it (typed confirmation, steps in the history).
 * The restore swaps the platform's database for that backup of itself, taken seconds before: the specs after this
 * one find the same data.
 */
test('back up, download, delete, import and restore from the backups page', async ({ page, context }) => {
  test.setTimeout(240_000);
  await signIn(context, page, admin(), '/settings/backups');
  await expect(page.getByRole('heading', { level: 1, name: 'Backups' })).toBeVisible();

  // The header's button (an empty list repeats it in its empty state).
  await page.getByRole('button', { name: 'Back up now' }).first().click();
  const started = page.getByText(/^Backup (\S+) started$/);
  await expect(started).toBeVisible();
  const name = /^Backup (\S+) started$/.exec((await started.textContent()) ?? '')![1]!;
  const row = page.locator(`[data-backup="${name}"]`);
  await expect(row.getByText('Completed')).toBeVisible({ timeout: 180_000 });

  const downloading = page.waitForEvent('download');
  await row.getByRole('button', { name: `Download ${name}` }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`${name}.tar`);
  const archive = await download.path();
  expect(await download.failure()).toBeNull();

  await row.getByRole('button', { name: `Delete ${name}` }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
  await expect(row).toHaveCount(0);

  await page.getByLabel('Backup archive to import').setInputFiles(archive);
  await expect(page.getByText(`${name} imported and verified`)).toBeVisible({ timeout: 120_000 });
  await expect(row.getByText('Verified')).toBeVisible();

  // Restore it: the name must be typed; the history shows each step live, then success, with an undo.
  await row.getByRole('button', { name: `Restore ${name}` }).click();
  const confirm = page.getByRole('dialog');
  await confirm.getByLabel('Type the backup name to confirm').fill(`${name}x`);
  await expect(confirm.getByRole('button', { name: 'Restore' })).toBeDisabled();
  await confirm.getByLabel('Type the backup name to confirm').fill(name);
  await confirm.getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByText(`Restore of ${name} started`)).toBeVisible();
  const restored = page.locator('[data-restore]').filter({ hasText: name }).first();
  await expect(restored.getByText('success')).toBeVisible({ timeout: 120_000 });
  await expect(restored.getByRole('list', { name: 'Steps' }).getByRole('listitem')).not.toHaveCount(0);
  await expect(restored.getByRole('button', { name: `Undo the restore of ${name}` })).toBeVisible();

  // The link's ticket was spent by that download.
  const api = await apiAs(admin());
  const { items } = (await (await api.get('/api/v1/backups')).json()) as { items: Array<{ id: string; name: string }> };
  const id = items.find((backup) => backup.name === name)!.id;
  const { url } = (await (await api.post(`/api/v1/backups/${id}/download-ticket`)).json()) as { url: string };
  expect((await page.request.get(url)).status()).toBe(200);
  expect((await page.request.get(url)).status()).toBe(401);
  await api.dispose();
});
