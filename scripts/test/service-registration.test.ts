import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SERVICE_NAMES, SERVICE_PORTS } from '@castline/contracts';
import { parse } from 'yaml';

/**
 * A service is registered in several places (docs/ADDING-A-SERVICE.md lists them). This test reads them all and
 * names each place a service under services/ is missing from, so a new service cannot be half-registered.
 */
const root = path.resolve(__dirname, '../..');

/** The files the registration lives in, relative to the repository root. */
const REGISTRY_FILES = [
  'services',
  'tsconfig.json',
  'scripts/start.mjs',
  'docker-compose.local.yml',
  'docker-compose.prod.yml',
  'Dockerfile',
];

interface ComposeService {
  build?: { target?: string };
  environment?: Record<string, string>;
}

function composeServices(file: string): Record<string, ComposeService> {
  return (parse(readFileSync(file, 'utf8')) as { services: Record<string, ComposeService> }).services;
}

/** Every place a service under `<tree>/services/` is not registered, as readable sentences. */
function registrationProblems(tree: string, contracts: { names: readonly string[]; ports: Record<string, number> }): string[] {
  const problems: string[] = [];
  const services = readdirSync(path.join(tree, 'services'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  const references = (JSON.parse(readFileSync(path.join(tree, 'tsconfig.json'), 'utf8')) as { references: { path: string }[] }).references.map(
    (reference) => reference.path,
  );
  const startScript = readFileSync(path.join(tree, 'scripts/start.mjs'), 'utf8');
  const dockerfile = readFileSync(path.join(tree, 'Dockerfile'), 'utf8');
  const local = composeServices(path.join(tree, 'docker-compose.local.yml'));
  const prod = composeServices(path.join(tree, 'docker-compose.prod.yml'));

  for (const name of contracts.names) if (!services.includes(name)) problems.push(`${name}: in SERVICE_NAMES but there is no services/${name}/`);
  for (const name of services) {
    const port = contracts.ports[name];
    if (!contracts.names.includes(name)) problems.push(`${name}: missing from SERVICE_NAMES (packages/contracts/src/services.ts)`);
    if (port === undefined) problems.push(`${name}: missing from SERVICE_PORTS (packages/contracts/src/services.ts)`);
    const packageFile = path.join(tree, 'services', name, 'package.json');
    const manifest = existsSync(packageFile) ? (JSON.parse(readFileSync(packageFile, 'utf8')) as { name?: string; main?: string }) : {};
    if (manifest.name !== `@castline/${name}` || manifest.main !== 'dist/main.js') {
      problems.push(`${name}: services/${name}/package.json must be "@castline/${name}" with main dist/main.js`);
    }
    if (!existsSync(path.join(tree, 'services', name, 'src/main.ts'))) problems.push(`${name}: no services/${name}/src/main.ts`);
    if (!references.includes(`services/${name}`)) problems.push(`${name}: missing from tsconfig.json references`);
    if (!new RegExp(`\\['${name}', ${port ?? '\\d+'},`).test(startScript)) problems.push(`${name}: missing from SERVICES in scripts/start.mjs (with port ${port})`);
    const stage = new RegExp(`^FROM \\S+ AS ${name}\\n(?:(?!^FROM ).*\\n)*?CMD \\["node", "services/${name}/dist/main\\.js"\\]`, 'm');
    if (!stage.test(dockerfile)) problems.push(`${name}: no Dockerfile stage "AS ${name}" running services/${name}/dist/main.js`);
    if (!local[name]) problems.push(`${name}: no service in docker-compose.local.yml`);
    const prodService = prod[name];
    if (!prodService) problems.push(`${name}: no service in docker-compose.prod.yml`);
    else if (prodService.build?.target !== name) problems.push(`${name}: docker-compose.prod.yml must build the Dockerfile target ${name}`);
    for (const [file, service] of [['docker-compose.local.yml', local[name]], ['docker-compose.prod.yml', prodService]] as const) {
      const configured = service?.environment?.PORT;
      if (configured !== undefined && port !== undefined && Number(configured) !== port) problems.push(`${name}: PORT ${configured} in ${file}, ${port} in SERVICE_PORTS`);
    }
  }
  const ports = Object.values(contracts.ports);
  if (new Set(ports).size !== ports.length) problems.push('two services share a port in SERVICE_PORTS');
  return problems;
}

const contracts = { names: SERVICE_NAMES, ports: SERVICE_PORTS };

describe('service registration', () => {
  it('registers every service under services/ everywhere it must be', () => {
    expect(registrationProblems(root, contracts)).toEqual([]);
  });

  describe('names each place a planted service is missing from', () => {
    let tree: string;
    beforeAll(() => {
      tree = mkdtempSync(path.join(os.tmpdir(), 'castline-registration-'));
      for (const file of REGISTRY_FILES) {
        cpSync(path.join(root, file), path.join(tree, file), {
          recursive: true,
          // package.json and src/main.ts of each service are enough.
          filter: (source) => !/\/(node_modules|dist|test)(\/|$)/.test(source) && !/\/src\/.+\//.test(source),
        });
      }
    });
    afterAll(() => rmSync(tree, { recursive: true, force: true }));

    it('a new service directory registered nowhere', () => {
      cpSync(path.join(tree, 'services/media'), path.join(tree, 'services/radio'), { recursive: true });
      writeFileSync(path.join(tree, 'services/radio/package.json'), JSON.stringify({ name: '@castline/radio', main: 'dist/main.js' }));
      expect(registrationProblems(tree, contracts)).toEqual([
        'radio: missing from SERVICE_NAMES (packages/contracts/src/services.ts)',
        'radio: missing from SERVICE_PORTS (packages/contracts/src/services.ts)',
        'radio: missing from tsconfig.json references',
        'radio: missing from SERVICES in scripts/start.mjs (with port undefined)',
        'radio: no Dockerfile stage "AS radio" running services/radio/dist/main.js',
        'radio: no service in docker-compose.local.yml',
        'radio: no service in docker-compose.prod.yml',
      ]);
      rmSync(path.join(tree, 'services/radio'), { recursive: true });
    });

    it('a registered service whose Dockerfile stage and port disagree', () => {
      const dockerfile = path.join(tree, 'Dockerfile');
      const original = readFileSync(dockerfile, 'utf8');
      writeFileSync(dockerfile, original.replace('CMD ["node", "services/media/dist/main.js"]', 'CMD ["node", "services/gateway/dist/main.js"]'));
      expect(registrationProblems(tree, { names: SERVICE_NAMES, ports: { ...SERVICE_PORTS, media: 3006 } })).toEqual([
        'media: missing from SERVICES in scripts/start.mjs (with port 3006)',
        'media: no Dockerfile stage "AS media" running services/media/dist/main.js',
        ...['docker-compose.local.yml', 'docker-compose.prod.yml']
          .filter((file) => composeServices(path.join(tree, file)).media?.environment?.PORT)
          .map((file) => `media: PORT 3007 in ${file}, 3006 in SERVICE_PORTS`),
        'two services share a port in SERVICE_PORTS',
      ]);
      writeFileSync(dockerfile, original);
    });
  });
});

it('docs/ADDING-A-SERVICE.md lists every place this test checks', () => {
  const guide = readFileSync(path.join(root, 'docs/ADDING-A-SERVICE.md'), 'utf8');
  const places = [...REGISTRY_FILES.filter((file) => file !== 'services'), 'packages/contracts/src/services.ts', 'services/<name>/package.json'];
  expect(places.filter((place) => !guide.includes(`\`${place}\``))).toEqual([]);
});
