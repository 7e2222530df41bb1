import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Events, natsPermissions, type NatsUser, Rpc, SERVICE_NAMES } from '@castline/contracts';
import ts from 'typescript';

/**
 * nats/users.conf (natsPermissions(), from NATS_RPC_CALLERS and NATS_EVENTS in packages/contracts) against
 * what the services' code does on NATS: every catalog RPC a process calls (`Rpc.x.y` outside `@HandleRpc`:
 * `nats.call(...)`, the gateway's `forward({ rpc })` tables) and every event it publishes (`bus.publish(Events.x)`)
 * must be in its publish allow-list; every RPC it serves (`@HandleRpc`) and event it receives (`bus.subscribe`,
 * `@HandleEvent`, or any other use of `Events.x` than publishing) in its subscribe allow-list. Otherwise the
 * process is refused by nats-server in production only. A process is the code its entry point imports:
 * services/<name>/src/main.ts, and services/channels/src/worker/main.ts for the `channels-worker` user.
 */
const ROOT = path.resolve(__dirname, '../..');

const ENTRY_POINTS: Array<{ user: NatsUser; entry: string }> = [
  ...SERVICE_NAMES.map((service) => ({ user: service as NatsUser, entry: `services/${service}/src/main.ts` })),
  { user: 'channels-worker', entry: 'services/channels/src/worker/main.ts' },
];

interface Use {
  user: NatsUser;
  /** What the process does with the subject. */
  kind: 'calls' | 'serves' | 'publishes' | 'receives';
  subjects: string[];
  /** path:line of the reference. */
  where: string;
}

const parsed = new Map<string, ts.SourceFile>();
function sourceOf(file: string): ts.SourceFile {
  let source = parsed.get(file);
  if (!source) {
    source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    parsed.set(file, source);
  }
  return source;
}

function resolveRelative(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier.replace(/\.js$/, ''));
  return [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => {
    try {
      return statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}

/** The service source files an entry point reaches through relative imports (static, re-exports, import()). */
function filesOf(entry: string): string[] {
  const seen = new Set<string>();
  const pending = [path.join(ROOT, entry)];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const visit = (node: ts.Node): void => {
      let specifier: ts.Expression | undefined;
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) specifier = node.moduleSpecifier;
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) specifier = node.arguments[0];
      if (specifier && ts.isStringLiteral(specifier) && specifier.text.startsWith('.')) {
        const target = resolveRelative(file, specifier.text);
        if (target) pending.push(target);
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceOf(file));
  }
  return [...seen];
}

/** `Root.a.b` or `Root.a` (optionally called, `Root.a(x)`), read from the catalog object itself. */
function catalogEntry(node: ts.PropertyAccessExpression, root: 'Rpc' | 'Events'): { names: string[]; top: ts.Expression } | undefined {
  const names: string[] = [];
  let current: ts.Expression = node;
  while (ts.isPropertyAccessExpression(current)) {
    names.unshift(current.name.text);
    current = current.expression;
  }
  if (!ts.isIdentifier(current) || current.text !== root) return undefined;
  // Only the outermost access of a chain (Rpc.channels.get, not its inner Rpc.channels).
  if (ts.isPropertyAccessExpression(node.parent) && node.parent.expression === node) return undefined;
  return { names, top: node };
}

type Contract = { subject: string };
/** The subjects a catalog path stands for: `*` for a parameter, every service for `Rpc.health(service)`. */
function subjectsOf(root: 'Rpc' | 'Events', names: string[]): string[] {
  let value: unknown = root === 'Rpc' ? Rpc : Events;
  for (const name of names) value = (value as Record<string, unknown>)[name];
  if (typeof value === 'function') {
    const make = value as (parameter: string) => Contract;
    if (root === 'Rpc' && names.join('.') === 'health') return SERVICE_NAMES.map((service) => make(service).subject);
    return [make('*').subject];
  }
  if (value && typeof (value as Contract).subject === 'string') return [(value as Contract).subject];
  throw new Error(`${root}.${names.join('.')} is no contract of packages/contracts`);
}

function decoratorName(node: ts.Node): string | undefined {
  for (let current: ts.Node | undefined = node.parent; current; current = current.parent) {
    if (ts.isDecorator(current)) {
      const call = current.expression;
      return ts.isCallExpression(call) && ts.isIdentifier(call.expression) ? call.expression.text : undefined;
    }
    if (ts.isStatement(current) || ts.isClassElement(current)) return undefined;
  }
  return undefined;
}

/** The method a node is the first argument of (`bus.publish(Events.x, ...)` -> 'publish'). */
function calledWith(node: ts.Node): string | undefined {
  let argument = node;
  if (ts.isCallExpression(node.parent) && node.parent.expression === node) argument = node.parent; // Events.channelControl(id)
  const call = argument.parent;
  if (!ts.isCallExpression(call) || call.arguments[0] !== argument) return undefined;
  return ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : undefined;
}

