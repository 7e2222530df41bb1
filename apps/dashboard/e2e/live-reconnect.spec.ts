import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { findGateway, GATEWAY_PORT, REPLACEMENT_GATEWAY_PID_FILE } from './platform';
import { admin, apiAs, signIn } from './support';

let demoId = '';

test.afterAll(async () => {
  if (demoId) {
    const api = await apiAs(admin());
    await api.post(`/api/v1/channels/${demoId}/stop`);
    await api.dispose();
  }
});

async function gatewayAnswers(): Promise<boolean> {
  return fetch(`http://127.0.0.1:${GATEWAY_PORT}/api/v1/health`).then(
    () => true,
    () => false,
  );
}

test('the live charts reconnect after the gateway restarts', async ({ page, context }) => {
  const api = await apiAs(admin());
  const { items } = (await (await api.get('/api/v1/channels?search=demo')).json()) as { items: Array<{ id: string; slug: string }> };
  demoId = items.find((channel) => channel.slug === 'demo')!.id;
  expect((await api.post(`/api/v1/channels/${demoId}/start`)).status()).toBeLessThan(300);
  await api.dispose();

  await signIn(context, page, admin(), `/channels/${demoId}`);
  const connection = page.getByRole('status').filter({ hasText: /^(Connected|Reconnecting…|Connecting…|Offline)$/ });
  await expect(connection).toHaveText('Connected');
  // "Live" is the channel's own badge: shown while new segments arrive, not for the socket.
  await expect(page.locator('[data-on-air="true"]')).toHaveText('Live', { timeout: 45_000 });
  const stats = page.getByTestId('live-stats');

  // A restart as an operator does it: SIGTERM (graceful), then the same command with the same environment.
  const gateway = findGateway();
  process.kill(gateway.pid, 'SIGTERM');
  await expect.poll(gatewayAnswers, { timeout: 20_000 }).toBe(false);
  await expect(connection).toHaveText('Reconnecting…');

  // It serves the tests after this one too; it is not start.mjs's child, so global-teardown stops it.
  const replacement = spawn(process.execPath, ['services/gateway/dist/main.js'], { cwd: gateway.cwd, env: gateway.env, stdio: 'ignore', detached: true });
  writeFileSync(REPLACEMENT_GATEWAY_PID_FILE, String(replacement.pid));
  replacement.unref();
  await expect.poll(gatewayAnswers, { timeout: 30_000 }).toBe(true);
  await expect(connection).toHaveText('Connected', { timeout: 45_000 });
  // The badge follows the subscription reply; what matters is that metrics flow again: a new frame arrives.
  const afterReconnect = await stats.getAttribute('data-sampled-at');
  await expect.poll(() => stats.getAttribute('data-sampled-at'), { timeout: 15_000 }).not.toBe(afterReconnect);
});
