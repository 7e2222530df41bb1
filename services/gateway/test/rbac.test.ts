import { randomUUID } from 'node:crypto';
import { ADMIN, bearer, login, startTestGateway, type TestGateway, userWithRole } from './support';

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
  'GET /api/v1/channels/{id}/schedule': EVERYONE,
  'GET /api/v1/settings/presets': EVERYONE,
  'POST /api/v1/settings/presets': ADMIN_ONLY,
  'PUT /api/v1/settings/presets/{id}': ADMIN_ONLY,
  'DELETE /api/v1/settings/presets/{id}': ADMIN_ONLY,
  'POST /api/v1/uploads/logo': OPERATORS,
  'DELETE /api/v1/uploads/{id}': OPERATORS,
  'GET /api/v1/health': 'public',
  'GET /metrics': 'public',
  'GET /healthz': 'public',
};

let gateway: TestGateway;
const tokens: Partial<Record<Role, string>> = {};

beforeAll(async () => {
  gateway = await startTestGateway('rbac');
  const admin = await login(gateway.app, ADMIN.email, ADMIN.password);
  tokens.admin = admin.accessToken;
  tokens.operator = (await userWithRole(gateway.app, admin.accessToken, 'operator')).accessToken;
  tokens.viewer = (await userWithRole(gateway.app, admin.accessToken, 'viewer')).accessToken;
});
afterAll(() => gateway.close());

async function servedRoutes(): Promise<string[]> {
  const response = await gateway.app.inject({ method: 'GET', url: '/api/docs/openapi.json' });
  const document = response.json<{ paths: Record<string, Record<string, unknown>> }>();
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/** Calls a route with a throwaway id and an empty body: the guard decides before any validation. */
function call(route: string, token?: string) {
  const [method, path] = route.split(' ') as [string, string];
  return gateway.app.inject({
    method: method as 'GET',
    url: path.replace('{id}', randomUUID()),
    headers: token ? bearer(token) : {},
    payload: method === 'GET' || method === 'DELETE' ? undefined : {},
  });
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
  const response = await call(route, caller === 'anonymous' ? undefined : tokens[caller]);
  const code = response.headers['content-type']?.includes('json') ? response.json()?.error?.code : undefined;
  if (expected === 'allowed') {
    expect(refusedBy(response.statusCode, code)).toBe(false);
  } else {
    expect(response.statusCode).toBe(caller === 'anonymous' ? 401 : 403);
    expect(code).toBe(caller === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  }
});
