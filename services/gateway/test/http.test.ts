import { ErrorCodes } from '@castline/contracts';
import { startTestGateway, type TestGateway } from '@castline/testkit';

/** The gateway's HTTP surface: CORS allow-list, helmet headers, body limits, the error shape, request ids, OpenAPI. */
const ALLOWED_ORIGIN = 'https://ops.example';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway('http', { CORS_ORIGINS: ALLOWED_ORIGIN });
});
afterAll(() => gateway.close());

type ErrorResponse = { error: { code: string; message: string; requestId: string } };

const inject = (...args: Parameters<TestGateway['app']['inject']>) => gateway.app.inject(...args);

/** A POST to the login endpoint with a raw body, from its own client address (the login limiter counts per IP). */
const postLogin = (payload: string, headers: Record<string, string> = {}) =>
  inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload,
    headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.20.0.${Math.floor(Math.random() * 250) + 1}`, ...headers },
  });

function expectErrorShape(body: unknown, code: string): ErrorResponse['error'] {
  expect(body).toEqual({ error: { code, message: expect.any(String), requestId: expect.any(String) } });
  return (body as ErrorResponse).error;
}

describe('CORS', () => {
  const preflight = (origin: string) =>
    inject({
      method: 'OPTIONS',
      url: '/api/v1/auth/login',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });

  it('answers a preflight from an allowed origin with that origin and credentials', async () => {
    const response = await preflight(ALLOWED_ORIGIN);
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(response.headers['access-control-allow-credentials']).toBe('true');
    expect(String(response.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(response.headers['access-control-allow-headers']).toLowerCase()).toContain('content-type');
  });

  it('allows an allowed origin on a simple GET', async () => {
    const response = await inject({ method: 'GET', url: '/api/v1/health', headers: { origin: ALLOWED_ORIGIN } });
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(response.headers['access-control-allow-credentials']).toBe('true');
  });

  it('gives any other origin no Access-Control-Allow-Origin, on a preflight or a GET', async () => {
    const preflighted = await preflight('https://evil.example');
    const fetched = await inject({ method: 'GET', url: '/api/v1/health', headers: { origin: 'https://evil.example' } });
    expect(preflighted.headers['access-control-allow-origin']).toBeUndefined();
    expect(fetched.headers['access-control-allow-origin']).toBeUndefined();
  });
});

it('sends the helmet security headers and no X-Powered-By', async () => {
  const response = await inject({ method: 'GET', url: '/api/v1/health' });
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  const framing = `${response.headers['x-frame-options'] ?? ''} ${response.headers['content-security-policy'] ?? ''}`;
  expect(framing).toMatch(/SAMEORIGIN|DENY|frame-ancestors/);
  expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  expect(response.headers['x-powered-by']).toBeUndefined();
});

describe('request bodies', () => {
  it('answers malformed JSON with 400 VALIDATION_FAILED in the error shape', async () => {
    const response = await postLogin('{"email": "admin@test.castline", "password":');
    expect(response.statusCode).toBe(400);
    expectErrorShape(response.json(), ErrorCodes.validationFailed);
  });

  it('refuses a body over 1 MiB with 413 and an error code', async () => {
    const response = await postLogin(JSON.stringify({ email: 'admin@test.castline', password: 'x'.repeat(1024 * 1024) }));
    expect(response.statusCode).toBe(413);
    const error = (response.json() as ErrorResponse).error;
    expect(Object.values(ErrorCodes)).toContain(error.code);
    expect(error.requestId).toEqual(expect.any(String));
  });
});

it('answers an unknown route with 404 NOT_FOUND in the error shape', async () => {
  const response = await inject({ method: 'GET', url: '/api/v1/no-such-route' });
  expect(response.statusCode).toBe(404);
  expectErrorShape(response.json(), ErrorCodes.notFound);
});

describe('OpenAPI', () => {
  it('serves the Swagger UI at /api/docs', async () => {
    const response = await inject({ method: 'GET', url: '/api/docs' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
  });

  it('lists the auth endpoints in /api/docs/openapi.json', async () => {
    const response = await inject({ method: 'GET', url: '/api/docs/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json() as { openapi: string; paths: Record<string, object> };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/auth/logout', '/api/v1/auth/me']),
    );
  });
});

describe('request ids', () => {
  it("uses a well-formed X-Request-Id from the client (or nginx) as the error's requestId", async () => {
    const response = await inject({ method: 'GET', url: '/api/v1/auth/me', headers: { 'x-request-id': 'client-req_0123456789abcdef' } });
    expect(response.statusCode).toBe(401);
    expect((response.json() as ErrorResponse).error.requestId).toBe('client-req_0123456789abcdef');
    expect(response.headers['x-request-id']).toBe('client-req_0123456789abcdef');
  });

  it.each([
    ['with spaces', 'not a valid id'],
    ['200 characters long', 'a'.repeat(200)],
    ['with header-like punctuation', 'id;drop=1'],
  ])('replaces an X-Request-Id %s with a fresh UUID', async (_label, requestId) => {
    const response = await inject({ method: 'GET', url: '/api/v1/auth/me', headers: { 'x-request-id': requestId } });
    expect(response.statusCode).toBe(401);
    expect((response.json() as ErrorResponse).error.requestId).toMatch(UUID);
    expect(response.headers['x-request-id']).toBe((response.json() as ErrorResponse).error.requestId);
  });

  it('gives each request without an id its own', async () => {
    const first = await inject({ method: 'GET', url: '/api/v1/auth/me' });
    const second = await inject({ method: 'GET', url: '/api/v1/auth/me' });
    const ids = [first, second].map((response) => (response.json() as ErrorResponse).error.requestId);
    expect(ids[0]).toMatch(UUID);
    expect(ids[1]).toMatch(UUID);
    expect(ids[0]).not.toBe(ids[1]);
  });
});
