import {
  type CallHandler,
  Controller,
  type ExecutionContext,
  Get,
  Header,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import type { FastifyInstance } from 'fastify';
import { Registry, collectDefaultMetrics, Histogram } from 'prom-client';
import { type Observable, tap } from 'rxjs';
import { ApiRollups } from './api-rollups';
import { Public } from './public';
import { SERVICE_NAME } from './tokens';

/** One registry per application (not prom-client's global), so tests can boot several apps in a process. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly requestDuration: Histogram<'transport' | 'route' | 'method' | 'status'>;
  /** Per-minute rollups with log-scale latency buckets, published to monitoring (api_metric_rollups). */
  readonly rollups: ApiRollups;

  constructor(@Inject(SERVICE_NAME) service: string) {
    this.rollups = new ApiRollups(service);
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.requestDuration = new Histogram({
      name: 'castline_request_duration_seconds',
      help: 'Duration of HTTP requests and NATS RPC calls handled, by route template or subject',
      labelNames: ['transport', 'route', 'method', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
  }

  /**
   * Times every HTTP request at the Fastify level, so requests refused by guards or unmatched routes are
   * counted too. The label is the route template (`/api/v1/users/:id`), never the raw URL.
   */
  instrumentHttp(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched';
      this.requestDuration.observe({ transport: 'http', route, method: request.method, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
      this.rollups.record('http', route, request.method, reply.statusCode, reply.elapsedTime);
      done();
    });
  }
}

/** Times NATS message handlers by subject. HTTP is timed by the Fastify hook above. */
@Injectable()
export class RpcMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: MetricsService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const subject = context.switchToRpc().getContext<NatsContext>().getSubject();
    const end = this.metrics.requestDuration.startTimer({ transport: 'rpc', route: subject, method: 'request' });
    const started = performance.now();
    const done = (status: 'ok' | 'error') => {
      end({ status });
      this.metrics.rollups.record('rpc', subject, 'request', status, performance.now() - started);
    };
    return next.handle().pipe(tap({ next: () => done('ok'), error: () => done('error') }));
  }
}

@Controller()
@Public()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
