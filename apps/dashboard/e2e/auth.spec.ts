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

test('signing out everywhere ends the sessions of other browsers too', async ({ page, browser }) => {
  const elsewhere = await browser.newContext();
  const otherPage = await elsewhere.newPage();
  await otherPage.goto('/login');
  await signInWithForm(otherPage, admin());
  await expect(otherPage.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();

  await page.goto('/login');
  await signInWithForm(page, admin());
  await page.getByRole('button', { name: /^Account:/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out everywhere' }).click();
  await expect(page).toHaveURL(/\/login/);

  // The other browser's refresh cookie no longer works: its next page load asks it to sign in.
  await otherPage.goto('/channels');
  await expect(otherPage).toHaveURL(/\/login\?next=%2Fchannels$/);
  await elsewhere.close();
});
