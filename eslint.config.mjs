import { readdirSync } from 'node:fs';
import eslint from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * Services are separate processes that talk over NATS: a service's code and tests never import another
 * service's src/ or test/ (nor its package). A test that needs another service runs it (testkit's
 * spawnService) or goes through the gateway (testkit's startTestGateway).
 */
const services = readdirSync(new URL('./services', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const serviceBoundaries = services.map((service) => {
  const others = services.filter((other) => other !== service).join('|');
  return {
    files: [`services/${service}/**/*.{ts,tsx,js,mjs}`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `(^|/)(${others})/(src|test)(/|$)`,
              message: 'Do not import another service\'s src/ or test/: call it over NATS, run it with spawnService, or use @castline/testkit.',
            },
            {
              regex: `^@castline/(${others})(/|$)`,
              message: 'Do not import another service: call it over NATS, run it with spawnService, or use @castline/testkit.',
            },
          ],
        },
      ],
    },
  };
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
