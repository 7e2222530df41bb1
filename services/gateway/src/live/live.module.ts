import { Global, Module } from '@nestjs/common';
import { LiveFeed } from './live-feed';

/** Global: the auth and users services end live connections when they revoke a credential. */
@Global()
@Module({ providers: [LiveFeed], exports: [LiveFeed] })
export class LiveModule {}
