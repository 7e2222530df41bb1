import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createDashboardServer } from '../src/server';
import { script, style } from '../src/page';

const server = createDashboardServer();
let base: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('dashboard placeholder', () => {
  it('serves the status page with links to the API and a CSP that allows exactly its inline script and style', async () => {
    const response = await fetch(`${base}/`);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html).toContain('<title>Castline</title>');
    expect(html).toContain('href="/api/docs"');
    expect(html).toContain('href="/api/v1/health"');
    expect(html).toContain(`<script>${script}</script>`);
    expect(html).toContain(`<style>${style}</style>`);
    const policy = response.headers.get('content-security-policy');
    expect(policy).toContain(`script-src ${sha256(script)}`);
    expect(policy).toContain(`style-src ${sha256(style)}`);
    expect(policy).toContain("connect-src 'self'");
  });

  it('polls the gateway health through the same origin every 5 s', () => {
    expect(script).toContain("fetch('/api/v1/health'");
    expect(script).toContain('setInterval(refresh, 5000)');
  });

  it('answers /healthz for probes', async () => {
    const response = await fetch(`${base}/healthz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers HEAD without a body', async () => {
    const response = await fetch(`${base}/`, { method: 'HEAD' });

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('rejects unknown paths with 404 and other methods with 405', async () => {
    const missing = await fetch(`${base}/channels`);
    const posted = await fetch(`${base}/`, { method: 'POST', body: '{}' });

    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not found' });
    expect(posted.status).toBe(405);
    expect(posted.headers.get('allow')).toBe('GET, HEAD');
  });
});
