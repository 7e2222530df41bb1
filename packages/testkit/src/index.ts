/** Test support shared by every workspace: databases, Redis prefixes, ports, sessions, the service and gateway harnesses. */
export * from './database';
export * from './sessions';
export * from './services';
export * from './gateway';
export * from './nginx';
export * from './fakes';
export * from './pgbouncer';
