import { expect, test } from '@playwright/test';
import { admin, signInWithForm } from './support';

test('a wrong password is refused with a message, the right one signs in', async ({ page }) => {
  await page.goto('/login');
  await signInWithForm(page, { email: admin().email, password: 'not-the-password' });
  await expect(page.getByRole('alert').filter({ hasText: /incorrect/i })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);

  await signInWithForm(page, admin());
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
});

test('a signed-out visitor is sent to the login page and back to the page asked for', async ({ page }) => {
  await page.goto('/channels');
  await expect(page).toHaveURL(/\/login\?next=%2Fchannels$/);
  await signInWithForm(page, admin());
  await expect(page).toHaveURL(/\/channels$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Channels' })).toBeVisible();
});

test('the session survives a reload through the refresh cookie, and signing out ends it in every tab', async ({ page, context }) => {
  await page.goto('/login');
  await signInWithForm(page, admin());
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();

  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  const second = await context.newPage();
  await second.goto('/monitoring');
  await expect(second.getByRole('heading', { level: 1, name: 'System' })).toBeVisible();

  await page.getByRole('button', { name: /^Account:/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/login/);
  // The other tab hears about it and leaves too.
  await expect(second).toHaveURL(/\/login/);
  // The refresh cookie is gone: a reload stays signed out.
  await page.goto('/settings/users');
  await expect(page).toHaveURL(/\/login\?next=/);
});

test('the login page refuses to redirect off-site', async ({ page }) => {
  await page.goto('/login?next=//evil.example/');
  await signInWithForm(page, admin());
  await expect(page).toHaveURL(/^http:\/\/localhost:\d+\/$/);
});

test('signing out everywhere ends the sessions of other browsers too, at once where they watch live numbers', async ({ page, browser }) => {
  const elsewhere = await browser.newContext();
  const otherPage = await elsewhere.newPage();
  const otherSocketLive = new Promise<void>((resolve) =>
    otherPage.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => String(payload).startsWith('{"type":"subscriptions"') && resolve())),
  );
  await otherPage.goto('/login?next=%2Fchannels');
  await signInWithForm(otherPage, admin());
  await expect(otherPage.getByRole('heading', { level: 1, name: 'Channels' })).toBeVisible();
  await otherSocketLive;

  await page.goto('/login');
  await signInWithForm(page, admin());
  await page.getByRole('button', { name: /^Account:/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out everywhere' }).click();
  await expect(page).toHaveURL(/\/login/);

  // The gateway closes the other browser's live socket (4401); its refresh cookie no longer works, so it is
  // sent to sign in without touching anything, instead of when its access token runs out.
  await expect(otherPage).toHaveURL(/\/login\?next=%2Fchannels$/, { timeout: 10_000 });
  await otherPage.reload();
  await expect(otherPage).toHaveURL(/\/login\?next=%2Fchannels$/);
  await elsewhere.close();
});
