import {
  ApiKeyPageSchema,
  AuditPageSchema,
  CreatedApiKeySchema,
  PlatformHealthSchema,
  SessionSchema,
  UserPageSchema,
  UserViewSchema,
} from '@castline/contracts';
import type { z } from 'zod';
import { ADMIN, bearer, startTestGateway, type TestGateway } from '@castline/testkit';

/**
 * The view schemas in @castline/contracts describe what the gateway's own routes really answer: every field
 * they name, and no field they do not (the dashboard's types are `z.infer` of them).
 */
let gateway: TestGateway;
let token: string;

beforeAll(async () => {
  gateway = await startTestGateway('views');
});
afterAll(() => gateway.close());

/** Parsing strips unknown fields and changes nothing else: equal means the schema names exactly the answer's fields. */
function expectExactly(schema: z.ZodType, body: unknown): void {
  const parsed = schema.safeParse(body);
  expect(parsed.error?.issues ?? []).toEqual([]);
  expect(parsed.data).toEqual(body);
}

const get = async (url: string) => {
  const response = await gateway.app.inject({ method: 'GET', url, headers: bearer(token) });
  return response.json();
};

it('describes the session, users, API keys, the audit log and health', async () => {
  const login = await gateway.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: ADMIN, remoteAddress: '10.9.0.1' });
  expectExactly(SessionSchema, login.json());
  token = login.json().accessToken;

  const user = await gateway.app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: bearer(token),
    payload: { email: 'viewer@views.castline', password: 'viewer-password-1234', role: 'viewer' },
  });
  expectExactly(UserViewSchema, user.json());
  expectExactly(UserViewSchema, await get(`/api/v1/users/${user.json().id}`));
  expectExactly(UserPageSchema, await get('/api/v1/users'));

  const key = await gateway.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: bearer(token), payload: { name: 'k', role: 'viewer' } });
  expectExactly(CreatedApiKeySchema, key.json());
  expectExactly(ApiKeyPageSchema, await get('/api/v1/api-keys'));

  const audit = await get('/api/v1/audit');
  expect(audit.items.length).toBeGreaterThan(0);
  expectExactly(AuditPageSchema, audit);
  expectExactly(PlatformHealthSchema, await get('/api/v1/health'));
});

it('documents them as the OpenAPI response bodies', async () => {
  const document = (await gateway.app.inject({ method: 'GET', url: '/api/docs/openapi.json' })).json();
  const bodyOf = (path: string, method: string, status: string) => document.paths[path][method].responses[status]?.content?.['application/json']?.schema;
  expect(bodyOf('/api/v1/users', 'get', '200')?.properties).toHaveProperty('items');
  expect(bodyOf('/api/v1/api-keys', 'post', '201')?.required).toContain('key');
  expect(bodyOf('/api/v1/channels', 'get', '200')?.properties).toHaveProperty('pageSize');
  expect(bodyOf('/api/v1/channels/{id}', 'get', '200')?.required).toEqual(expect.arrayContaining(['slug', 'status', 'sources', 'playbackPath']));
  expect(bodyOf('/api/v1/settings/presets', 'post', '201')?.required).toContain('profile');
  expect(bodyOf('/api/v1/monitoring/system', 'get', '200')).toBeDefined();
  expect(bodyOf('/api/v1/health', 'get', '200')?.required).toContain('services');
});
