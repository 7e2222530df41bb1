import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'castline:public';

/** Reachable without credentials where an auth guard is installed (the gateway). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
