import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ServiceName } from '@castline/contracts';
import { Logger } from 'nestjs-pino';
import type { BaseConfig } from './config';
import { MetricsService } from './metrics';
import { CastlineNatsTransport, NATS_CONNECTION } from './nats';

export interface BootstrapOptions {
  service: ServiceName;
  config: BaseConfig;
  port: number;
  /** Extra HTTP setup (global prefix, swagger, plugins) before the server listens. */
  configure?: (app: NestFastifyApplication) => Promise<void> | void;
  /** Peers allowed to set X-Forwarded-For (nginx). Default: loopback only. */
  trustedProxies?: string;
  /** Install SIGTERM/SIGINT handlers (off for apps that tests create in-process). */
  handleSignals?: boolean;
}

const REQUEST_ID = /^[\w-]{1,64}$/;

/** Reuses nginx's X-Request-Id so one id follows a request through nginx, Fastify and pino. */
function requestId(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  const id = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
  req.headers['x-request-id'] = id;
  return id;
}

/**
 * Creates a service: Fastify HTTP (metrics, healthz, and the REST API for the gateway) plus the NATS
 * microservice, sharing one DI container, and installs graceful shutdown on SIGTERM/SIGINT.
 */
export async function bootstrapService(module: Type<unknown> | DynamicModule, options: BootstrapOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    trustProxy: options.trustedProxies ?? 'loopback',
    genReqId: requestId,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  app.get(MetricsService).instrumentHttp(fastify);
  // Clients calling a service directly get the request id too, not only inside error bodies.
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  // Handlers answer over the process's one NATS connection in Castline's plain-JSON wire format. A queue group
  // per service: several replicas share the work, each message is handled once.
  const strategy = new CastlineNatsTransport(app.get<NatsConnection>(NATS_CONNECTION), { queue: options.service });
  app.connectMicroservice<MicroserviceOptions>({ strategy }, { inheritAppConfig: true });
  if (options.handleSignals ?? true) handleShutdownSignals(app, options.config.SHUTDOWN_TIMEOUT_MS);
  await options.configure?.(app);
  await app.startAllMicroservices();
  await app.listen({ port: options.port, host: options.config.HOST });
  app.get(Logger).log(`${options.service} listening on http://${options.config.HOST}:${options.port}`);
  return app;
}

/**
 * SIGTERM/SIGINT, or the parent's IPC channel closing: close the app (HTTP stops accepting and drains, then NATS,
 * Redis, Prisma close) and exit 0; exit 1 when draining fails or outlasts the timeout. Repeated signals are ignored: Ctrl-C under a process
 * runner delivers SIGINT twice, and the second must not cut the drain short.
 */
function handleShutdownSignals(app: NestFastifyApplication, timeoutMs: number): void {
  const logger = app.get(Logger);
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received, draining`);
    // Node closes only the keep-alive connections idle at the moment close() is called; a request still in
    // flight then leaves its connection open for the keep-alive timeout. Sweep idle ones until done.
    const server = app.getHttpServer();
    setInterval(() => server.closeIdleConnections(), 100).unref();
    const deadline = setTimeout(() => {
      logger.error(`shutdown took longer than ${timeoutMs} ms, exiting`);
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(error, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // Started with an IPC channel (the testkit's spawnService): the parent is gone when it closes, even after a
  // SIGKILL, and a service nobody stops would otherwise answer the next test run's requests.
  if (process.send) process.once('disconnect', () => shutdown('SIGHUP'));
}
