import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Permission, PERMISSIONS, ROLES, roleHas } from '@castline/contracts';
import { createPrismaClient } from '@castline/db';
import { ADMIN, bearer, inProcessServiceEnv, login, type ServiceProcess, spawnService, startTestGateway, type TestGateway, userWithRole } from '@castline/testkit';
import WebSocket from 'ws';

type Role = 'admin' | 'operator' | 'viewer';
const EVERYONE: Role[] = ['admin', 'operator', 'viewer'];
const ADMIN_ONLY: Role[] = ['admin'];
const OPERATORS: Role[] = ['admin', 'operator'];

/**
 * Who may call each route: the permission matrix of docs/ARCHITECTURE.md, route by route. Every route the
 * gateway serves must be listed here, so a new route cannot ship without a decision.
 */
const MATRIX: Record<string, Role[] | 'public'> = {
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/refresh': 'public',
  'POST /api/v1/auth/logout': 'public',
  'GET /api/v1/auth/me': EVERYONE,
  'GET /api/v1/users': ADMIN_ONLY,
  'POST /api/v1/users': ADMIN_ONLY,
  'GET /api/v1/users/{id}': ADMIN_ONLY,
  'PATCH /api/v1/users/{id}': ADMIN_ONLY,
  'DELETE /api/v1/users/{id}': ADMIN_ONLY,
  'GET /api/v1/api-keys': ADMIN_ONLY,
  'POST /api/v1/api-keys': ADMIN_ONLY,
  'DELETE /api/v1/api-keys/{id}': ADMIN_ONLY,
  'GET /api/v1/audit': ADMIN_ONLY,
  'GET /api/v1/activity': EVERYONE,
  'GET /api/v1/monitoring/system': EVERYONE,
  'GET /api/v1/monitoring/processes': EVERYONE,
  'GET /api/v1/monitoring/streams': EVERYONE,
  'GET /api/v1/channels': EVERYONE,
  'POST /api/v1/channels': OPERATORS,
  'GET /api/v1/channels/{id}': EVERYONE,
  'GET /api/v1/channels/{id}/metrics': EVERYONE,
  'GET /api/v1/channels/{id}/logs': EVERYONE,
  'GET /api/v1/channels/{id}/thumbnail': EVERYONE,
  'PATCH /api/v1/channels/{id}': OPERATORS,
  'DELETE /api/v1/channels/{id}': OPERATORS,
  'POST /api/v1/channels/{id}/start': OPERATORS,
  'POST /api/v1/channels/{id}/stop': OPERATORS,
  'POST /api/v1/channels/{id}/restart': OPERATORS,
  'POST /api/v1/channels/bulk': OPERATORS,
  'GET /api/v1/channels/{id}/playback': EVERYONE,
  'POST /api/v1/channels/{id}/playback/revoke': OPERATORS,
  'GET /api/v1/channels/{id}/events': EVERYONE,
  'GET /api/v1/channels/{id}/schedule': EVERYONE,
  'GET /api/v1/channels/stream': EVERYONE,
  'GET /api/v1/settings/presets': EVERYONE,
  'POST /api/v1/settings/presets': ADMIN_ONLY,
  'PUT /api/v1/settings/presets/{id}': ADMIN_ONLY,
  'DELETE /api/v1/settings/presets/{id}': ADMIN_ONLY,
  'GET /api/v1/backups': ADMIN_ONLY,
  'GET /api/v1/backups/{id}': ADMIN_ONLY,
  'GET /api/v1/backups/restores': ADMIN_ONLY,
  'GET /api/v1/backups/restores/{id}': ADMIN_ONLY,
  'GET /api/v1/backups/settings': ADMIN_ONLY,
  'POST /api/v1/backups/retention/preview': ADMIN_ONLY,
  'POST /api/v1/backups': ADMIN_ONLY,
  'DELETE /api/v1/backups/{id}': ADMIN_ONLY,
  'POST /api/v1/backups/{id}/verify': ADMIN_ONLY,
  'PUT /api/v1/backups/settings': ADMIN_ONLY,
  'POST /api/v1/backups/{id}/restore': ADMIN_ONLY,
  'POST /api/v1/backups/restores/{id}/undo': ADMIN_ONLY,
  // nginx auth_request of backup downloads (backups:read) and imports (backups:restore)
  'GET /api/v1/backups/transfer-auth/download': ADMIN_ONLY,
  'GET /api/v1/backups/transfer-auth/download-ticket': 'public',
  'POST /api/v1/backups/{id}/download-ticket': ADMIN_ONLY,
  'GET /api/v1/backups/transfer-auth/import': ADMIN_ONLY,
  'POST /api/v1/uploads/logo': OPERATORS,
  'GET /api/v1/uploads/{id}/content': EVERYONE,
  'DELETE /api/v1/uploads/{id}': OPERATORS,
  'GET /api/v1/campaigns': EVERYONE,
  'GET /api/v1/campaigns/analytics': EVERYONE,
  'GET /api/v1/campaigns/{id}': EVERYONE,
  'GET /api/v1/campaigns/{id}/creatives': EVERYONE,
  'POST /api/v1/campaigns': OPERATORS,
  'PATCH /api/v1/campaigns/{id}': OPERATORS,
  'DELETE /api/v1/campaigns/{id}': OPERATORS,
  'GET /api/v1/campaigns/accounts': EVERYONE,
  'GET /api/v1/campaigns/accounts/{id}': EVERYONE,
  'GET /api/v1/campaigns/accounts/{id}/runs': EVERYONE,
  'POST /api/v1/campaigns/accounts': ADMIN_ONLY,
  'POST /api/v1/campaigns/accounts/discover': ADMIN_ONLY,
  'PATCH /api/v1/campaigns/accounts/{id}': ADMIN_ONLY,
  'POST /api/v1/campaigns/accounts/{id}/pause': ADMIN_ONLY,
  'POST /api/v1/campaigns/accounts/{id}/resume': ADMIN_ONLY,
  'POST /api/v1/campaigns/accounts/{id}/sync': OPERATORS,
  'GET /api/v1/monitoring/checks': EVERYONE,
  'GET /api/v1/monitoring/checks/{id}/history': EVERYONE,
  'POST /api/v1/monitoring/checks': OPERATORS,
  'PATCH /api/v1/monitoring/checks/{id}': OPERATORS,
  'DELETE /api/v1/monitoring/checks/{id}': OPERATORS,
  'GET /api/v1/alerts': EVERYONE,
  'POST /api/v1/alerts/{id}/ack': OPERATORS,
  'GET /api/v1/alerts/rules': EVERYONE,
  'POST /api/v1/alerts/rules': OPERATORS,
  'PATCH /api/v1/alerts/rules/{id}': OPERATORS,
  'DELETE /api/v1/alerts/rules/{id}': OPERATORS,
  'GET /api/v1/alerts/silences': EVERYONE,
  'POST /api/v1/alerts/silences': OPERATORS,
  'DELETE /api/v1/alerts/silences/{id}': OPERATORS,
  'GET /api/v1/alerts/maintenance': EVERYONE,
  'POST /api/v1/alerts/maintenance': OPERATORS,
  'DELETE /api/v1/alerts/maintenance/{id}': OPERATORS,
  'GET /api/v1/alerts/receivers': EVERYONE,
  'GET /api/v1/alerts/receivers/{id}/deliveries': EVERYONE,
  'POST /api/v1/alerts/receivers': ADMIN_ONLY,
  'PATCH /api/v1/alerts/receivers/{id}': ADMIN_ONLY,
  'DELETE /api/v1/alerts/receivers/{id}': ADMIN_ONLY,
  'POST /api/v1/alerts/receivers/{id}/test': ADMIN_ONLY,
  'POST /api/v1/alerts/receivers/test': ADMIN_ONLY,
  'POST /api/v1/alerts/alertmanager': OPERATORS,
  'GET /api/v1/monitoring/api-metrics': EVERYONE,
  'GET /api/v1/logs': OPERATORS,
  'GET /api/v1/logs/export': OPERATORS,
  'GET /api/v1/logs/stream': OPERATORS,
  'GET /api/v1/logs/{id}': OPERATORS,
  'GET /api/v1/notifications': EVERYONE,
  'POST /api/v1/notifications/read': EVERYONE,
  'GET /api/v1/campaigns/links': EVERYONE,
  'POST /api/v1/campaigns/links': OPERATORS,
  'DELETE /api/v1/campaigns/links/{id}': OPERATORS,
  // conversions:write (not campaigns:write): what a shop's API key is limited to
  'POST /api/v1/campaigns/conversions': OPERATORS,
  'GET /api/v1/media/upload-auth': OPERATORS,
  'GET /api/v1/media/videos': EVERYONE,
  'GET /api/v1/media/videos/{id}': EVERYONE,
  'PATCH /api/v1/media/videos/{id}': OPERATORS,
  'DELETE /api/v1/media/videos/{id}': OPERATORS,
  'POST /api/v1/media/videos/{id}/reprocess': OPERATORS,
  'GET /api/v1/media/videos/{id}/download': EVERYONE,
  'GET /api/v1/health': 'public',
  'GET /metrics': 'public',
  'GET /healthz': 'public',
  // traffic-logger: sites of the tracker
  'GET /api/v1/sites': EVERYONE,
  'GET /api/v1/sites/{id}': EVERYONE,
  'POST /api/v1/sites': ADMIN_ONLY,
  'PATCH /api/v1/sites/{id}': ADMIN_ONLY,
  'DELETE /api/v1/sites/{id}': ADMIN_ONLY,
  // traffic-logger: site analytics and channel viewer charts
  'GET /api/v1/analytics/summary': EVERYONE,
  'GET /api/v1/analytics/series': EVERYONE,
  'GET /api/v1/analytics/top': EVERYONE,
  'GET /api/v1/analytics/live': EVERYONE,
  'GET /api/v1/analytics/live/stream': EVERYONE,
  'GET /api/v1/analytics/channel-viewers': EVERYONE,
  // traffic-logger: search, saved searches, history, journey, export
  'POST /api/v1/traffic/search': EVERYONE,
  'GET /api/v1/traffic/sessions/{id}/journey': EVERYONE,
  'GET /api/v1/traffic/saved-searches': EVERYONE,
  'POST /api/v1/traffic/saved-searches': EVERYONE,
  'DELETE /api/v1/traffic/saved-searches/{id}': EVERYONE,
  'GET /api/v1/traffic/search-history': EVERYONE,
  'DELETE /api/v1/traffic/search-history': EVERYONE,
  'POST /api/v1/traffic/export': OPERATORS,
};

