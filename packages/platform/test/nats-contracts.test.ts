import { randomUUID } from 'node:crypto';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { defineEvent, defineRpc, ErrorCodes } from '@castline/contracts';
import { type NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import {
  AppError,
  baseConfigSchema,
  CastlineNatsTransport,
  CONFIG,
  connectNats,
  ERROR_HEADER,
  EventBus,
  HandleEvent,
  HandleRpc,
  HttpExceptionFilter,
  NATS_CONNECTION,
  NatsClient,
} from '../src';

const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
// Subjects of this file only, so parallel runs and other suites never answer them.
const prefix = `test.${randomUUID().slice(0, 8)}`;

const Echo = defineRpc(`${prefix}.echo`, z.object({ name: z.string().min(1), times: z.number().int().min(1).default(2) }), z.object({ echoed: z.string() }));
/** Its handler answers something that breaks the contract. */
const Broken = defineRpc(`${prefix}.broken`, z.object({}), z.object({ count: z.number() }));
const Missing = defineRpc(`${prefix}.missing`, z.object({ id: z.string() }), z.object({}));
const Nobody = defineRpc(`${prefix}.nobody`, z.object({}), z.object({}), { timeoutMs: 500 });

/** Handled by a Nest @HandleEvent method of the service (one replica of its queue group gets each). */
const Noticed = defineEvent(`${prefix}.noticed`, z.object({ what: z.string() }));

const seen: unknown[] = [];
const noticed: unknown[] = [];

@Controller()
class TestHandlers {
  @HandleRpc(Echo)
  echo(@Payload() request: { name: string; times: number }) {
    seen.push(request);
    return { echoed: request.name.repeat(request.times) };
  }

  @HandleRpc(Broken)
  broken() {
    return { count: 'many' };
  }

  @HandleEvent(Noticed)
  notice(@Payload() event: { what: string }) {
    noticed.push(event);
  }

  @HandleRpc(Missing)
  missing(@Payload() request: { id: string }) {
    throw AppError.notFound(`Thing ${request.id}`);
  }
}

const config = baseConfigSchema.parse({ NATS_URL: natsUrl });

let connection: NatsConnection;
let raw: NatsConnection;
let app: INestMicroservice;
let client: NatsClient;

beforeAll(async () => {
  connection = await connectNats(natsUrl, 'contracts-test');
  raw = await connectNats(natsUrl, 'contracts-test-raw');
  @Module({
    controllers: [TestHandlers],
    providers: [{ provide: NATS_CONNECTION, useValue: connection }, { provide: CONFIG, useValue: config }, NatsClient],
  })
  class TestModule {}
  app = await NestFactory.createMicroservice(TestModule, { strategy: new CastlineNatsTransport(connection, { queue: 'contracts-test' }), logger: false });
  app.useGlobalFilters(new HttpExceptionFilter());
  await app.listen();
  await connection.flush();
  client = app.get(NatsClient);
});

afterAll(async () => {
  await app?.close();
  await connection?.drain();
  await raw?.drain();
});

beforeEach(() => {
  seen.length = 0;
});

/** What a raw NATS request gets back: the JSON and whether it is a refusal. */
async function rawRequest(subject: string, data: string) {
  const reply = await raw.request(subject, data, { timeout: 2_000 });
  return { refused: reply.headers?.get(ERROR_HEADER) === '1', body: reply.json<Record<string, unknown>>() };
}

describe('NatsClient.call + CastlineNatsTransport', () => {
  it('answers a valid request as plain JSON, with the request parsed (defaults applied) for the handler', async () => {
    await expect(client.call(Echo, { name: 'ab' })).resolves.toEqual({ echoed: 'abab' });
    expect(seen).toEqual([{ name: 'ab', times: 2 }]);
    // No envelope on the wire: the request is its payload, the reply its result.
    await expect(rawRequest(Echo.subject, JSON.stringify({ name: 'x', times: 3 }))).resolves.toEqual({ refused: false, body: { echoed: 'xxx' } });
  });

  it('refuses to send a request that breaks the contract (CONTRACT_VIOLATION naming subject and field)', async () => {
    const call = client.call(Echo, { name: '' });
    await expect(call).rejects.toMatchObject({ code: ErrorCodes.contractViolation, details: { fields: [{ path: 'name' }] } });
    await expect(call).rejects.toThrow(`Request on ${Echo.subject} breaks its contract: name:`);
    expect(seen).toEqual([]);
  });

  it('refuses a malformed incoming request at the boundary: VALIDATION_FAILED naming subject and field, handler never runs', async () => {
    const { refused, body } = await rawRequest(Echo.subject, JSON.stringify({ name: 7, times: 0 }));
    expect(refused).toBe(true);
    expect(body).toMatchObject({ code: ErrorCodes.validationFailed, status: 400, details: { fields: [{ path: 'name' }, { path: 'times' }] } });
    expect(body.message).toMatch(new RegExp(`^Invalid ${Echo.subject} request: name: .+; times: `));
    expect(seen).toEqual([]);
  });

  it('refuses a request that is not JSON', async () => {
    const { refused, body } = await rawRequest(Echo.subject, '{not json');
    expect(refused).toBe(true);
    expect(body).toMatchObject({ code: ErrorCodes.validationFailed, message: `Invalid ${Echo.subject} request: not JSON` });
    expect(seen).toEqual([]);
  });

  it('rejects a reply that breaks the contract (CONTRACT_VIOLATION, 502, naming subject and field)', async () => {
    const call = client.call(Broken, {});
    await expect(call).rejects.toMatchObject({ code: ErrorCodes.contractViolation, details: { fields: [{ path: 'count' }] } });
    await expect(call).rejects.toThrow(`Reply on ${Broken.subject} breaks its contract: count:`);
    expect(((await call.catch((error: unknown) => error)) as AppError).getStatus()).toBe(502);
  });

  it("turns the handler's refusal back into the same AppError", async () => {
    const error = (await client.call(Missing, { id: 'x1' }).catch((caught: unknown) => caught)) as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe(ErrorCodes.notFound);
    expect(error.message).toBe('Thing x1 not found');
    expect(error.getStatus()).toBe(404);
  });

  it('hands a valid event to its @HandleEvent handler and drops a malformed one', async () => {
    raw.publish(Noticed.subject, JSON.stringify({ what: 7 }));
    raw.publish(Noticed.subject, JSON.stringify({ what: 'it' }));
    await raw.flush();
    for (let attempt = 0; attempt < 100 && noticed.length === 0; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(noticed).toEqual([{ what: 'it' }]);
  });

  it('answers SERVICE_UNAVAILABLE when nobody handles the subject', async () => {
    await expect(client.call(Nobody, {})).rejects.toMatchObject({ code: ErrorCodes.serviceUnavailable });
  });
});

describe('EventBus', () => {
  const Happened = defineEvent(`${prefix}.happened`, z.object({ n: z.number().int() }));
  let second: NatsConnection;
  let busA: EventBus;
  let busB: EventBus;
  const quiet = { warn: jest.fn(), error: jest.fn() };

  beforeAll(async () => {
    second = await connectNats(natsUrl, 'contracts-test-bus');
    busA = EventBus.over(connection, quiet);
    busB = EventBus.over(second, quiet);
  });

  afterAll(async () => {
    busA.onModuleDestroy();
    busB.onModuleDestroy();
    await second.drain();
  });

  beforeEach(() => {
    quiet.warn.mockClear();
    quiet.error.mockClear();
  });

  /** Publishes 1..count and waits until `done` says every delivery arrived. */
  async function publishAll(count: number, done: () => boolean) {
    for (let n = 1; n <= count; n += 1) busA.publish(Happened, { n });
    await busA.flush();
    for (let attempt = 0; attempt < 100 && !done(); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  it('delivers each event to every subscriber, or to one member of a queue group', async () => {
    const everyA: number[] = [];
    const everyB: number[] = [];
    const queuedA: number[] = [];
    const queuedB: number[] = [];
    const ends = [
      busA.subscribe(Happened, ({ n }) => void everyA.push(n)),
      busB.subscribe(Happened, ({ n }) => void everyB.push(n)),
      busA.subscribe(Happened, ({ n }) => void queuedA.push(n), { queue: 'workers' }),
      busB.subscribe(Happened, ({ n }) => void queuedB.push(n), { queue: 'workers' }),
    ];
    await busA.flush();
    await busB.flush();
    await publishAll(20, () => everyA.length === 20 && everyB.length === 20 && queuedA.length + queuedB.length === 20);
    ends.forEach((end) => end());
    expect(everyA.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    expect(everyB).toHaveLength(20);
    // Each event went to exactly one member of the group.
    expect([...queuedA, ...queuedB].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
  });

  it('logs a handler that throws or rejects and goes on delivering', async () => {
    const received: number[] = [];
    const end = busB.subscribe(Happened, async ({ n }) => {
      received.push(n);
      if (n === 1) throw new Error('handler broke');
      if (n === 2) await Promise.reject(new Error('handler rejected'));
    });
    await busB.flush();
    await publishAll(3, () => received.length === 3 && quiet.error.mock.calls.length === 2);
    end();
    expect(received).toEqual([1, 2, 3]);
    expect(quiet.error).toHaveBeenCalledTimes(2);
    expect(quiet.error.mock.calls.map(([error]) => (error as Error).message)).toEqual(['handler broke', 'handler rejected']);
  });

  it('drops a malformed incoming event with a warning, and refuses to publish one', async () => {
    const received: number[] = [];
    const end = busB.subscribe(Happened, ({ n }) => void received.push(n));
    await busB.flush();
    connection.publish(Happened.subject, JSON.stringify({ n: 'one' }));
    connection.publish(Happened.subject, 'not json');
    await publishAll(1, () => received.length === 1 && quiet.warn.mock.calls.length === 2);
    end();
    expect(received).toEqual([1]);
    expect(quiet.warn.mock.calls.map(([message]) => message)).toEqual([
      expect.stringMatching(`ignored a malformed ${Happened.subject} message: n:`),
      `ignored a ${Happened.subject} message that is not JSON`,
    ]);
    expect(() => busA.publish(Happened, { n: 1.5 })).toThrow(`Event on ${Happened.subject} breaks its contract: n:`);
  });
});
