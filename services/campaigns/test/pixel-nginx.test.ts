import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestNginx, type TestNginx } from '@castline/testkit';
import { PIXEL_GIF } from '../src/tracking/tracking.controller';

/**
 * /px.gif through the real nginx (the repo's templates): a shop's page gets a 1x1 GIF even when nginx
 * rate-limits the pixel or campaigns fails or is down. A plain HTTP server stands in for campaigns.
 */
describe('the conversion pixel through nginx', () => {
  let nginx: TestNginx;
  let upstream: Server;
  let hlsRoot: string;
  let upstreamHits = 0;

  beforeAll(async () => {
    hlsRoot = mkdtempSync(path.join(tmpdir(), 'castline-pixel-hls-'));
    upstream = createServer((request, response) => {
      upstreamHits += 1;
      if (request.url?.includes('fail=1')) {
        response.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"code":"INTERNAL"}}');
        return;
      }
      response.writeHead(200, { 'content-type': 'image/gif', 'cache-control': 'no-store, max-age=0', 'x-test-upstream': 'campaigns' }).end(PIXEL_GIF);
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    nginx = await startTestNginx({ hlsRoot, env: { CAMPAIGNS_UPSTREAM: `127.0.0.1:${(upstream.address() as AddressInfo).port}` } });
  });
  afterAll(async () => {
    await nginx?.stop();
    if (upstream?.listening) await new Promise((resolve) => upstream.close(resolve));
    rmSync(hlsRoot, { recursive: true, force: true });
  });

  const pixel = async (query = '') => {
    const response = await fetch(`${nginx.baseUrl}/px.gif?id=p1${query.includes('order=') ? '' : '&order=o1'}${query}`);
    const body = Buffer.from(await response.arrayBuffer());
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      cache: response.headers.get('cache-control'),
      gif: body.subarray(0, 6).toString() === 'GIF89a' && body.length < 100,
      fromCampaigns: response.headers.get('x-test-upstream') === 'campaigns',
    };
  };
  const gif = { status: 200, type: 'image/gif', cache: 'no-store, max-age=0', gif: true };
  /**
   * The access-log line of the request whose query carries `order=<order>`. nginx logs after the response has
   * gone out, so the line can land a moment after the client has it: polled for up to 5 s.
   */
  const loggedFor = async (order: string) => {
    for (let waited = 0; ; waited += 50) {
      const line = readFileSync(nginx.accessLog, 'utf8')
        .split('\n')
        .find((each) => each.includes(`order=${order}`));
      if (line) return JSON.parse(line) as { uri?: string; status: number; upstream_status: string };
      if (waited >= 5_000) throw new Error(`no access-log line for order=${order}`);
      await sleep(50);
    }
  };

  it('passes the GIF of campaigns through; a campaigns error is answered with nginx\'s own GIF', async () => {
    expect(await pixel()).toEqual({ ...gif, fromCampaigns: true });
    expect(await pixel('&order=failing&fail=1')).toEqual({ ...gif, fromCampaigns: false });
    expect(await loggedFor('failing')).toMatchObject({ status: 200, upstream_status: '500' });
  });

  it('a rate-limited pixel (429) is still a GIF', async () => {
    const hits = upstreamHits;
    const answers = await Promise.all(Array.from({ length: 70 }, () => pixel()));
    expect(answers.filter((answer) => answer.status !== 200 || !answer.gif || answer.type !== 'image/gif')).toEqual([]);
    // burst=40 at 10 r/s: some never reached campaigns.
    const limited = answers.filter((answer) => !answer.fromCampaigns).length;
    expect(limited).toBeGreaterThan(0);
    expect(upstreamHits - hits).toBe(70 - limited);
  });

  it('campaigns down (502) is still a GIF', async () => {
    const closed = new Promise((resolve) => upstream.close(resolve));
    upstream.closeAllConnections();
    await closed;
    // Let the rate limiter's bucket drain, so that this request reaches for the upstream.
    await sleep(1_500);
    expect(await pixel('&order=down')).toEqual({ ...gif, fromCampaigns: false });
    expect(await loggedFor('down')).toMatchObject({ status: 200, upstream_status: '502' });
  });
});