/** Every NATS use in one process's files. */
function usesOf(user: NatsUser, files: string[]): { uses: Use[]; rawSubjects: string[] } {
  const uses: Use[] = [];
  const rawSubjects: string[] = [];
  for (const file of files) {
    const source = sourceOf(file);
    const where = (node: ts.Node) => `${path.relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node) && !ts.isTypeQueryNode(node.parent)) {
        const rpc = catalogEntry(node, 'Rpc');
        if (rpc) {
          const kind = decoratorName(node) === 'HandleRpc' ? 'serves' : 'calls';
          uses.push({ user, kind, subjects: subjectsOf('Rpc', rpc.names), where: where(node) });
        }
        const event = catalogEntry(node, 'Events');
        if (event) {
          const kind = calledWith(node) === 'publish' ? 'publishes' : 'receives';
          uses.push({ user, kind, subjects: subjectsOf('Events', event.names), where: where(node) });
        }
        if (ts.isIdentifier(node.expression) && node.expression.text === 'Subjects') rawSubjects.push(`${where(node)} Subjects.${node.name.text}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { uses, rawSubjects };
}

/** What natsPermissions() lacks for these uses, one line per missing (process, subject). */
function missingPermissions(uses: Use[], permissions = natsPermissions()): string[] {
  const problems = new Set<string>();
  for (const use of uses) {
    const allowed = use.kind === 'calls' || use.kind === 'publishes' ? permissions[use.user].publish : permissions[use.user].subscribe;
    for (const subject of use.subjects) {
      if (!allowed.includes(subject)) {
        const table = use.kind === 'calls' ? 'NATS_RPC_CALLERS' : use.kind === 'serves' ? 'the subject\'s first token (the serving service)' : 'NATS_EVENTS';
        problems.add(`${use.user} ${use.kind} ${subject} (${use.where}) but may not ${use.kind === 'calls' || use.kind === 'publishes' ? 'publish' : 'subscribe to'} it: add it to ${table} in packages/contracts/src/nats-permissions.ts`);
      }
    }
  }
  return [...problems];
}

const scanned = ENTRY_POINTS.map(({ user, entry }) => ({ user, entry, files: filesOf(entry), ...usesOf(user, filesOf(entry)) }));
const allUses = scanned.flatMap((process) => process.uses);

describe('NATS permissions cover what the services do', () => {
  it('finds the services\' NATS calls, serves, publishes and subscriptions (the scan sees the code)', () => {
    const seen = (user: NatsUser, kind: Use['kind'], subject: string) =>
      allUses.some((use) => use.user === user && use.kind === kind && use.subjects.includes(subject));
    expect(seen('gateway', 'calls', 'channels.start')).toBe(true); // forward({ rpc }) route table
    expect(seen('gateway', 'calls', 'channels.uploads.logo')).toBe(true); // nats.call
    expect(seen('gateway', 'calls', 'monitoring.health')).toBe(true); // Rpc.health(name)
    expect(seen('monitoring', 'calls', 'gateway.audit.recent')).toBe(true);
    expect(seen('channels', 'serves', 'channels.start')).toBe(true);
    expect(seen('channels', 'publishes', 'channels.control.*')).toBe(true);
    expect(seen('channels-worker', 'publishes', 'channels.metrics')).toBe(true);
    expect(seen('channels-worker', 'receives', 'channels.control.*')).toBe(true);
    expect(seen('gateway', 'receives', 'channels.metrics')).toBe(true);
    // The worker is its own process: the API does not run FFmpeg, so it publishes no metrics.
    expect(seen('channels', 'publishes', 'channels.metrics')).toBe(false);
  });

  it('every RPC a process calls or serves and every event it publishes or receives is allowed to it', () => {
    expect(missingPermissions(allUses)).toEqual([]);
  });

  it('services reach NATS through the catalog (Rpc, Events), where this scan sees them, not raw Subjects', () => {
    expect(scanned.flatMap((process) => process.rawSubjects)).toEqual([]);
  });

  it('names the process and the subject when a table lacks an entry', () => {
    const permissions = natsPermissions();
    const withoutMonitoringCaller = {
      ...permissions,
      monitoring: { ...permissions.monitoring, publish: permissions.monitoring.publish.filter((subject) => subject !== 'gateway.audit.recent') },
      'channels-worker': {
        ...permissions['channels-worker'],
        publish: permissions['channels-worker'].publish.filter((subject) => subject !== 'channels.metrics'),
      },
    };
    const problems = missingPermissions(allUses, withoutMonitoringCaller);
    expect(problems).toEqual([
      expect.stringMatching(/^monitoring calls gateway\.audit\.recent \(services\/monitoring\/src\/.*\) but may not publish it: add it to NATS_RPC_CALLERS/),
      expect.stringMatching(/^channels-worker publishes channels\.metrics \(services\/channels\/src\/worker\/.*\) but may not publish it: add it to NATS_EVENTS/),
    ]);
  });
});