let gateway: TestGateway;
/**
 * The services the gateway asks for channel and monitoring routes: an admitted call must get a real answer.
 * They run from their builds as their own processes (a gateway test never imports another service's code).
 */
let services: ServiceProcess[] = [];
const uploadsDir = mkdtempSync(path.join(tmpdir(), 'castline-rbac-uploads-'));
const backupDir = mkdtempSync(path.join(tmpdir(), 'castline-rbac-backups-'));
const tokens: Partial<Record<Role, string>> = {};

beforeAll(async () => {
  gateway = await startTestGateway('rbac');
  const env = { ...inProcessServiceEnv(gateway.databaseUrl), UPLOADS_DIR: uploadsDir };
  const backupEnv = { BACKUP_DIR: backupDir, REDIS_KEY_PREFIX: `castline:test:rbac-backup:${randomUUID()}:`, BACKUP_ENCRYPTION_KEY: 'rbac-test-backup-key-0123456789abcdef' };
  services = await Promise.all([spawnService('channels', env), spawnService('monitoring', env), spawnService('campaigns', { ...env, AD_SYNC_WORKER: 'off' }), spawnService('backup', { ...env, ...backupEnv }), spawnService('media', { ...env, MEDIA_ROOT: uploadsDir }), spawnService('traffic-logger', env)]);
  const admin = await login(gateway.app, ADMIN.email, ADMIN.password);
  tokens.admin = admin.accessToken;
  tokens.operator = (await userWithRole(gateway.app, admin.accessToken, 'operator')).accessToken;
  tokens.viewer = (await userWithRole(gateway.app, admin.accessToken, 'viewer')).accessToken;
});
afterAll(async () => {
  for (const service of services) await service.stop();
  await gateway.close();
  rmSync(uploadsDir, { recursive: true, force: true });
  rmSync(backupDir, { recursive: true, force: true });
});

