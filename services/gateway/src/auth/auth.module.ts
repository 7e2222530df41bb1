import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { CONFIG, REDIS } from '@castline/platform';
import type { Redis } from 'ioredis';
import { ApiKeysRepository } from '../api-keys/api-keys.repository';
import type { GatewayConfig } from '../config';
import { UsersRepository } from '../users/users.repository';
import { AccessTokenService } from './access-token.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { Authenticator } from './authenticator';
import { AuthService } from './auth.service';
import { FirstAdminService } from './first-admin.service';
import { LOGIN_PER_ACCOUNT, LOGIN_PER_IP, LoginThrottlerGuard, loginTracker } from './login-throttler.guard';
import { PasswordService } from './password.service';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { RefreshTokenRepository } from './refresh-token.repository';
import { TokenVersions } from './token-versions';

@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [CONFIG, REDIS],
      useFactory: (config: GatewayConfig, redis: Redis) => {
        const window = config.LOGIN_WINDOW_SECONDS * 1000;
        return {
          storage: new RedisThrottlerStorage(redis),
          throttlers: [
            { name: LOGIN_PER_IP, ttl: window, limit: config.LOGIN_LIMIT_PER_IP, blockDuration: window, getTracker: loginTracker(LOGIN_PER_IP) },
            { name: LOGIN_PER_ACCOUNT, ttl: window, limit: config.LOGIN_LIMIT_PER_ACCOUNT, blockDuration: window, getTracker: loginTracker(LOGIN_PER_ACCOUNT) },
          ],
        };
      },
    }),
  ],
  controllers: [AuthController],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    AccessTokenService,
    Authenticator,
    AuthService,
    FirstAdminService,
    LoginThrottlerGuard,
    PasswordService,
    RefreshTokenRepository,
    UsersRepository,
    ApiKeysRepository,
    TokenVersions,
  ],
  exports: [AccessTokenService, Authenticator, PasswordService, RefreshTokenRepository, UsersRepository, ApiKeysRepository, TokenVersions],
})
export class AuthModule {}
