import { applyDecorators, Controller, Delete, Get, HttpCode, Patch, Post, Put, Req, type Type } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Permission, RpcContract, RpcRequest, RpcResponse } from '@castline/contracts';
import { NatsClient, ZodValidationPipe } from '@castline/platform';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Audit, RequirePermission } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { UuidParam } from '../users/users.dto';
import { ApiZodBody, ApiZodQuery } from './api-docs';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a forwarded route received, each part validated by its schema. */
export interface ForwardInput<Q, B> {
  /** The path's `:id`, checked to be a UUID, when the path has one. */
  id: string;
  query: Q;
  body: B;
  /** Who is calling (every forwarded route names a permission, so the guard has authenticated it). */
  principal: Principal;
}

/**
 * One pass-through route of the gateway: HTTP in, one NATS call out, the reply as the response. Everything about
 * it is here: the permission, the audit action, the validation of path, query and body, the call, the OpenAPI
 * request and response (the response schema is the contract's).
 */
export interface ForwardRoute<R extends RpcContract = RpcContract, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  /** The controller method's name (OpenAPI's operation id is `<Controller>_<name>`). */
  name: string;
  method: Method;
  /** Below the controller's prefix; `:id` is the only path parameter and must be a UUID. */
  path: string;
  permission: Permission;
  rpc: R;
  summary?: string;
  query?: Q;
  body?: B;
  /** The NATS request from what the route received. Default: the body, else the query, else `{ id }`, else `{}`. */
  request?: (input: ForwardInput<z.output<Q>, z.output<B>>) => RpcRequest<R>;
  /** Names the audit action and target type; `targetFromReply` takes the target id from the reply's `id` (creates). */
  audit?: { action: string; targetType: string; targetFromReply?: boolean };
  /** What the caller gets of the reply, e.g. with fields its role may not see. Default: the reply as it is. */
  respond?: (reply: RpcResponse<R>, principal: Principal) => unknown;
  /** Nest's default (201 for POST, else 200) unless given; 204 answers no body. */
  status?: 200 | 201 | 202 | 204;
}

/** Declares a route with its types checked (the request builder sees the validated query and body). */
export const forward = <R extends RpcContract, Q extends z.ZodType = z.ZodObject, B extends z.ZodType = z.ZodUnknown>(
  route: ForwardRoute<R, Q, B>,
): ForwardRoute => route as unknown as ForwardRoute;

const methodDecorators: Record<Method, (path: string) => MethodDecorator> = { GET: Get, POST: Post, PUT: Put, PATCH: Patch, DELETE: Delete };

const idPipe = new ZodValidationPipe(UuidParam);

/** The OpenAPI schema of a contract's reply, as it travels (JSON). */
export const responseSchemaOf = (rpc: RpcContract) => z.toJSONSchema(rpc.response, { io: 'output', unrepresentable: 'any' }) as object;

function defaultRequest(route: ForwardRoute, input: ForwardInput<unknown, unknown>): unknown {
  if (route.body) return input.body;
  if (route.query) return input.query;
  if (route.path.includes(':id')) return { id: input.id };
  return {};
}

function routeDecorators(route: ForwardRoute): MethodDecorator {
  const decorators: Array<MethodDecorator | ClassDecorator> = [methodDecorators[route.method](route.path), RequirePermission(route.permission)];
  if (route.status) decorators.push(HttpCode(route.status));
  if (route.audit) decorators.push(Audit(route.audit.action, route.audit.targetType));
  if (route.summary) decorators.push(ApiOperation({ summary: route.summary }));
  if (route.path.includes(':id')) decorators.push(ApiParam({ name: 'id', required: true, type: String }));
  if (route.query) decorators.push(ApiZodQuery(route.query as unknown as z.ZodObject));
  if (route.body) decorators.push(ApiZodBody(route.body));
  const status = route.status ?? (route.method === 'POST' ? 201 : 200);
  decorators.push(status === 204 ? ApiResponse({ status, description: 'No content' }) : ApiResponse({ status, schema: responseSchemaOf(route.rpc) }));
  return applyDecorators(...decorators) as MethodDecorator;
}

/**
 * A Nest controller of pass-through routes under `prefix`, one method per route, generated from the table; its
 * name (for logs and OpenAPI operation ids) is `name`.
 */
export function forwardController(name: string, prefix: string, tag: string, routes: ForwardRoute[]): Type<unknown> {
  class ForwardController {
    constructor(readonly nats: NatsClient) {}
  }
  Object.defineProperty(ForwardController, 'name', { value: name });
  Reflect.defineMetadata('design:paramtypes', [NatsClient], ForwardController);
  for (const route of routes) {
    const key = route.name;
    const queryPipe = route.query ? new ZodValidationPipe(route.query) : undefined;
    const bodyPipe = route.body ? new ZodValidationPipe(route.body) : undefined;
    const handler = async function (this: ForwardController, request: FastifyRequest): Promise<unknown> {
      const params = request.params as { id?: string };
      const input: ForwardInput<unknown, unknown> = {
        id: route.path.includes(':id') ? idPipe.transform(params.id) : '',
        query: queryPipe?.transform(request.query),
        body: bodyPipe?.transform(request.body),
        principal: request.principal!,
      };
      const payload = route.request ? route.request(input) : defaultRequest(route, input);
      const reply = (await this.nats.call(route.rpc, payload as RpcRequest<RpcContract>)) as RpcResponse<RpcContract>;
      if (route.audit?.targetFromReply) request.audit = { ...request.audit, targetId: (reply as { id: string }).id };
      if (route.status === 204) return undefined;
      // Every forwarded route names a permission, so the guard has authenticated the caller.
      return route.respond ? route.respond(reply, request.principal!) : reply;
    };
    Object.defineProperty(handler, 'name', { value: key });
    Object.defineProperty(ForwardController.prototype, key, { value: handler, writable: true, configurable: true, enumerable: false });
    const descriptor = Object.getOwnPropertyDescriptor(ForwardController.prototype, key)!;
    Reflect.defineMetadata('design:paramtypes', [Object], ForwardController.prototype, key);
    Req()(ForwardController.prototype, key, 0);
    routeDecorators(route)(ForwardController.prototype, key, descriptor);
  }
  applyDecorators(ApiTags(tag), ApiBearerAuth(), ApiSecurity('api-key'), Controller(prefix))(ForwardController);
  return ForwardController;
}