async function servedRoutes(): Promise<string[]> {
  const response = await gateway.app.inject({ method: 'GET', url: '/api/docs/openapi.json' });
  const document = response.json<{ paths: Record<string, Record<string, unknown>> }>();
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/** Routes that answer with a stream (server-sent events that never end, downloads piped from a service). */
const STREAMING_ROUTES = new Set(['GET /api/v1/channels/stream', 'POST /api/v1/traffic/export', 'GET /api/v1/logs/stream', 'GET /api/v1/analytics/live/stream']);

/**
 * Calls a route with a throwaway id and an empty body: the guard decides before any validation. A streaming
 * route is injected with payloadAsStream (inject resolves once the headers are out): when it is admitted the
 * stream is dropped unread, when refused its JSON error body is read like any other.
 */
async function call(route: string, token?: string): Promise<{ status: number; code: string | undefined }> {
  const [method, path] = route.split(' ') as [string, string];
  const streaming = STREAMING_ROUTES.has(route);
  const response = await gateway.app.inject({
    method: method as 'GET',
    url: path.replace('{id}', randomUUID()),
    headers: token ? bearer(token) : {},
    payload: method === 'GET' || method === 'DELETE' ? undefined : {},
    payloadAsStream: streaming,
  });
  const isJson = response.headers['content-type']?.includes('json') ?? false;
  if (!streaming) return { status: response.statusCode, code: isJson ? response.json()?.error?.code : undefined };
  const stream = response.stream();
  if (!isJson) {
    stream.destroy();
    return { status: response.statusCode, code: undefined };
  }
  let body = '';
  for await (const chunk of stream) body += String(chunk);
  return { status: response.statusCode, code: (JSON.parse(body) as { error?: { code?: string } }).error?.code };
}

const refusedBy = (status: number, code: string | undefined) =>
  (status === 401 && code === 'UNAUTHENTICATED') || (status === 403 && code === 'FORBIDDEN');

it('lists every served route in the matrix, and nothing else', async () => {
  expect((await servedRoutes()).sort()).toEqual(Object.keys(MATRIX).sort());
});

const cases = Object.entries(MATRIX).flatMap(([route, allowed]) =>
  (['anonymous', ...EVERYONE] as const).map((caller) => ({
    route,
    caller,
    expected: allowed === 'public' || (caller !== 'anonymous' && allowed.includes(caller)) ? 'allowed' : 'refused',
  })),
);

it.each(cases)('$route as $caller is $expected', async ({ route, caller, expected }) => {
  const { status, code } = await call(route, caller === 'anonymous' ? undefined : tokens[caller]);
  if (expected === 'allowed') {
    expect(refusedBy(status, code)).toBe(false);
    // Admitted means answered: not a crash, not a service that is missing. The platform health is 503 by
    // design while services this test does not start (media, backup...) are down.
    if (route === 'GET /api/v1/health') expect([200, 503]).toContain(status);
    else expect(status).toBeLessThan(500);
  } else {
    expect(status).toBe(caller === 'anonymous' ? 401 : 403);
    expect(code).toBe(caller === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  }
});

/** The permission matrix of docs/ARCHITECTURE.md, read back: permission -> roles with a ✓, and its routes. */
function documentedMatrix(): Array<{ permission: string; roles: Role[]; routes: string[] }> {
  const doc = readFileSync(path.resolve(__dirname, '../../../docs/ARCHITECTURE.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Permission matrix'), doc.indexOf('\n## ', doc.indexOf('## Permission matrix') + 1));
  return section
    .split('\n')
    .filter((line) => /^\| (`[\w:-]+`|\(public\)) \|/.test(line))
    .map((line) => {
      const [permission, admin, operator, viewer, routes] = line.split('|').slice(1, -1).map((cell) => cell.trim()) as [string, string, string, string, string];
      const roles = (['admin', 'operator', 'viewer'] as const).filter((_, index) => [admin, operator, viewer][index] === '✓');
      let method = 'GET';
      const paths: string[] = [];
      // `METHOD /path` sets the method for the plain `/path`s after it; WebSocket routes are not in OpenAPI.
      for (const match of routes.matchAll(/(WebSocket )?`([^`]+)`/g)) {
        if (match[1]) continue;
        const [first, second] = match[2]!.split(' ');
        if (second) method = first!;
        const route = (second ?? first)!.replace(/:id\b/g, '{id}');
        paths.push(`${method} ${['/metrics', '/healthz'].includes(route) ? route : `/api/v1${route}`}`);
      }
      return { permission: permission.replace(/`/g, ''), roles, routes: paths };
    });
}

