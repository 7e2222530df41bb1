/** Nest injection tokens shared by the platform modules. */
export const CONFIG = Symbol('CONFIG');
export const SERVICE_NAME = Symbol('SERVICE_NAME');
export const REDIS = Symbol('REDIS');
export const NATS_CLIENT = Symbol('NATS_CLIENT');
