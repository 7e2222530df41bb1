import type { StartedTestContainer } from 'testcontainers';

/** Connection URLs of throwaway PostgreSQL, Redis and NATS servers, and how to remove them. */
export interface TestInfrastructure {
  env: { DATABASE_URL: string; REDIS_URL: string; NATS_URL: string };
  stop(): Promise<void>;
}

/**
 * Starts postgres:16, redis:7 and nats:2 (JetStream on) with testcontainers. Fails at once, saying what to do,
 * when no container engine answers. Only for machines with Docker: by default the tests use the servers at
 * DATABASE_URL, REDIS_URL and NATS_URL.
 */
export async function startTestContainers(): Promise<TestInfrastructure> {
  // Loaded only when asked for: most runs never touch Docker.
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  try {
    await getContainerRuntimeClient();
  } catch (error) {
    throw new Error(
      `TESTCONTAINERS=1, but no Docker engine answers (${(error as Error).message}). Start one (or point DOCKER_HOST ` +
        'at one), or unset TESTCONTAINERS to test against the servers at DATABASE_URL, REDIS_URL and NATS_URL.',
      { cause: error },
    );
  }

  const starting = await Promise.allSettled([
    new GenericContainer('postgres:16')
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
      .withExposedPorts(5432)
      // The image's init runs a temporary server first; the second "ready" is the real one.
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start(),
    new GenericContainer('redis:7').withExposedPorts(6379).withWaitStrategy(Wait.forLogMessage('Ready to accept connections')).start(),
    new GenericContainer('nats:2').withCommand(['-js']).withExposedPorts(4222).withWaitStrategy(Wait.forLogMessage('Server is ready')).start(),
  ]);
  const started = starting.filter((outcome) => outcome.status === 'fulfilled').map((outcome) => outcome.value);
  const stop = async () => {
    await Promise.all(started.map((container) => container.stop()));
  };
  const failure = starting.find((outcome) => outcome.status === 'rejected');
  if (failure) {
    await stop();
    throw failure.reason;
  }

  const [postgres, redis, nats] = started as [StartedTestContainer, StartedTestContainer, StartedTestContainer];
  return {
    env: {
      DATABASE_URL: `postgresql://postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/castline`,
      REDIS_URL: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
      NATS_URL: `nats://${nats.getHost()}:${nats.getMappedPort(4222)}`,
    },
    stop,
  };
}

// jest loads globalSetup and globalTeardown as separate modules in one process: the handle lives on globalThis.
const RUNNING = Symbol.for('castline.testkit.containers');
const registry = globalThis as typeof globalThis & { [RUNNING]?: TestInfrastructure };

/**
 * jest globalSetup: with TESTCONTAINERS=1, starts the containers and points DATABASE_URL, REDIS_URL and NATS_URL
 * at them (jest workers are started later and inherit them). Otherwise does nothing.
 */
export async function setUpTestContainers(): Promise<void> {
  if (process.env.TESTCONTAINERS !== '1') return;
  const infrastructure = await startTestContainers();
  registry[RUNNING] = infrastructure;
  // testkit prefers TEST_DATABASE_URL; the containers must win.
  delete process.env.TEST_DATABASE_URL;
  Object.assign(process.env, infrastructure.env);
}

/** jest globalTeardown: removes what setUpTestContainers started, if anything. */
export async function tearDownTestContainers(): Promise<void> {
  const infrastructure = registry[RUNNING];
  delete registry[RUNNING];
  await infrastructure?.stop();
}