it('matches the permission matrix of docs/ARCHITECTURE.md: roles with permissions.ts, routes with the served ones', () => {
  const documented = documentedMatrix();
  for (const { permission, roles } of documented.filter((row) => row.permission !== '(public)')) {
    expect({ permission, roles }).toEqual({ permission, roles: ROLES.filter((role) => roleHas(role, permission as Permission)) });
  }
  expect(documented.map((row) => row.permission).filter((permission) => permission !== '(public)').sort()).toEqual([...PERMISSIONS].sort());
  const documentedRoutes = Object.fromEntries(
    documented.flatMap(({ permission, roles, routes }) => routes.map((route) => [route, permission === '(public)' ? 'public' : roles])),
  );
  expect(documentedRoutes).toEqual(MATRIX);
});

/** An API key of `role` limited to `permissions` (absent: the whole role), created by the admin. */
async function apiKey(name: string, role: Role, permissions?: Permission[]): Promise<string> {
  const created = await gateway.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: bearer(tokens.admin!), payload: { name, role, permissions } });
  expect(created.statusCode).toBe(201);
  expect(created.json()).toMatchObject({ role, permissions: permissions ?? [] });
  return created.json<{ key: string }>().key;
}

describe('an API key limited to conversions:write (a shop posting conversions)', () => {
  const CONVERSIONS = 'POST /api/v1/campaigns/conversions';
  let prisma: ReturnType<typeof createPrismaClient>;
  let shopKey: string;
  let accountId: string;
  beforeAll(async () => {
    shopKey = await apiKey('shop conversions', 'operator', ['conversions:write']);
    prisma = createPrismaClient(gateway.databaseUrl);
    // An ad account to post conversions for (connecting one through the API checks its credentials with Meta).
    const account = await prisma.adAccount.create({
      data: { platform: 'meta', externalId: `rbac-${randomUUID()}`, name: 'Shop account', currency: 'EUR', timezone: 'UTC', credentials: 'unused', credentialsLast4: '0000', pixelId: `px-${randomUUID()}` },
    });
    accountId = account.id;
  });
  afterAll(() => prisma?.$disconnect());

  const post = (headers: Record<string, string>, orderId: string) =>
    gateway.app.inject({ method: 'POST', url: '/api/v1/campaigns/conversions', headers, payload: { accountId, type: 'purchase', value: 49.9, currency: 'EUR', orderId } });

  it('posts a valid conversion through the gateway to campaigns, which stores it', async () => {
    const response = await post({ 'x-api-key': shopKey }, 'shop-order-1');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ duplicate: false, attributedBy: 'none' });
    const stored = await prisma.conversionEvent.findFirstOrThrow({ where: { accountId, orderId: 'shop-order-1' } });
    expect(stored).toMatchObject({ type: 'purchase', valueMicros: 49_900_000n, currency: 'EUR', source: 's2s' });
  });

  it('a whole operator key, an operator and an admin still post conversions', async () => {
    const operatorKey = await apiKey('operator automation', 'operator');
    for (const [caller, headers] of [['operator key', { 'x-api-key': operatorKey }], ['operator', bearer(tokens.operator!)], ['admin', bearer(tokens.admin!)]] as const) {
      const response = await post(headers, `order-of-${caller}`);
      expect({ caller, status: response.statusCode }).toEqual({ caller, status: 200 });
    }
    expect(await prisma.conversionEvent.count({ where: { accountId, orderId: { startsWith: 'order-of-' } } })).toBe(3);
  });

  it('is refused every other route of its role, valid requests included, and changes nothing', async () => {
    for (const route of Object.keys(MATRIX).filter((route) => MATRIX[route] !== 'public' && route !== CONVERSIONS)) {
      const { status, code } = await call(route, shopKey);
      expect({ route, status, code }).toEqual({ route, status: 403, code: 'FORBIDDEN' });
    }
    // Valid bodies on real ids: what campaigns:write allows a whole key, this one is refused before it.
    const campaign = await gateway.app.inject({ method: 'POST', url: '/api/v1/campaigns', headers: bearer(tokens.operator!), payload: { name: 'Spring', currency: 'EUR' } });
    expect(campaign.statusCode).toBe(201);
    const campaignId = campaign.json<{ id: string }>().id;
    const link = await gateway.app.inject({ method: 'POST', url: '/api/v1/campaigns/links', headers: bearer(tokens.operator!), payload: { name: 'Spring ad', destinationUrl: 'https://shop.example/' } });
    expect(link.statusCode).toBe(201);
    const linkId = link.json<{ id: string }>().id;
    const refused = [
      ['POST', '/api/v1/campaigns', { name: 'Shop campaign', currency: 'EUR' }],
      ['PATCH', `/api/v1/campaigns/${campaignId}`, { name: 'Renamed by the shop' }],
      ['DELETE', `/api/v1/campaigns/${campaignId}`, undefined],
      ['POST', '/api/v1/campaigns/links', { name: 'Shop link', destinationUrl: 'https://evil.example/' }],
      ['DELETE', `/api/v1/campaigns/links/${linkId}`, undefined],
      ['POST', `/api/v1/campaigns/accounts/${accountId}/sync`, {}],
      ['GET', '/api/v1/campaigns', undefined],
      ['GET', `/api/v1/campaigns/${campaignId}`, undefined],
    ] as const;
    for (const [method, url, payload] of refused) {
      const response = await gateway.app.inject({ method, url, headers: { 'x-api-key': shopKey }, payload });
      expect({ method, url, status: response.statusCode, code: response.json().error?.code }).toEqual({ method, url, status: 403, code: 'FORBIDDEN' });
    }
    expect(await prisma.campaign.findUniqueOrThrow({ where: { id: campaignId } })).toMatchObject({ name: 'Spring' });
    expect(await prisma.trackingLink.count({ where: { id: linkId } })).toBe(1);
    expect(await prisma.campaign.count({ where: { name: 'Shop campaign' } })).toBe(0);
    expect(await prisma.trackingLink.count({ where: { name: 'Shop link' } })).toBe(0);
    expect(await prisma.adSyncRun.count({ where: { accountId } })).toBe(0);
  });

  it('a key cannot be limited to permissions its role lacks', async () => {
    for (const permissions of [['campaigns:write'], ['conversions:write']]) {
      const wider = await gateway.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: bearer(tokens.admin!), payload: { name: 'too wide', role: 'viewer', permissions } });
      expect(wider.statusCode).toBe(400);
    }
  });
});

