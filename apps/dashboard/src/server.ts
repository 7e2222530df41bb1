import { createHash } from 'node:crypto';
import { createServer, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { html, script, style } from './page';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

// The page's one script and one style are inline: their hashes allow exactly those and nothing injected.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src ${sha256(script)}`,
  `style-src ${sha256(style)}`,
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function send(response: ServerResponse, status: number, contentType: string, body: string, headers: OutgoingHttpHeaders = {}): void {
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  response.end(body);
}

const sendJson = (response: ServerResponse, status: number, body: unknown, headers?: OutgoingHttpHeaders) =>
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);

/** The placeholder dashboard: the status page at `/` and a liveness probe at `/healthz`. */
export function createDashboardServer(): Server {
  return createServer((request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendJson(response, 405, { error: 'method not allowed' }, { allow: 'GET, HEAD' });
      return;
    }
    const { pathname } = new URL(request.url ?? '/', 'http://dashboard');
    if (pathname === '/healthz') {
      sendJson(response, 200, { status: 'ok' });
    } else if (pathname === '/') {
      send(response, 200, 'text/html; charset=utf-8', html, { 'content-security-policy': CONTENT_SECURITY_POLICY });
    } else {
      sendJson(response, 404, { error: 'not found' });
    }
  });
}
