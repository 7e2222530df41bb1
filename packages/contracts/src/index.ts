export * from './activity';
export * from './channels';
export * from './errors';
export * from './health';
export * from './monitoring';
export * from './queues';
export * from './services';
export * from './subjects';
