import path from 'node:path';
import { ESLint } from 'eslint';

/** The lint rule that keeps services apart (eslint.config.mjs), shown to fail on planted violations. */
const root = path.resolve(__dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  return result!.messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

it('refuses a channels test importing the monitoring service\'s src/', async () => {
  const found = await problems('services/channels/test/planted.test.ts', "import { AppModule } from '../../monitoring/src/app.module';\nvoid AppModule;\n");
  expect(found).toEqual(["'../../monitoring/src/app.module' import is restricted from being used by a pattern. Do not import another service's src/ or test/: call it over NATS, run it with spawnService, or use @castline/testkit."]);
});

it('refuses another service\'s test support and package from service code', async () => {
  expect(await problems('services/monitoring/test/planted.test.ts', "import { login } from '../../gateway/test/support';\nvoid login;\n")).toHaveLength(1);
  expect(await problems('services/channels/src/planted.ts', "import { startGateway } from '@castline/gateway/dist/gateway';\nvoid startGateway;\n")).toHaveLength(1);
});

it('allows a service its own code, the shared packages and the testkit', async () => {
  const code = "import { startChannels } from '../src/channels-app';\nimport { startTestGateway } from '@castline/testkit';\nimport { Subjects } from '@castline/contracts';\nvoid startChannels;\nvoid startTestGateway;\nvoid Subjects;\n";
  expect(await problems('services/channels/test/planted.test.ts', code)).toEqual([]);
});
