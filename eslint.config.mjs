import { readdirSync } from 'node:fs';
import eslint from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * Services are separate processes that talk over NATS: a service's code and tests never import another
 * service's src/ or test/ (nor its package). A test that needs another service runs it (testkit's
 * spawnService) or goes through the gateway (testkit's startTestGateway). Service code opens no raw NATS
 * connection either: @castline/platform is the one place that speaks to NATS.
 */
const services = readdirSync(new URL('./services', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const rawNatsImport = {
  regex: '^(nats|@nats-io/.*)$',
  message: 'Service code talks over NATS through @castline/platform (NatsClient, EventBus, the rpc catalog), which carries credentials, tracing and the wire format; tests may use @nats-io directly.',
};
const serviceBoundaries = services.flatMap((service) => {
  const others = services.filter((other) => other !== service).join('|');
  const boundaries = [
    {
      regex: `(^|/)(${others})/(src|test)(/|$)`,
      message: 'Do not import another service\'s src/ or test/: call it over NATS, run it with spawnService, or use @castline/testkit.',
    },
    {
      regex: `^@castline/(${others})(/|$)`,
      message: 'Do not import another service: call it over NATS, run it with spawnService, or use @castline/testkit.',
    },
  ];
  return [
    { files: [`services/${service}/**/*.{ts,tsx,js,mjs}`], rules: { 'no-restricted-imports': ['error', { patterns: boundaries }] } },
    { files: [`services/${service}/src/**/*.{ts,tsx,js,mjs}`], rules: { 'no-restricted-imports': ['error', { patterns: [...boundaries, rawNatsImport] }] } },
  ];
});

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/.next/**', 'packages/db/src/generated/**', '.tools/**', '.cache/**', 'reports/**', 'coverage/**'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  {
    files: ['apps/dashboard/src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/test/**/*.{ts,js}', 'apps/dashboard/e2e/**/*.ts', '**/*.spec.ts', 'scripts/**/*.mjs', '**/*.config.{js,mjs,ts}'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  ...serviceBoundaries,
);
