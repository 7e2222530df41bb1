import { randomUUID } from 'node:crypto';
import { Rpc } from '@castline/contracts';
import { type ServiceHarness, startServiceHarness } from '@castline/testkit';
import { startTrafficLogger } from '../src/traffic-logger-app';

/** traffic-logger.sites.*, called through the contracts as the gateway does. */
let harness: ServiceHarness;

beforeAll(async () => {
  harness = await startServiceHarness('traffic-sites', startTrafficLogger, { TRAFFIC_PUBLIC_URL: 'https://tv.example.com/' });
});

afterAll(() => harness?.close());

it('creates, lists, changes and deletes a site, with the snippet to paste', async () => {
  const created = await harness.call(Rpc.sites.create, { name: 'Main site', domain: 'WWW.Example.com', allowedOrigins: ['https://www.example.com'], useCookie: false });
  expect(created).toMatchObject({ name: 'Main site', domain: 'www.example.com', allowedOrigins: ['https://www.example.com'], useCookie: false });
  expect(created.snippet).toBe(`<script defer data-site="${created.id}" src="https://tv.example.com/api/v1/collect/tracker.js"></script>`);
  expect((await harness.call(Rpc.sites.list, {})).items.map((site) => site.id)).toContain(created.id);

  const changed = await harness.call(Rpc.sites.update, { id: created.id, changes: { allowedOrigins: ['https://www.example.com', 'https://example.com'] } });
  expect(changed).toMatchObject({ name: 'Main site', allowedOrigins: ['https://www.example.com', 'https://example.com'] });
  expect(await harness.call(Rpc.sites.get, { id: created.id })).toEqual(changed);

  expect(await harness.call(Rpc.sites.delete, { id: created.id })).toEqual({ deleted: true });
  await expect(harness.call(Rpc.sites.get, { id: created.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
});

it('answers 404 for a site that does not exist, on get, update and delete', async () => {
  const id = randomUUID();
  await expect(harness.call(Rpc.sites.get, { id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  await expect(harness.call(Rpc.sites.update, { id, changes: { name: 'x' } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  await expect(harness.call(Rpc.sites.delete, { id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
});

it('refuses origins with a path or a wildcard, and an empty list', async () => {
  const body = { name: 'Bad', domain: 'bad.example', useCookie: false };
  for (const allowedOrigins of [['https://a.example/path'], ['*'], ['https://*.example.com'], []]) {
    await expect(harness.call(Rpc.sites.create, { ...body, allowedOrigins })).rejects.toMatchObject({ code: expect.stringMatching(/VALIDATION_FAILED|CONTRACT_VIOLATION/) });
  }
  expect((await harness.call(Rpc.sites.list, {})).items.filter((site) => site.name === 'Bad')).toEqual([]);
});
