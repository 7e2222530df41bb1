import { ErrorCodes, Rpc } from '@castline/contracts';
import { daysBetween } from '@castline/testkit';
import { type CampaignsTestbed, fakeDays, GOOGLE_REFRESH, startTestbed, storedDays } from './campaigns-harness';

/**
 * Google Ads manager (MCC) accounts: what the fake answers as the REST API does (listAccessibleCustomers,
 * customer_client, login-customer-id), discovery before connecting, and a manager connected with the client
 * accounts chosen from it.
 *
 *   5100000000 manager (accessible)          5100000020 client (accessible directly)
 *   ├─ 5100000001 client EUR                 5100000030 client (accessible, CUSTOMER_NOT_ENABLED)
 *   ├─ 5100000002 client USD
 *   └─ 5100000010 sub-manager
 *      └─ 5100000011 client GBP
 */
describe('Google Ads manager accounts', () => {
  let bed: CampaignsTestbed;
  const credentials = { refreshToken: GOOGLE_REFRESH, clientId: 'fake-client-id', clientSecret: 'fake-client-secret', developerToken: 'fake-developer-token' };
  const MANAGER = '5100000000';

  beforeAll(async () => {
    bed = await startTestbed('campaigns-google-mcc');
    bed.google.addManager({ id: MANAGER, name: 'Agency MCC' });
    bed.google.addCustomer({ id: '5100000001', name: 'Shop EU', currency: 'EUR', timezone: 'Europe/Berlin', campaigns: 2 }, { manager: MANAGER });
    bed.google.addCustomer({ id: '5100000002', name: 'Shop US', currency: 'USD', timezone: 'America/New_York', campaigns: 1 }, { manager: MANAGER });
    bed.google.addManager({ id: '5100000010', name: 'Sub-manager' }, { manager: MANAGER });
    bed.google.addCustomer({ id: '5100000011', name: 'Shop UK', currency: 'GBP', timezone: 'Europe/London', campaigns: 1 }, { manager: '5100000010' });
    bed.google.addCustomer({ id: '5100000020', name: 'Own account', currency: 'USD', campaigns: 1 });
    bed.google.addCustomer({ id: '5100000030', name: 'Closed account', campaigns: 1 });
    bed.google.refuseCustomer('5100000030', 'CUSTOMER_NOT_ENABLED');
  });
  afterAll(() => bed?.close());

  const rejects = async (promise: Promise<unknown>) => promise.then(() => undefined, (caught: unknown) => caught as { code?: string; status?: number; message?: string; details?: unknown });

  /** One raw request to the fake, as the REST API is called. */
  async function raw(path: string, init: { method?: string; login?: string; query?: string } = {}) {
    const token = (await (await fetch(`${bed.google.url}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: GOOGLE_REFRESH, client_id: 'fake-client-id', client_secret: 'fake-client-secret' }) })).json()) as { access_token: string };
    const headers: Record<string, string> = { authorization: `Bearer ${token.access_token}`, 'developer-token': 'fake-developer-token' };
    if (init.login) headers['login-customer-id'] = init.login;
    if (init.query) headers['content-type'] = 'application/json';
    const response = await fetch(`${bed.google.url}/${bed.google.options.version}/${path}`, { method: init.method ?? 'POST', headers, body: init.query ? JSON.stringify({ query: init.query }) : undefined });
    return { status: response.status, body: (await response.json()) as unknown };
  }
  const authorizationError = (body: unknown) => (body as Array<{ error: { details: Array<{ errors: Array<{ errorCode: Record<string, string> }> }> } }>)[0]!.error.details[0]!.errors[0]!.errorCode;

  it('the fake: accessible customers, login-customer-id enforced, the hierarchy from customer_client, no metrics on a manager', async () => {
    const listed = await raw('customers:listAccessibleCustomers', { method: 'GET' });
    expect(listed).toEqual({ status: 200, body: { resourceNames: ['customers/5100000000', 'customers/5100000020', 'customers/5100000030'] } });

    const query = "SELECT campaign.id, metrics.clicks FROM campaign WHERE segments.date BETWEEN '2025-05-01' AND '2025-05-01'";
    // A client under the manager: refused without the manager as login customer, and with a login customer that is not above it.
    const direct = await raw('customers/5100000001/googleAds:searchStream', { query });
    expect({ status: direct.status, error: authorizationError(direct.body) }).toEqual({ status: 403, error: { authorizationError: 'USER_PERMISSION_DENIED' } });
    const otherLogin = await raw('customers/5100000001/googleAds:searchStream', { query, login: '5100000020' });
    expect(authorizationError(otherLogin.body)).toEqual({ authorizationError: 'USER_PERMISSION_DENIED' });
    expect((await raw('customers/5100000001/googleAds:searchStream', { query, login: MANAGER })).status).toBe(200);
    // Two levels down, through the top manager.
    expect((await raw('customers/5100000011/googleAds:searchStream', { query, login: MANAGER })).status).toBe(200);
    const managerMetrics = await raw(`customers/${MANAGER}/googleAds:searchStream`, { query, login: MANAGER });
    expect(managerMetrics.status).toBe(400);
    expect(authorizationError(managerMetrics.body)).toEqual({ queryError: 'REQUESTED_METRICS_FOR_MANAGER' });

    const hierarchy = await raw(`customers/${MANAGER}/googleAds:searchStream`, {
      login: MANAGER,
      query: 'SELECT customer_client.client_customer, customer_client.level, customer_client.manager, customer_client.id FROM customer_client WHERE customer_client.level <= 1',
    });
    const rows = (hierarchy.body as Array<{ results: Array<{ customerClient: Record<string, unknown> }> }>)[0]!.results.map((row) => row.customerClient);
    expect(rows.map(({ id, level, manager, clientCustomer, resourceName }) => ({ id, level, manager, clientCustomer, resourceName }))).toEqual([
      { id: MANAGER, level: '0', manager: true, clientCustomer: `customers/${MANAGER}`, resourceName: `customers/${MANAGER}/customerClients/${MANAGER}` },
      { id: '5100000001', level: '1', manager: false, clientCustomer: 'customers/5100000001', resourceName: `customers/${MANAGER}/customerClients/5100000001` },
      { id: '5100000002', level: '1', manager: false, clientCustomer: 'customers/5100000002', resourceName: `customers/${MANAGER}/customerClients/5100000002` },
      { id: '5100000010', level: '1', manager: true, clientCustomer: 'customers/5100000010', resourceName: `customers/${MANAGER}/customerClients/5100000010` },
    ]);
  });

  it('discover lists the accessible customers and every client under each manager, with the manager to connect through', async () => {
    const calls = bed.google.stats.calls;
    const found = await bed.harness.call(Rpc.adAccounts.discover, { credentials });
    expect(found.accessible).toEqual([MANAGER, '5100000020', '5100000030']);
    const summary = found.customers.map(({ id, manager, managerId, level, status, currency, code }) => ({ id, manager, managerId, level, status, currency, code }));
    expect(summary).toEqual([
      { id: MANAGER, manager: true, managerId: null, level: 0, status: 'ENABLED', currency: 'USD', code: null },
      { id: '5100000001', manager: false, managerId: MANAGER, level: 1, status: 'ENABLED', currency: 'EUR', code: null },
      { id: '5100000002', manager: false, managerId: MANAGER, level: 1, status: 'ENABLED', currency: 'USD', code: null },
      { id: '5100000010', manager: true, managerId: MANAGER, level: 1, status: 'ENABLED', currency: 'USD', code: null },
      { id: '5100000011', manager: false, managerId: MANAGER, level: 2, status: 'ENABLED', currency: 'GBP', code: null },
      { id: '5100000020', manager: false, managerId: null, level: 0, status: 'ENABLED', currency: 'USD', code: null },
      { id: '5100000030', manager: false, managerId: null, level: 0, status: 'REFUSED', currency: '', code: 'CUSTOMER_NOT_ENABLED' },
    ]);
    // listAccessibleCustomers, one customer query per accessible customer, one customer_client per manager.
    expect(bed.google.stats.calls - calls).toBe(1 + 3 + 1);
    expect(await bed.prisma.adAccount.count()).toBe(0);
  });

  it('discover with a revoked refresh token: google_invalid_grant, no API call', async () => {
    const calls = bed.google.stats.calls;
    const error = await rejects(bed.harness.call(Rpc.adAccounts.discover, { credentials: { ...credentials, refreshToken: 'revoked-refresh-token' } }));
    expect({ code: error?.code, status: error?.status }).toEqual({ code: ErrorCodes.googleInvalidGrant, status: 400 });
    expect(bed.google.stats.calls).toBe(calls);
  });

  it('connect refuses a manager as a synced customer and a client without its manager as login customer', async () => {
    const asManager = await rejects(bed.harness.call(Rpc.adAccounts.connect, { platform: 'google', externalId: MANAGER, credentials: { ...credentials, loginCustomerId: MANAGER } }));
    expect({ code: asManager?.code, status: asManager?.status }).toEqual({ code: ErrorCodes.validationFailed, status: 400 });
    expect(asManager?.message).toContain('manager account');
    const noLogin = await rejects(bed.harness.call(Rpc.adAccounts.connect, { platform: 'google', externalId: MANAGER, credentials, customerIds: ['5100000001'] }));
    expect({ code: noLogin?.code, status: noLogin?.status }).toEqual({ code: ErrorCodes.validationFailed, status: 400 });
    expect(noLogin?.message).toContain("'login-customer-id' header");
    expect(await bed.prisma.adAccount.count()).toBe(0);
  });

  it('a manager connected with chosen clients (login-customer-id) syncs exactly those clients', async () => {
    const account = await bed.harness.call(Rpc.adAccounts.connect, {
      platform: 'google',
      externalId: MANAGER,
      credentials: { ...credentials, loginCustomerId: MANAGER },
      customerIds: ['5100000001', '5100000011'],
      backfillDays: 1,
    });
    expect(account.name).toBe('Agency MCC');
    expect(account.customers.map(({ id, currency, timezone, status }) => ({ id, currency, timezone, status }))).toEqual([
      { id: '5100000001', currency: 'EUR', timezone: 'Europe/Berlin', status: 'ok' },
      { id: '5100000011', currency: 'GBP', timezone: 'Europe/London', status: 'ok' },
    ]);
    const range = { since: '2025-05-01', until: '2025-05-03' };
    const outcome = await bed.sync.run({ platform: 'google', accountId: account.id, kind: 'manual', ...range });
    expect(outcome.status).toBe('succeeded');
    const days = daysBetween(range.since, range.until);
    const expected = [...fakeDays(bed.google, '5100000001', 'campaign', days), ...fakeDays(bed.google, '5100000011', 'campaign', days)].sort((a, b) =>
      a.date === b.date ? a.externalId.localeCompare(b.externalId) : a.date.localeCompare(b.date),
    );
    expect(await storedDays(bed.prisma, account.id, 'campaign')).toEqual(expected);
    const currencies = await bed.prisma.campaign.findMany({ where: { accountId: account.id }, select: { externalId: true, currency: true }, orderBy: { externalId: 'asc' } });
    expect(currencies).toEqual([
      { externalId: '51000000010001', currency: 'EUR' },
      { externalId: '51000000010002', currency: 'EUR' },
      { externalId: '51000000110001', currency: 'GBP' },
    ]);
  });
});
