import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysRepository } from '../api-keys/api-keys.repository';
import { UsersRepository } from '../users/users.repository';
import { AccessTokenService } from './access-token.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { Authenticator } from './authenticator';
import { AuthService } from './auth.service';
import { FirstAdminService } from './first-admin.service';
import { LoginLimiter } from './login-limiter';
import { PasswordService } from './password.service';
import { RefreshTokenRepository } from './refresh-token.repository';
import { TokenVersions } from './token-versions';

@Global()
@Module({
  controllers: [AuthController],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    AccessTokenService,
    Authenticator,
    AuthService,
    FirstAdminService,
    LoginLimiter,
    PasswordService,
    RefreshTokenRepository,
    UsersRepository,
    ApiKeysRepository,
    TokenVersions,
  ],
  exports: [AccessTokenService, Authenticator, PasswordService, RefreshTokenRepository, UsersRepository, ApiKeysRepository, TokenVersions],
})
export class AuthModule {}
