import { defineRpc } from '@castline/contracts';
import { HttpExceptionFilter, NatsClient } from '@castline/platform';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { z } from 'zod';
import { AUDIT_ACTION, REQUIRED_PERMISSION } from '../auth/decorators';
import { forward, forwardController, responseSchemaOf } from './forward';

const Widget = z.object({ id: z.string(), name: z.string(), size: z.number().int() });
const Rpcs = {
  list: defineRpc('test.widgets.list', z.object({ page: z.coerce.number().int().min(1).default(1) }), z.object({ items: z.array(Widget) })),
  rename: defineRpc('test.widgets.rename', z.object({ id: z.uuid(), changes: z.object({ name: z.string().min(1) }) }), Widget),
  create: defineRpc('test.widgets.create', z.object({ name: z.string().min(1) }), Widget),
  delete: defineRpc('test.widgets.delete', z.object({ id: z.uuid() }), z.object({ deleted: z.literal(true) })),
};

const WidgetsController = forwardController('WidgetsController', 'widgets', 'widgets', [
  forward({ name: 'list', method: 'GET', path: '', permission: 'channels:read', rpc: Rpcs.list, summary: 'List widgets', query: Rpcs.list.request }),
  forward({
    name: 'create',
    method: 'POST',
    path: '',
    permission: 'channels:write',
    rpc: Rpcs.create,
    audit: { action: 'widgets.create', targetType: 'widget', targetFromReply: true },
    body: Rpcs.create.request,
  }),
  forward({
    name: 'rename',
    method: 'PATCH',
    path: ':id',
    permission: 'channels:write',
    rpc: Rpcs.rename,
    audit: { action: 'widgets.rename', targetType: 'widget' },
    body: z.object({ name: z.string().min(1) }),
    request: ({ id, body }) => ({ id, changes: body }),
  }),
  forward({ name: 'delete', method: 'DELETE', path: ':id', permission: 'channels:write', rpc: Rpcs.delete, status: 204 }),
]);

/** The routes' NATS calls, answered here: this file is about the declaration, the NATS path has its own tests. */
const calls: Array<{ subject: string; payload: unknown }> = [];
const fakeNats = {
  call: async (rpc: { subject: string }, payload: unknown) => {
    calls.push({ subject: rpc.subject, payload });
    if (rpc.subject === Rpcs.list.subject) return { items: [] };
    if (rpc.subject === Rpcs.delete.subject) return { deleted: true };
    return { id: '8f1d4a52-2b5b-4a8e-9a53-3f4b6f0b1c11', name: 'w', size: 1 };
  },
};

@Module({ controllers: [WidgetsController], providers: [{ provide: NatsClient, useValue: fakeNats }] })
class WidgetsModule {}

let app: NestFastifyApplication;
let document: OpenAPIObject;
/** One path's operations (the document's paths are all there once built). */
const path = (name: string) => document.paths[name]!;

beforeAll(async () => {
  app = await NestFactory.create<NestFastifyApplication>(WidgetsModule, new FastifyAdapter(), { logger: false });
  app.useGlobalFilters(new HttpExceptionFilter());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
});

afterAll(() => app?.close());

beforeEach(() => {
  calls.length = 0;
});

describe('forwardController: OpenAPI', () => {
  it('documents one operation per declared route, named after it', () => {
    expect(Object.keys(document.paths).sort()).toEqual(['/widgets', '/widgets/{id}']);
    expect(Object.keys(path('/widgets')).sort()).toEqual(['get', 'post']);
    expect(Object.keys(path('/widgets/{id}')).sort()).toEqual(['delete', 'patch']);
    expect(path('/widgets').get?.operationId).toBe('WidgetsController_list');
    expect(path('/widgets').get?.summary).toBe('List widgets');
    expect(path('/widgets').get?.tags).toEqual(['widgets']);
  });

  it("documents the reply as the contract's response schema", () => {
    const ok = path('/widgets/{id}').patch?.responses['200'] as { content: Partial<Record<string, { schema: object }>> };
    expect(ok.content['application/json']?.schema).toEqual(responseSchemaOf(Rpcs.rename));
    const created = path('/widgets').post?.responses['201'] as { content: Partial<Record<string, { schema: object }>> };
    expect(created.content['application/json']?.schema).toEqual(responseSchemaOf(Rpcs.create));
    expect(path('/widgets/{id}').delete?.responses).toHaveProperty('204');
  });

  it('documents the path id, the query fields and the body', () => {
    const patch = path('/widgets/{id}').patch!;
    expect(patch.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    const body = patch.requestBody as { content: Partial<Record<string, { schema: { required?: string[] } }>> };
    expect(body.content['application/json']?.schema.required).toEqual(['name']);
    expect(path('/widgets').get?.parameters).toEqual([expect.objectContaining({ name: 'page', in: 'query', required: false })]);
  });

  it('puts the permission and the audit action on the route', () => {
    const controller = app.get(WidgetsController) as Record<string, unknown>;
    expect(Reflect.getMetadata(REQUIRED_PERMISSION, controller.rename as object)).toBe('channels:write');
    expect(Reflect.getMetadata(AUDIT_ACTION, controller.rename as object)).toEqual({ action: 'widgets.rename', targetType: 'widget' });
    expect(Reflect.getMetadata(REQUIRED_PERMISSION, controller.list as object)).toBe('channels:read');
  });
});

describe('forwardController: requests', () => {
  const id = '8f1d4a52-2b5b-4a8e-9a53-3f4b6f0b1c11';

  it('builds the NATS request from the validated path and body', async () => {
    const response = await app.inject({ method: 'PATCH', url: `/widgets/${id}`, payload: { name: 'new' } });
    expect(response.statusCode).toBe(200);
    expect(calls).toEqual([{ subject: Rpcs.rename.subject, payload: { id, changes: { name: 'new' } } }]);
  });

  it('passes the parsed query (defaults applied) and answers 204 without a body', async () => {
    expect((await app.inject({ method: 'GET', url: '/widgets' })).json()).toEqual({ items: [] });
    const deleted = await app.inject({ method: 'DELETE', url: `/widgets/${id}` });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect(calls).toEqual([
      { subject: Rpcs.list.subject, payload: { page: 1 } },
      { subject: Rpcs.delete.subject, payload: { id } },
    ]);
  });

  it('refuses a bad id or body with a 400 naming the field, before any call', async () => {
    const badId = await app.inject({ method: 'PATCH', url: '/widgets/nope', payload: { name: 'x' } });
    expect(badId.statusCode).toBe(400);
    expect(badId.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: 'Invalid request: must be a UUID' } });
    const badBody = await app.inject({ method: 'POST', url: '/widgets', payload: { name: '' } });
    expect(badBody.statusCode).toBe(400);
    expect(badBody.json()).toMatchObject({ error: { details: { fields: [{ path: 'name' }] } } });
    expect(calls).toEqual([]);
  });
});
