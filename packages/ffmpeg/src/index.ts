export * from './ladder';
export * from './live-command';
export * from './playlist';
export * from './progress';
export * from './source-url';
