// jest globalSetup of the integration project: containers for Postgres, Redis and NATS when TESTCONTAINERS=1.
export { setUpTestContainers as default } from '../../packages/testkit/src/containers';
