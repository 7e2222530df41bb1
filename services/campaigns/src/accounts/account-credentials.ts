import { Inject, Injectable, Logger } from '@nestjs/common';
import { CONFIG, resealStale, type ResealResult, SecretBox } from '@castline/platform';
import type { CampaignsConfig } from '../config';
import type { GoogleCredentials } from '../platforms/google-ads.client';
import type { MetaCredentials } from '../platforms/meta.client';

export type AccountCredentials = MetaCredentials | GoogleCredentials;

/** The AAD of an account's sealed credentials: a value copied into another row or column fails to open. */
export const credentialsAad = (accountId: string) => `ad_accounts:${accountId}:credentials`;

/** Seals and opens ad-account credentials with SECRETS_ENCRYPTION_KEY (AES-256-GCM, key id inside). */
@Injectable()
export class AccountCredentialsBox {
  private readonly box: SecretBox;
  private readonly logger = new Logger(AccountCredentialsBox.name);

  constructor(@Inject(CONFIG) config: CampaignsConfig) {
    this.box = new SecretBox(config.SECRETS_ENCRYPTION_KEY, config.SECRETS_ENCRYPTION_KEYS_OLD);
  }

  seal(accountId: string, credentials: AccountCredentials): string {
    return this.box.seal(JSON.stringify(credentials), credentialsAad(accountId));
  }

  open<T extends AccountCredentials>(accountId: string, sealed: string): T {
    return JSON.parse(this.box.open(sealed, credentialsAad(accountId))) as T;
  }

  /**
   * Writes the credentials sealed by an old key (SECRETS_ENCRYPTION_KEYS_OLD) back under the current one;
   * `write` must only replace a value the row still holds.
   */
  resealStale(rows: ReadonlyArray<{ id: string; credentials: string }>, write: (id: string, from: string, to: string) => Promise<boolean>): Promise<ResealResult> {
    return resealStale(this.box, rows.map((row) => ({ id: row.id, sealed: row.credentials })), {
      aad: (row) => credentialsAad(row.id),
      write: (row, next) => write(row.id, row.sealed, next),
      logger: this.logger,
      what: 'ad_accounts.credentials',
    });
  }
}

/** All the API ever shows of a secret. */
export const last4 = (secret: string) => secret.slice(-4);
