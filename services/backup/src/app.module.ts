import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@castline/platform';
import { BackupsModule } from './backups/backups.module';
import type { BackupConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: BackupConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: 'backup', config, uses: { postgres: true, redis: true } }), BackupsModule],
    };
  }
}
