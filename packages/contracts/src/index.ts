export * from './activity';
export * from './errors';
export * from './health';
export * from './queues';
export * from './services';
export * from './subjects';
