export * from './connection';
export type { DurableHandler, DurableMeta, DurableOptions } from './durable-consumer';
export * from './event-bus';
export * from './latest-by-key';
export * from './nats.client';
export * from './transport';
export { ERROR_HEADER } from './wire';
export * from './stream-publish';
