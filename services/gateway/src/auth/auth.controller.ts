import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ErrorCodes, fieldProblem } from '@castline/contracts';
import { AppError, Public, ZodValidationPipe } from '@castline/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiZodBody } from '../common/api-docs';
import { toUserView } from '../users/user.view';
import { UsersRepository } from '../users/users.repository';
import {
  type LoginBody,
  LoginBodySchema,
  type LogoutBody,
  LogoutBodySchema,
  type RefreshBody,
  RefreshBodySchema,
} from './auth.dto';
import { AuthService, type ClientInfo, type IssuedSession } from './auth.service';
import { Audit, CurrentPrincipal, RequirePermission } from './decorators';
import { LoginLimiter } from './login-limiter';
import type { Principal } from './principal';

export const REFRESH_COOKIE = 'castline_refresh';
const REFRESH_COOKIE_PATH = '/api/v1/auth';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersRepository,
    private readonly limiter: LoginLimiter,
  ) {}

  @Post('login')
  @HttpCode(200)
  @Public()
  @Audit('auth.login', 'user')
  @ApiOperation({ summary: 'Sign in with email and password' })
  @ApiZodBody(LoginBodySchema)
  async login(
    @Body(new ZodValidationPipe(LoginBodySchema)) body: LoginBody,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    await this.limiter.beforeAttempt(body.email, request.ip).catch((error: unknown) => {
      const retryAfter = error instanceof AppError ? (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds : undefined;
      if (retryAfter) void reply.header('Retry-After', String(retryAfter));
      throw error;
    });
    let session: IssuedSession;
    try {
      session = await this.auth.login(body.email, body.password, clientOf(request));
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCodes.invalidCredentials) await this.limiter.failed(body.email, request.ip);
      throw error;
    }
    await this.limiter.succeeded(body.email, request.ip);
    request.audit = { ...request.audit, targetId: session.user.id, actor: { id: session.user.id, label: session.user.email } };
    return this.respond(session, body.session, body.remember, reply);
  }

  @Post('refresh')
  @HttpCode(200)
  @Public()
  @Audit('auth.refresh', 'user')
  @ApiOperation({ summary: 'Rotate the refresh token (from the body or the httpOnly cookie) for a new pair' })
  @ApiZodBody(RefreshBodySchema)
  async refresh(
    @Body(new ZodValidationPipe(RefreshBodySchema)) body: RefreshBody,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const fromCookie = request.cookies[REFRESH_COOKIE];
    const token = body.refreshToken ?? fromCookie;
    if (!token) throw AppError.unauthenticated('No refresh token in the body or cookie', ErrorCodes.tokenInvalid);
    // A cookie session's refresh token stays in its httpOnly cookie: a script (an XSS) asking for it gets nothing.
    if (!body.refreshToken && body.session === 'body') {
      throw AppError.badRequest('A cookie session cannot receive its refresh token in a response body', fieldProblem('session', 'must be "cookie" for a cookie session'));
    }
    try {
      const session = await this.auth.refresh(token, clientOf(request));
      request.audit = { ...request.audit, targetId: session.user.id, actor: { id: session.user.id, label: session.user.email } };
      const mode = body.session ?? (body.refreshToken ? 'body' : 'cookie');
      return this.respond(session, mode, body.remember, reply);
    } catch (error) {
      if (!body.refreshToken) this.clearCookie(reply);
      throw error;
    }
  }

  @Post('logout')
  @HttpCode(204)
  @Public()
  @Audit('auth.logout', 'user')
  @ApiOperation({ summary: 'End the session of the given (or cookie) refresh token; `everywhere`: every session of its user' })
  @ApiZodBody(LogoutBodySchema)
  async logout(
    @Body(new ZodValidationPipe(LogoutBodySchema)) body: LogoutBody,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.auth.logout(body.refreshToken ?? request.cookies[REFRESH_COOKIE], body.everywhere);
    this.clearCookie(reply);
  }

  @Get('me')
  @RequirePermission('profile:read')
  @ApiBearerAuth()
  @ApiSecurity('api-key')
  @ApiOperation({ summary: 'The signed-in user, or the API key in use' })
  async me(@CurrentPrincipal() principal: Principal) {
    if (principal.kind === 'api-key') {
      return { kind: 'api-key', id: principal.id, name: principal.name, role: principal.role };
    }
    const user = await this.users.findById(principal.id);
    if (!user || user.disabled) throw AppError.unauthenticated('Account no longer active', ErrorCodes.accountDisabled);
    return { kind: 'user', ...toUserView(user) };
  }

  private respond(session: IssuedSession, mode: 'cookie' | 'body', remember: boolean, reply: FastifyReply) {
    const body = {
      accessToken: session.accessToken,
      tokenType: 'Bearer',
      expiresIn: session.expiresIn,
      user: toUserView(session.user),
    };
    if (mode === 'body') return { ...body, refreshToken: session.refreshToken, refreshExpiresAt: session.refreshExpiresAt };
    void reply.setCookie(REFRESH_COOKIE, session.refreshToken, {
      httpOnly: true,
      secure: true,
      sameSite: 'strict',
      path: REFRESH_COOKIE_PATH,
      expires: remember ? session.refreshExpiresAt : undefined,
    });
    return body;
  }

  private clearCookie(reply: FastifyReply): void {
    void reply.clearCookie(REFRESH_COOKIE, { path: REFRESH_COOKIE_PATH, httpOnly: true, secure: true, sameSite: 'strict' });
  }
}

const clientOf = (request: FastifyRequest): ClientInfo => ({ ip: request.ip, userAgent: request.headers['user-agent'] });
