import { checkMessage, type ContractProblem, ErrorCodes } from '@castline/contracts';
import { headers, type Msg, type MsgHdrs } from '@nats-io/transport-node';
import type { z } from 'zod';

/**
 * Castline's one NATS wire format: a request, a reply and an event are each their payload as plain JSON
 * (no envelope). A refusal is a reply whose `Castline-Error` header is set; its body is `{ code, message,
 * status, details }`, the same error the HTTP API answers (the status travels so the gateway can answer it).
 */
export const ERROR_HEADER = 'Castline-Error';

export interface WireError {
  code: string;
  message: string;
  status: number;
  details?: unknown;
}

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

export function encode(payload: unknown): Uint8Array {
  return payload === undefined ? EMPTY : encoder.encode(JSON.stringify(payload));
}

/** The JSON of a message; an empty message is `{}` (a request without parameters). Throws on bad JSON. */
export function decode(message: Msg): unknown {
  return message.data.length === 0 ? {} : message.json();
}

export function errorHeaders(): MsgHdrs {
  const result = headers();
  result.set(ERROR_HEADER, '1');
  return result;
}

export const isErrorReply = (message: Msg) => message.headers?.get(ERROR_HEADER) === '1';

/** A refusal naming the subject and every bad field, e.g. `Invalid channels.get request: id: Invalid UUID`. */
export function contractError(code: string, status: number, what: string, problems: ContractProblem[], summary: string): WireError {
  return { code, status, message: `${what}: ${summary}`, details: { fields: problems } };
}

/** A request checked at the handler's boundary: the parsed data, or the VALIDATION_FAILED refusal to send back. */
export function checkRequest<S extends z.ZodType>(subject: string, schema: S, value: unknown): { data: z.output<S> } | { error: WireError } {
  const check = checkMessage(schema, value);
  if (check.ok) return { data: check.data };
  return { error: contractError(ErrorCodes.validationFailed, 400, `Invalid ${subject} request`, check.problems, check.summary) };
}
