import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ADMIN, bearer, inProcessServiceEnv, login, startTestGateway, type TestGateway } from '@castline/testkit';
import { startChannels } from '../src/channels-app';

/**
 * What the dashboard's channel and preset forms rely on. A refusal about one field names it in
 * `error.details.fields`, and the name survives the NATS hop from the channels service through the gateway, so
 * the form puts the message on that field; and one preset is the default a new channel starts with.
 */
let gateway: TestGateway;
let channels: NestFastifyApplication;
let token: string;

beforeAll(async () => {
  gateway = await startTestGateway('form-support');
  channels = await startChannels(inProcessServiceEnv(gateway.databaseUrl), { handleSignals: false });
  token = (await login(gateway.app, ADMIN.email, ADMIN.password)).accessToken;
});
afterAll(async () => {
  await channels?.close();
  await gateway?.close();
});

const api = (method: 'POST' | 'PATCH', url: string, payload: object) =>
  gateway.app.inject({ method, url: `/api/v1${url}`, headers: bearer(token), payload });
const source = { url: 'udp://127.0.0.1:20999?pkt_size=1316' };

it('names slug when the slug is taken (409)', async () => {
  expect((await api('POST', '/channels', { name: 'Taken', slug: 'taken', sources: [source] })).statusCode).toBe(201);
  const refused = await api('POST', '/channels', { name: 'Other', slug: 'taken', sources: [source] });
  expect(refused.statusCode).toBe(409);
  expect(refused.json().error).toMatchObject({
    code: 'CONFLICT',
    message: 'The slug "taken" is taken',
    details: { fields: [{ path: 'slug', message: 'The slug "taken" is taken' }] },
  });
});

it('names the source whose URL the policy refuses (400)', async () => {
  const refused = await api('POST', '/channels', { name: 'Bad', sources: [source, { url: 'file:///etc/passwd' }] });
  expect(refused.statusCode).toBe(400);
  expect(refused.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ path: 'sources.1.url' }] } });
});

it('names presetId and logo.uploadId when they point at nothing (400)', async () => {
  const noPreset = await api('POST', '/channels', { name: 'X', sources: [source], presetId: '00000000-0000-4000-8000-000000000000' });
  expect(noPreset.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ path: 'presetId' }] } });
  const noLogo = await api('POST', '/channels', { name: 'X', sources: [source], logo: { uploadId: '00000000-0000-4000-8000-000000000000' } });
  expect(noLogo.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ path: 'logo.uploadId' }] } });
});

it('names name when a preset of that name exists (409)', async () => {
  const refused = await api('POST', '/settings/presets', { name: '720p30', profile: {} });
  expect(refused.statusCode).toBe(409);
  expect(refused.json().error).toMatchObject({ code: 'CONFLICT', details: { fields: [{ path: 'name', message: 'A preset named "720p30" already exists' }] } });
});

it('marks exactly one preset as the default: the built-in 720p30 its description calls so', async () => {
  const { items } = (await gateway.app.inject({ method: 'GET', url: '/api/v1/settings/presets', headers: bearer(token) })).json();
  const defaults = items.filter((preset: { isDefault: boolean }) => preset.isDefault);
  expect(defaults).toHaveLength(1);
  expect(defaults[0]).toMatchObject({ name: '720p30', builtIn: true, description: expect.stringContaining('the default') });
});
