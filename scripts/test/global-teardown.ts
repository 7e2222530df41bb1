// jest globalTeardown of the integration project: stops the containers global-setup.ts started, if any.
export { tearDownTestContainers as default } from '../../packages/testkit/src/containers';
