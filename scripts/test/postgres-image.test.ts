import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * scripts/check-postgres-image.sh (run by check-deploy-files.sh): the backup image is built on the postgres
 * service's image in both compose files, and on the Dockerfile's default. It passes on the repository's files
 * and fails, naming both images, when one side is changed.
 */
const root = path.resolve(__dirname, '../..');
const script = path.join(root, 'scripts/check-postgres-image.sh');
const work = mkdtempSync(path.join(os.tmpdir(), 'castline-postgres-image-'));
const envFile = path.join(work, 'compose.env');
// What the prod file requires (${VAR:?}): any value does for `docker-compose config`.
const required = [...readFileSync(path.join(root, 'docker-compose.prod.yml'), 'utf8').matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((match) => match[1]);
writeFileSync(envFile, [...new Set(required)].map((name) => `${name}=check-only-value-0123456789abcdef0123`).join('\n') + '\n');

afterAll(() => rmSync(work, { recursive: true, force: true }));

function check(files: string[], env: Record<string, string> = {}, dockerfile = path.join(root, 'Dockerfile')) {
  const inherited = { ...process.env };
  delete inherited.POSTGRES_IMAGE;
  const outcome = spawnSync('bash', [script, '--dockerfile', dockerfile, '--env-file', envFile, ...files], { cwd: root, env: { ...inherited, ...env }, encoding: 'utf8' });
  return { status: outcome.status, stderr: outcome.stderr };
}

/** A copy of a repository compose file, with `edit` applied, in the repo root (its relative paths stay valid). */
function edited(file: string, edit: (text: string) => string): string {
  const text = readFileSync(path.join(root, file), 'utf8');
  const changed = edit(text);
  expect(changed).not.toBe(text);
  const copy = path.join(root, `.check-postgres-image-${path.basename(file)}`);
  writeFileSync(copy, changed);
  return copy;
}

afterEach(() => {
  for (const file of ['docker-compose.prod.yml', 'docker-compose.local.yml']) rmSync(path.join(root, `.check-postgres-image-${file}`), { force: true });
});

describe('check-postgres-image.sh', () => {
  it('passes on the repository files (the files are checked, not a POSTGRES_IMAGE of the environment)', () => {
    expect(check(['docker-compose.local.yml', 'docker-compose.prod.yml'])).toEqual({ status: 0, stderr: '' });
    expect(check(['docker-compose.prod.yml'], { POSTGRES_IMAGE: 'postgres:17.5-bookworm' })).toEqual({ status: 0, stderr: '' });
  });

  it('fails when the postgres service runs another image than the backup is built on', () => {
    const copy = edited('docker-compose.prod.yml', (text) => text.replace('image: ${POSTGRES_IMAGE:-postgres:16.9-bookworm}', 'image: postgres:17.5-bookworm'));
    const { status, stderr } = check([copy]);
    expect(status).toBe(1);
    expect(stderr).toContain('postgres runs postgres:17.5-bookworm but the backup image is built on postgres:16.9-bookworm');
  });

  it('fails when the backup is not built on POSTGRES_IMAGE at all', () => {
    const copy = edited('docker-compose.local.yml', (text) => text.replace(/\n {6}args:\n {8}POSTGRES_IMAGE: [^\n]+/, ''));
    const { status, stderr } = check([copy]);
    expect(status).toBe(1);
    expect(stderr).toContain('the backup service is not built with args.POSTGRES_IMAGE');
  });

  it("fails when the Dockerfile's default differs from the compose files'", () => {
    const dockerfile = path.join(work, 'Dockerfile');
    writeFileSync(dockerfile, readFileSync(path.join(root, 'Dockerfile'), 'utf8').replace('ARG POSTGRES_IMAGE=postgres:16.9-bookworm', 'ARG POSTGRES_IMAGE=postgres:15-bookworm'));
    const { status, stderr } = check(['docker-compose.prod.yml'], {}, dockerfile);
    expect(status).toBe(1);
    expect(stderr).toContain('default POSTGRES_IMAGE is postgres:15-bookworm');
  });
});
