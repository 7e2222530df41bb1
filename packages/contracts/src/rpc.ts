import { z } from 'zod';

/**
 * Typed NATS contracts. Every subject is declared once, here in contracts, with the schema of what travels on
 * it; the caller (`NatsClient.call`), the handler (`@HandleRpc`) and the event bus (`EventBus`) check messages
 * against it. On the wire a message is its payload as plain JSON, with no envelope (see docs/ARCHITECTURE.md).
 */

/** A request/reply subject: what the caller sends and what the handler answers. */
export interface RpcContract<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly kind: 'rpc';
  readonly subject: string;
  readonly request: Req;
  readonly response: Res;
  /** How long a caller waits for the reply unless it says otherwise. */
  readonly timeoutMs: number;
}

/** A fire-and-forget subject: what the publisher sends, whoever listens. */
export interface EventContract<S extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly subject: string;
  readonly schema: S;
}

export const DEFAULT_RPC_TIMEOUT_MS = 5_000;

export function defineRpc<Req extends z.ZodType, Res extends z.ZodType>(
  subject: string,
  request: Req,
  response: Res,
  options: { timeoutMs?: number } = {},
): RpcContract<Req, Res> {
  return { kind: 'rpc', subject, request, response, timeoutMs: options.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS };
}

export function defineEvent<S extends z.ZodType>(subject: string, schema: S): EventContract<S> {
  return { kind: 'event', subject, schema };
}

/** What a caller passes (defaults not yet applied). */
export type RpcRequest<R extends RpcContract> = z.input<R['request']>;
/** What a handler receives (the request after parsing: defaults applied). */
export type RpcParsedRequest<R extends RpcContract> = z.output<R['request']>;
/** What a handler answers and the caller gets. */
export type RpcResponse<R extends RpcContract> = z.output<R['response']>;
export type EventPayload<E extends EventContract> = z.output<E['schema']>;

/** One field a message got wrong; `path` is dotted (`changes.sources.1.url`), empty for the whole message. */
export interface ContractProblem {
  path: string;
  message: string;
}

export type ContractCheck<T> = { ok: true; data: T } | { ok: false; problems: ContractProblem[]; summary: string };

/** Checks a message against a schema without throwing; `summary` names each bad field. */
export function checkMessage<S extends z.ZodType>(schema: S, value: unknown): ContractCheck<z.output<S>> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  const problems = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  const summary = problems.map((problem) => (problem.path ? `${problem.path}: ${problem.message}` : problem.message)).join('; ');
  return { ok: false, problems, summary };
}

/** An empty request (`{}`), for subjects that take no parameters. */
export const EmptyRequestSchema = z.object({});
/** The answer of a subject that only confirms (`{ deleted: true }`). */
export const DeletedReplySchema = z.object({ deleted: z.literal(true) });
