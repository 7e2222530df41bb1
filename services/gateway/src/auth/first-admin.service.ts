import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CONFIG } from '@castline/platform';
import type { GatewayConfig } from '../config';
import { UsersRepository } from '../users/users.repository';
import { PasswordService } from './password.service';
import { randomSecret } from './secrets';

/**
 * Creates the first admin when the users table is empty: from ADMIN_EMAIL/ADMIN_PASSWORD, or with a random
 * password printed once. There are no default credentials.
 */
@Injectable()
export class FirstAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger(FirstAdminService.name);

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    private readonly users: UsersRepository,
    private readonly passwords: PasswordService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.users.count()) > 0) return;
    const email = (this.config.ADMIN_EMAIL ?? 'admin@castline.local').toLowerCase();
    const generated = this.config.ADMIN_PASSWORD ? undefined : randomSecret(15);
    const password = this.config.ADMIN_PASSWORD ?? generated!;
    const created = await this.users.createFirstAdmin({
      email,
      name: 'Administrator',
      role: 'admin',
      passwordHash: await this.passwords.hash(password),
    });
    if (!created) return;
    if (generated) {
      // Printed to stdout, outside the JSON log stream, exactly once: this password is stored nowhere else.
      process.stdout.write(
        `\n==== Castline first admin ====\n  email:    ${email}\n  password: ${generated}\n  (shown once; change it after signing in)\n==============================\n\n`,
      );
    }
    this.logger.log({ email }, 'first admin created');
  }
}
