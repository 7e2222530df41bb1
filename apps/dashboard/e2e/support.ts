import { randomBytes } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import { type APIRequestContext, type BrowserContext, expect, type Page, request as playwrightRequest } from '@playwright/test';
import { platform } from './platform';

export interface Credentials {
  email: string;
  password: string;
}

export const admin = (): Credentials => ({ email: platform().adminEmail, password: platform().adminPassword });

/** An API client on the gateway itself, signed in with a bearer token (test set-up, not what is under test). */
export async function apiAs(credentials: Credentials): Promise<APIRequestContext> {
  const anonymous = await playwrightRequest.newContext({ baseURL: platform().gatewayUrl });
  const login = await anonymous.post('/api/v1/auth/login', { data: credentials });
  expect(login.status(), await login.text()).toBe(200);
  const { accessToken } = (await login.json()) as { accessToken: string };
  await anonymous.dispose();
  return playwrightRequest.newContext({ baseURL: platform().gatewayUrl, extraHTTPHeaders: { authorization: `Bearer ${accessToken}` } });
}

/** A new account with the role, created by the admin. */
export async function createUser(role: 'admin' | 'operator' | 'viewer'): Promise<Credentials> {
  const api = await apiAs(admin());
  const credentials = { email: `${role}-${randomBytes(4).toString('hex')}@e2e.castline`, password: randomBytes(12).toString('base64url') };
  const created = await api.post('/api/v1/users', { data: { ...credentials, name: `E2E ${role}`, role } });
  expect(created.status(), await created.text()).toBe(201);
  await api.dispose();
  return credentials;
}

/** Signs in through the login form, as a person does. */
export async function signInWithForm(page: Page, credentials: Credentials): Promise<void> {
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * Signs the browser context in without the form (the gateway sets its httpOnly refresh cookie, shared by every
 * port of localhost), then opens `path`: the dashboard starts from that cookie like after a reload.
 */
export async function signIn(context: BrowserContext, page: Page, credentials: Credentials, path = '/'): Promise<void> {
  const login = await context.request.post(`${platform().gatewayUrl}/api/v1/auth/login`, { data: { ...credentials, session: 'cookie', remember: true } });
  expect(login.status(), await login.text()).toBe(200);
  await page.goto(path);
  await expect(page.getByRole('button', { name: /^Account:/ })).toBeVisible();
}

/** axe-core with the WCAG 2.1 A/AA rules: the serious and critical violations, described for the failure message. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.impact} ${violation.id}: ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).slice(0, 3).join(' | ')}`);
}

/** A PNG logo made by FFmpeg (a white square on a coloured background). */
export async function logoPng(): Promise<Buffer> {
  const { execFileSync } = await import('node:child_process');
  return execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=orange:s=160x60', '-frames:v', '1', '-f', 'image2', '-c:v', 'png', 'pipe:1']);
}
