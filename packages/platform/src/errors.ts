import { HttpException, HttpStatus } from '@nestjs/common';
import { type ErrorCode, ErrorCodes } from '@castline/contracts';

/** An error that reaches the caller as `{ error: { code, message, details } }` with the given status. */
export class AppError extends HttpException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    status: HttpStatus,
    readonly details?: unknown,
  ) {
    super({ code, message, details }, status);
  }

  static badRequest(message: string, details?: unknown) {
    return new AppError(ErrorCodes.validationFailed, message, HttpStatus.BAD_REQUEST, details);
  }
  static notFound(what: string) {
    return new AppError(ErrorCodes.notFound, `${what} not found`, HttpStatus.NOT_FOUND);
  }
  /** `details` names the field the conflict is about (`fieldProblem('slug', ...)`), so a form can show it there. */
  static conflict(message: string, details?: unknown) {
    return new AppError(ErrorCodes.conflict, message, HttpStatus.CONFLICT, details);
  }
  static forbidden(message = 'You do not have permission to do this') {
    return new AppError(ErrorCodes.forbidden, message, HttpStatus.FORBIDDEN);
  }
  static unauthenticated(message = 'Authentication required', code: ErrorCode = ErrorCodes.unauthenticated) {
    return new AppError(code, message, HttpStatus.UNAUTHORIZED);
  }
}
