import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogShipper } from './log-shipper';

/** The JSON log line shape every process writes (Nest services through nestjs-pino, worker processes directly). */
const logShape = (service: string) => ({
  base: { service, pid: process.pid },
  timestamp: () => `,"time":"${new Date().toISOString()}"`,
  messageKey: 'msg',
});

/**
 * Secrets never reach a log line (stdout or app_logs): request credentials and any field so named at the top
 * level or one level down. The shipper censors deeper keys that look like secrets as well.
 */
export const LOG_REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...['password', 'token', 'secret', 'accessToken', 'refreshToken', 'apiKey', 'authorization'].flatMap((key) => [key, `*.${key}`]),
];

/** stdout as it always was, plus the shipper for its level and above (pino.multistream). */
function destination(shipper: LogShipper | undefined): DestinationStream {
  if (!shipper) return process.stdout;
  return pino.multistream([
    { level: 'trace', stream: process.stdout },
    { level: shipper.levelName, stream: shipper },
  ]);
}

/** The options of a process logger (tests give them their own destination). */
export const processLoggerOptions = (service: string, level: string) => ({ level, ...logShape(service), redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' } });

/** A pino logger for a process that is not a Nest HTTP service (worker processes), same lines as the services'. */
export function createProcessLogger(service: string, level: string, shipper?: LogShipper): Logger {
  return pino(processLoggerOptions(service, level), destination(shipper));
}

/**
 * pino JSON logs. Requests are logged at debug when they succeed (nginx already writes an access log);
 * 4xx at warn and 5xx at error, which also lets monitoring collect them.
 */
export function createLoggerModule(service: string, level: string, shipper?: LogShipper) {
  return LoggerModule.forRoot({
    pinoHttp: [{
      level,
      ...logShape(service),
      redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
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
    }, destination(shipper)],
  });
}

/** `?token=<access token>` (the WebSocket's fallback credential) never reaches a log line. */
export function redactQueryToken(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]');
}