describe("an API key's subset outside the guard", () => {
  type Health = { services: Array<Record<string, unknown>>; dependencies: Array<Record<string, unknown>> };
  const health = async (key: string) => (await gateway.app.inject({ method: 'GET', url: '/api/v1/health', headers: { 'x-api-key': key } })).json<Health>();
  const detailed = (body: Health) => [...body.services, ...body.dependencies].some((entry) => Object.keys(entry).some((field) => field !== 'name' && field !== 'status'));

  it('GET /health shows the details only to a key whose subset holds monitoring:read', async () => {
    expect(detailed(await health(await apiKey('health, whole viewer', 'viewer')))).toBe(true);
    expect(detailed(await health(await apiKey('health, monitoring only', 'viewer', ['monitoring:read'])))).toBe(true);
    expect(detailed(await health(await apiKey('health, shop', 'operator', ['conversions:write'])))).toBe(false);
    expect(detailed(await health(await apiKey('health, channels only', 'admin', ['channels:read'])))).toBe(false);
  });

  const sockets: WebSocket[] = [];
  afterEach(() => sockets.splice(0).forEach((socket) => socket.terminate()));

  it('WebSocket /ws/metrics admits a key whose subset holds channels:read and closes the others with 4403', async () => {
    const baseUrl = (await gateway.app.getUrl()).replace('[::1]', '127.0.0.1').replace(/^http/, 'ws');
    const connect = (key: string) => {
      const socket = new WebSocket(`${baseUrl}/api/v1/ws/metrics`, { headers: { 'x-api-key': key } });
      sockets.push(socket);
      // A socket still open after 5 s was admitted: 'open' instead of a close code.
      const closed = new Promise<number | 'open'>((resolve) => {
        socket.once('close', (code) => resolve(code));
        setTimeout(() => resolve('open'), 5_000);
      });
      const answer = new Promise<unknown>((resolve, reject) => {
        socket.once('open', () => socket.send(JSON.stringify({ subscribe: ['*'] })));
        socket.once('message', (raw) => resolve(JSON.parse(raw.toString())));
        socket.once('error', reject);
      });
      answer.catch(() => undefined);
      return { socket, closed, answer };
    };
    const admitted = connect(await apiKey('wall display', 'viewer', ['channels:read']));
    expect(await admitted.answer).toEqual({ type: 'subscriptions', channels: ['*'] });
    admitted.socket.close();
    await admitted.closed;
    for (const key of [await apiKey('socket, shop', 'operator', ['conversions:write']), await apiKey('socket, monitoring only', 'viewer', ['monitoring:read'])]) {
      expect(await connect(key).closed).toBe(4403);
    }
  });
});
