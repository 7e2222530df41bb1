import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { BaseConfig } from '../config';
import { checkDependency } from '../health';
import { createLogShipper } from '../log-shipper.link';
import { createProcessLogger } from '../logger';
import { connectNats } from '../nats/connection';
import { pinToCpus } from './cpu-pinning';
import { Jobs } from './jobs';

export interface WorkerProcessContext {
  logger: Logger;
  /** The process's job module: queues and processors on one connection, counted in /metrics. */
  jobs: Jobs;
  /** The process's metrics registry (default Node metrics and job counters are in it already). */
  registry: Registry;
}

/** What the worker's `start` hands back: extra health checks, and what to close once its processors stopped. */
export interface WorkerRuntime {
  checks?: Record<string, () => Promise<unknown>>;
  close?: () => Promise<void>;
}

export interface WorkerProcessOptions {
  /** Names the process in logs and metrics, e.g. `channels-worker`. */
  name: string;
  config: BaseConfig;
  /** A taskset CPU list to pin the process (and the FFmpegs it starts) to; unset: all cores. */
  cpus?: string;
  /** Port of the /metrics, /healthz and /health endpoints; 0 takes any free port (logged). */
  port: number;
  /** Installs SIGTERM/SIGINT handlers that stop the worker and exit (off for in-process use). Default true. */
  handleSignals?: boolean;
  /** Starts the processors (with `context.jobs.process`) and anything else the worker needs. */
  start: (context: WorkerProcessContext) => Promise<WorkerRuntime | void>;
}

export interface WorkerProcess extends WorkerProcessContext {
  /** http://host:port of /metrics, /healthz and /health. */
  readonly url: string;
  /**
   * Stops taking jobs, hands running ones back to their queues (within SHUTDOWN_TIMEOUT_MS; past it they are
   * dropped and return after their lock expires), closes what `start` opened, then the connections.
   */
  stop(reason?: string): Promise<void>;
}

/**
 * The bootstrap of every worker process: pino logs, CPU pinning, a job module, /metrics (prom-client), a
 * health endpoint, and SIGTERM/SIGINT handling with hand-back. A second signal during shutdown is ignored
 * (process runners send SIGINT twice); a shutdown that outlasts SHUTDOWN_TIMEOUT_MS by 5 s exits 1.
 */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const { config, name } = options;
  // Warn+ records go to app_logs too, over a NATS connection of their own (the worker's may come and go).
  const shipper = createLogShipper(name, config);
  const logger = createProcessLogger(name, config.LOG_LEVEL, shipper);
  const shipping = shipper
    ? connectNats(config, `${name}-logs-${process.pid}`).then(
        (connection) => {
          shipper.attach(connection);
          return connection;
        },
        (error: unknown) => {
          logger.warn(`log records are not shipped: ${(error as Error).message}`);
          return undefined;
        },
      )
    : Promise.resolve(undefined);
  if (options.cpus) {
    pinToCpus(options.cpus);
    logger.info({ cpus: options.cpus }, `pinned to CPUs ${options.cpus}`);
  }
  const registry = new Registry();
  registry.setDefaultLabels({ service: name });
  collectDefaultMetrics({ register: registry });
  const jobs = new Jobs(config);
  jobs.instrument(registry);
  let runtime: WorkerRuntime | void;
  try {
    runtime = await options.start({ logger, jobs, registry });
  } catch (error) {
    await jobs.close(0);
    throw error;
  }
  const checks = { redis: () => jobs.ping(), ...runtime?.checks };
  const server = await serve(options.port, config.HOST, registry, checks);
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.HOST}:${port}`;
  logger.info({ url }, `${name} metrics and health on ${url}`);

  let stopping: Promise<void> | undefined;
  const stop = (reason = 'stop requested') => {
    stopping ??= (async () => {
      logger.info(`${reason}: handing running jobs back`);
      await jobs.close(config.SHUTDOWN_TIMEOUT_MS);
      await runtime?.close?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      logger.info('stopped');
      // What was logged up to here (a fatal error right before exit included) is sent before the process ends.
      const connection = await shipping;
      await shipper?.flush();
      shipper?.detach();
      await connection?.drain().catch(() => undefined);
    })();
    return stopping;
  };

  if (options.handleSignals ?? true) {
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return;
      setTimeout(() => {
        logger.error(`shutdown took longer than ${config.SHUTDOWN_TIMEOUT_MS + 5_000} ms, exiting`);
        process.exit(1);
      }, config.SHUTDOWN_TIMEOUT_MS + 5_000).unref();
      stop(`${signal} received`).then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  return { logger, jobs, registry, url, stop };
}

/** GET /metrics (Prometheus text), /healthz (alive) and /health (each dependency checked, 503 when one is down). */
async function serve(port: number, host: string, registry: Registry, checks: Record<string, () => Promise<unknown>>): Promise<Server> {
  const server = createServer((request, response) => {
    const reply = (status: number, body: string, type = 'application/json') => {
      response.writeHead(status, { 'content-type': type }).end(body);
    };
    if (request.method !== 'GET') return reply(405, JSON.stringify({ error: 'method not allowed' }));
    if (request.url === '/metrics') {
      registry.metrics().then((text) => reply(200, text, registry.contentType), (error: Error) => reply(500, JSON.stringify({ error: error.message })));
      return;
    }
    if (request.url === '/healthz') return reply(200, JSON.stringify({ status: 'ok' }));
    if (request.url === '/health') {
      void Promise.all(Object.entries(checks).map(([check, probe]) => checkDependency(check, probe))).then((results) => {
        const up = results.every((result) => result.status === 'up');
        reply(up ? 200 : 503, JSON.stringify({ status: up ? 'up' : 'down', pid: process.pid, uptimeSeconds: Math.round(process.uptime()), checks: results }));
      });
      return;
    }
    reply(404, JSON.stringify({ error: 'not found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
