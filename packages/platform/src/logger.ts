import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import pino, { type Logger } from 'pino';

/** The JSON log line shape every process writes (Nest services through nestjs-pino, worker processes directly). */
const logShape = (service: string) => ({
  base: { service, pid: process.pid },
  timestamp: () => `,"time":"${new Date().toISOString()}"`,
  messageKey: 'msg',
});

/** A pino logger for a process that is not a Nest HTTP service (worker processes), same lines as the services'. */
export function createProcessLogger(service: string, level: string): Logger {
  return pino({ level, ...logShape(service) });
}

/**
 * pino JSON logs. Requests are logged at debug when they succeed (nginx already writes an access log);
 * 4xx at warn and 5xx at error, which also lets monitoring collect them.
 */
export function createLoggerModule(service: string, level: string) {
  return LoggerModule.forRoot({
    pinoHttp: {
      level,
      ...logShape(service),
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]'],
        censor: '[redacted]',
      },
      genReqId: (req: IncomingMessage) => {
        const fromProxy = req.headers['x-request-id'];
        return typeof fromProxy === 'string' && /^[\w-]{1,64}$/.test(fromProxy) ? fromProxy : randomUUID();
      },
      customLogLevel: (_req, res, err) => {
        if (err || res.statusCode >= 500) return 'error';
        if (res.statusCode >= 400) return 'warn';
        return 'debug';
      },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactQueryToken(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  });
}

/** `?token=<access token>` (the WebSocket's fallback credential) never reaches a log line. */
export function redactQueryToken(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]');
}
