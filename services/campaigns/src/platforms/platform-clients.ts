import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '@castline/platform';
import type { CampaignsConfig } from '../config';
import { type GoogleCredentials, GoogleAdsClient } from './google-ads.client';
import { type MetaCredentials, MetaClient } from './meta.client';

/** Builds the platform clients from the service config (base URLs and versions point at the fakes in tests). */
@Injectable()
export class PlatformClients {
  constructor(@Inject(CONFIG) private readonly config: CampaignsConfig) {}

  meta(accountId: string, credentials: MetaCredentials, signal?: AbortSignal): MetaClient {
    return new MetaClient(
      accountId,
      credentials,
      {
        baseUrl: this.config.META_GRAPH_URL,
        version: this.config.META_GRAPH_VERSION,
        pollIntervalMs: this.config.META_POLL_INTERVAL_MS,
        stuckAfterMs: this.config.META_STUCK_AFTER_MS,
        backoffBaseMs: this.config.AD_SYNC_BACKOFF_MS,
        maxAttempts: this.config.AD_SYNC_MAX_ATTEMPTS,
      },
      signal,
    );
  }

  google(credentials: GoogleCredentials, signal?: AbortSignal): GoogleAdsClient {
    return new GoogleAdsClient(
      credentials,
      {
        baseUrl: this.config.GOOGLE_ADS_URL,
        version: this.config.GOOGLE_ADS_VERSION,
        tokenUrl: this.config.GOOGLE_OAUTH_TOKEN_URL,
        backoffBaseMs: this.config.AD_SYNC_BACKOFF_MS,
        maxAttempts: this.config.AD_SYNC_MAX_ATTEMPTS,
      },
      signal,
    );
  }
}
