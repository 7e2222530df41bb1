import { connect as tcpConnect } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { Rpc, type ServiceName, SERVICE_NAMES } from '@castline/contracts';
import { CONFIG, NatsClient, PrismaService, REDIS } from '@castline/platform';
import type { Redis } from 'ioredis';
import type { MonitoringConfig } from '../config';
import type { ProbeResult } from './check-state';
import { GuardedHttp } from './guarded-http';

/** What a probe needs of a check row. */
export interface ProbeTarget {
  kind: string;
  target: string;
  method: string;
  expectedStatuses: number[];
  keyword: string | null;
  timeoutMs: number;
}

const KEYWORD_BODY_BYTES = 1_048_576;

/** Runs a promise against a deadline; the slow answer is a failed run. */
async function withDeadline<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The outside touches of health checks: a service's `<service>.health` over NATS, Postgres, Redis, NATS with
 * JetStream, nginx's /nginx-health, and operator HTTP(S)/TCP targets through the SSRF guard.
 */
@Injectable()
export class CheckProbes {
  constructor(
    @Inject(CONFIG) private readonly config: MonitoringConfig,
    private readonly nats: NatsClient,
    private readonly prisma: PrismaService,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly http: GuardedHttp,
  ) {}

  async run(check: ProbeTarget): Promise<ProbeResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      switch (check.kind) {
        case 'service':
          return await this.service(check.target as ServiceName, check.timeoutMs, elapsed);
        case 'postgres':
          await withDeadline(this.prisma.$queryRaw`SELECT 1`, check.timeoutMs);
          return { ok: true, responseTimeMs: elapsed() };
        case 'redis':
          await withDeadline(this.redis.ping(), check.timeoutMs);
          return { ok: true, responseTimeMs: elapsed() };
        case 'nats':
          return await withDeadline(this.natsAndJetStream(elapsed), check.timeoutMs);
        case 'nginx':
          return await this.httpCheck({ ...check, target: this.config.NGINX_HEALTH_URL, expectedStatuses: [200], keyword: null, method: 'GET' }, false);
        case 'http':
          return await this.httpCheck(check, true);
        case 'tcp':
          return await this.tcp(check.target, check.timeoutMs);
        default:
          return { ok: false, responseTimeMs: null, error: `unknown check kind ${check.kind}` };
      }
    } catch (error) {
      return { ok: false, responseTimeMs: null, error: describe(error) };
    }
  }

  private async service(service: ServiceName, timeoutMs: number, elapsed: () => number): Promise<ProbeResult> {
    if (!(SERVICE_NAMES as readonly string[]).includes(service)) return { ok: false, responseTimeMs: null, error: `unknown service ${service}` };
    const report = await this.nats.call(Rpc.health(service), {}, { timeoutMs });
    const down = report.checks.filter((check) => check.status !== 'up');
    if (report.status === 'up') return { ok: true, responseTimeMs: elapsed() };
    return { ok: false, responseTimeMs: elapsed(), error: `${service} reports ${down.map((check) => `${check.name} ${check.status}${check.error ? ` (${check.error})` : ''}`).join(', ') || 'down'}` };
  }

  private async natsAndJetStream(elapsed: () => number): Promise<ProbeResult> {
    await this.nats.rtt();
    await this.nats.jetStreamInfo();
    return { ok: true, responseTimeMs: elapsed() };
  }

  private async httpCheck(check: ProbeTarget, guarded: boolean): Promise<ProbeResult> {
    const response = await this.http.request(
      { url: check.target, method: check.method, timeoutMs: check.timeoutMs, maxRedirects: 5, maxBodyBytes: KEYWORD_BODY_BYTES },
      guarded,
    );
    const expected = check.expectedStatuses.length > 0 ? check.expectedStatuses.includes(response.status) : response.status >= 200 && response.status < 300;
    const base = { responseTimeMs: response.responseTimeMs, statusCode: response.status, certExpiresAt: response.certExpiresAt };
    if (!expected) return { ...base, ok: false, error: `status ${response.status}` };
    if (check.keyword && !response.body.includes(check.keyword)) return { ...base, ok: false, error: `keyword "${check.keyword}" not found` };
    return { ...base, ok: true };
  }

  private async tcp(target: string, timeoutMs: number): Promise<ProbeResult> {
    const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target);
    if (!match) return { ok: false, responseTimeMs: null, error: `${target} is not host:port` };
    const started = performance.now();
    const address = await this.http.approveHost(match[1] as string, 'tcp');
    await new Promise<void>((resolve, reject) => {
      const socket = tcpConnect({ host: address, port: Number(match[2]), timeout: timeoutMs });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('timeout', () => {
        socket.destroy();
        reject(new Error(`no connection within ${timeoutMs} ms`));
      });
      socket.once('error', reject);
    });
    return { ok: true, responseTimeMs: Math.round(performance.now() - started) };
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const message = (error as Error).message ?? String(error);
  return cause?.code ? `${message} (${cause.code})` : message;
}
