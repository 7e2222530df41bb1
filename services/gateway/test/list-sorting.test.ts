import { createPrismaClient } from '@castline/db';
import { ADMIN, bearer, login, startTestGateway, type TestGateway } from '@castline/testkit';

/** `?sort=` on the users, API keys and audit lists: the server orders and pages, the dashboard's tables only ask. */
let gateway: TestGateway;
let adminToken: string;

beforeAll(async () => {
  gateway = await startTestGateway('sorting');
  adminToken = (await login(gateway.app, ADMIN.email, ADMIN.password)).accessToken;
  const users = [
    { email: 'carol@sort.castline', name: 'Carol', role: 'viewer' },
    { email: 'alice@sort.castline', name: 'Alice', role: 'operator' },
    { email: 'bob@sort.castline', name: 'Bob', role: 'viewer' },
  ];
  for (const user of users) {
    const created = await api('POST', '/users', { ...user, password: 'sorting-password-123' });
    expect(created.statusCode).toBe(201);
  }
  // Bob signed in once; Alice and Carol never did.
  await login(gateway.app, 'bob@sort.castline', 'sorting-password-123');
  for (const name of ['zeta', 'alpha', 'mid']) {
    expect((await api('POST', '/api-keys', { name, role: 'viewer' })).statusCode).toBe(201);
  }
});
afterAll(() => gateway.close());

const api = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
  gateway.app.inject({ method, url: `/api/v1${url}`, headers: bearer(adminToken), payload });

const emails = async (query: string): Promise<string[]> => {
  const response = await api('GET', `/users?search=sort.castline&${query}`);
  expect(response.statusCode).toBe(200);
  return response.json().items.map((user: { email: string }) => user.email);
};

describe('users', () => {
  it('lists in creation order by default, as before sort existed', async () => {
    expect(await emails('')).toEqual(['carol@sort.castline', 'alice@sort.castline', 'bob@sort.castline']);
  });

  it('sorts by a field ascending, or descending with a leading dash', async () => {
    expect(await emails('sort=email')).toEqual(['alice@sort.castline', 'bob@sort.castline', 'carol@sort.castline']);
    expect(await emails('sort=-name')).toEqual(['carol@sort.castline', 'bob@sort.castline', 'alice@sort.castline']);
  });

  it('puts users who never signed in last, whichever the direction', async () => {
    expect((await emails('sort=-lastLoginAt'))[0]).toBe('bob@sort.castline');
    expect((await emails('sort=lastLoginAt'))[0]).toBe('bob@sort.castline');
  });

  it('pages a sorted list without overlap', async () => {
    const first = await emails('sort=email&pageSize=2&page=1');
    const second = await emails('sort=email&pageSize=2&page=2');
    expect([...first, ...second]).toEqual(['alice@sort.castline', 'bob@sort.castline', 'carol@sort.castline']);
  });

  it('refuses a field it cannot sort by with a 400 naming sort', async () => {
    for (const sort of ['passwordHash', '-passwordHash', 'email;drop', '--email']) {
      const refused = await api('GET', `/users?sort=${encodeURIComponent(sort)}`);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ path: 'sort' }] } });
    }
  });

  it('names the field of a refused duplicate email', async () => {
    const duplicate = await api('POST', '/users', { email: 'alice@sort.castline', password: 'sorting-password-123', role: 'viewer' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error).toMatchObject({
      code: 'CONFLICT',
      details: { fields: [{ path: 'email', message: 'A user with email alice@sort.castline already exists' }] },
    });
  });
});

describe('API keys', () => {
  const names = async (query: string) => {
    const response = await api('GET', `/api-keys?${query}`);
    expect(response.statusCode).toBe(200);
    return response.json();
  };

  it('still lists every key newest first without parameters, now with the page fields', async () => {
    const page = await names('');
    expect(page.items.map((key: { name: string }) => key.name)).toEqual(['mid', 'alpha', 'zeta']);
    expect(page).toMatchObject({ total: 3, page: 1, pageSize: 100 });
  });

  it('sorts, pages and keeps revoked keys out unless asked', async () => {
    expect((await names('sort=name')).items.map((key: { name: string }) => key.name)).toEqual(['alpha', 'mid', 'zeta']);
    const second = await names('sort=name&pageSize=2&page=2');
    expect(second).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(second.items.map((key: { name: string }) => key.name)).toEqual(['zeta']);

    const alpha = (await names('sort=name')).items[0];
    expect((await api('DELETE', `/api-keys/${alpha.id}`)).statusCode).toBe(204);
    expect((await names('sort=name')).total).toBe(2);
    expect((await names('sort=name&includeRevoked=true')).items.map((key: { name: string }) => key.name)).toEqual(['alpha', 'mid', 'zeta']);
  });

  it('orders by last use with never-used keys last', async () => {
    const mid = (await names('sort=name')).items.find((key: { name: string }) => key.name === 'mid');
    const prisma = createPrismaClient(gateway.databaseUrl);
    try {
      await prisma.apiKey.update({ where: { id: mid.id }, data: { lastUsedAt: new Date() } });
    } finally {
      await prisma.$disconnect();
    }
    expect((await names('sort=lastUsedAt')).items[0].name).toBe('mid');
    expect((await names('sort=-lastUsedAt')).items[0].name).toBe('mid');
  });

  it('refuses unknown sort fields and oversized pages', async () => {
    expect((await api('GET', '/api-keys?sort=keyHash')).statusCode).toBe(400);
    expect((await api('GET', '/api-keys?pageSize=101')).statusCode).toBe(400);
  });
});

describe('audit log', () => {
  it('is newest first by default and oldest first with sort=at', async () => {
    const newest = (await api('GET', '/audit?pageSize=100')).json().items.map((row: { at: string }) => Date.parse(row.at));
    const oldest = (await api('GET', '/audit?pageSize=100&sort=at')).json().items.map((row: { at: string }) => Date.parse(row.at));
    expect(newest.length).toBeGreaterThan(3);
    expect(newest).toEqual([...newest].sort((a: number, b: number) => b - a));
    expect(oldest).toEqual([...oldest].sort((a: number, b: number) => a - b));
    expect((await api('GET', '/audit?sort=action')).statusCode).toBe(400);
  });
});
