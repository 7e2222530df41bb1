export * from './ladder';
export * from './live-command';
export * from './playlist';
export * from './progress';
export * from './source-url';
export * from './source-secrets';
export * from './source-options';
