import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NetworkGuard } from '@castline/platform';
import { GuardedHttp, TargetForbiddenError } from './guarded-http';

/** Real HTTP servers on loopback; only the resolver is faked (a DNS answer is the outside input under test). */
function listen(host: string, handler: Parameters<typeof createServer>[1]): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, host, () => resolve(server)));
}
const portOf = (server: Server) => (server.address() as AddressInfo).port;

describe('GuardedHttp', () => {
  let allowed: Server;
  let denied: Server;
  const deniedHits: string[] = [];
  let port: number;

  beforeAll(async () => {
    allowed = await listen('127.0.0.1', (request, response) => {
      if (request.url === '/hop') {
        response.writeHead(302, { location: `/done` }).end();
      } else if (request.url?.startsWith('/loop')) {
        response.writeHead(302, { location: `/loop${Number(request.url.slice(5) || 0) + 1}` }).end();
      } else if (request.url === '/metadata') {
        response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      } else {
        response.end(`host=${request.headers.host}`);
      }
    });
    port = portOf(allowed);
    // 127.0.0.2 listens on the same port number where possible, so only the address differs.
    denied = await listen('127.0.0.2', (request, response) => {
      deniedHits.push(request.url ?? '');
      response.end('should never be reached');
    }).catch(() => listen('127.0.0.2', () => undefined));
  });
  afterAll(() => {
    allowed.close();
    denied.close();
  });

  it('connects to the address the guard approved, even when the name resolves elsewhere afterwards', async () => {
    let lookups = 0;
    const resolver = async () => (lookups++ === 0 ? ['127.0.0.1'] : ['127.0.0.2']);
    const http = new GuardedHttp(new NetworkGuard('127.0.0.1/32', resolver, { hostNames: true, unicastOnly: true }));
    const response = await http.request({ url: `http://rebind.test:${port}/`, timeoutMs: 2_000 });
    expect(response).toMatchObject({ status: 200, body: `host=rebind.test:${port}` });
    expect(deniedHits).toEqual([]);
    // The second time the resolver answers the refused address: refused before any connection.
    await expect(http.request({ url: `http://rebind.test:${portOf(denied)}/`, timeoutMs: 2_000 })).rejects.toThrow(TargetForbiddenError);
    expect(deniedHits).toEqual([]);
  });

  it('refuses loopback, metadata and IPv4-mapped targets unless allowed, and honours allowed host names', async () => {
    const strict = new GuardedHttp(new NetworkGuard(undefined, async () => ['127.0.0.1'], { hostNames: true, unicastOnly: true }));
    for (const url of [`http://127.0.0.1:${port}/`, 'http://169.254.169.254/', `http://[::ffff:127.0.0.1]:${port}/`, 'http://[fd00:ec2::254]/', `http://localhost:${port}/`]) {
      await expect(strict.request({ url, timeoutMs: 1_000 })).rejects.toThrow(TargetForbiddenError);
    }
    await expect(strict.request({ url: 'file:///etc/passwd', timeoutMs: 1_000 })).rejects.toThrow('file: is not http: or https:');
    const named = new GuardedHttp(new NetworkGuard('status.internal', async () => ['127.0.0.1'], { hostNames: true, unicastOnly: true }));
    expect((await named.request({ url: `http://status.internal:${port}/`, timeoutMs: 1_000 })).status).toBe(200);
  });

  it('follows up to maxRedirects hops, checking each one', async () => {
    const http = new GuardedHttp(new NetworkGuard('127.0.0.1/32', undefined, { hostNames: true, unicastOnly: true }));
    expect(await http.request({ url: `http://127.0.0.1:${port}/hop`, timeoutMs: 2_000, maxRedirects: 5 })).toMatchObject({ status: 200, url: `http://127.0.0.1:${port}/done` });
    expect(await http.request({ url: `http://127.0.0.1:${port}/hop`, timeoutMs: 2_000 })).toMatchObject({ status: 302 });
    const looping = await http.request({ url: `http://127.0.0.1:${port}/loop0`, timeoutMs: 2_000, maxRedirects: 5 });
    expect(looping).toMatchObject({ status: 302, url: `http://127.0.0.1:${port}/loop5` });
    await expect(http.request({ url: `http://127.0.0.1:${port}/metadata`, timeoutMs: 2_000, maxRedirects: 5 })).rejects.toThrow(/169\.254\.169\.254/);
  });
});
