import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { type ErrorBody, type ErrorCode, ErrorCodes } from '@castline/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Observable, throwError } from 'rxjs';
import { AppError } from './errors';

const codeByStatus: Partial<Record<number, ErrorCode>> = {
  400: ErrorCodes.validationFailed,
  401: ErrorCodes.unauthenticated,
  403: ErrorCodes.forbidden,
  404: ErrorCodes.notFound,
  409: ErrorCodes.conflict,
  413: ErrorCodes.validationFailed,
  415: ErrorCodes.validationFailed,
  429: ErrorCodes.rateLimited,
  503: ErrorCodes.serviceUnavailable,
  504: ErrorCodes.upstreamTimeout,
};

/** Renders every HTTP error in the one shape clients rely on; hides internals of unexpected errors. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    if (host.getType() === 'rpc') {
      // NATS callers get the same code/message/status; NatsClient turns it back into an AppError.
      const { status, body } = this.toBody(exception);
      if (status >= 500) this.logger.error({ err: exception }, 'message handler failed');
      return throwError(() => ({ ...body.error, status }));
    }
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, body } = this.toBody(exception);
    body.error.requestId = String(request.id);
    if (status >= 500) this.logger.error({ err: exception, requestId: request.id }, 'request failed');
    void reply.status(status).send(body);
  }

  private toBody(exception: unknown): { status: number; body: ErrorBody } {
    if (exception instanceof AppError) {
      const status = exception.getStatus();
      return { status, body: { error: { code: exception.code, message: exception.message, details: exception.details } } };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message =
        typeof response === 'string'
          ? response
          : String((response as { message?: unknown }).message ?? exception.message);
      return { status, body: { error: { code: codeByStatus[status] ?? ErrorCodes.internal, message } } };
    }
    // Fastify's own errors (body too large, bad JSON) carry a statusCode.
    const statusCode = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      return {
        status: statusCode,
        body: {
          error: { code: codeByStatus[statusCode] ?? ErrorCodes.validationFailed, message: (exception as Error).message },
        },
      };
    }
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: { error: { code: ErrorCodes.internal, message: 'Internal server error' } },
    };
  }
}
