import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { SERVICE_NAMES, SERVICE_PORTS } from '@castline/contracts';
import {
  type CollectedProcess,
  createTestDatabase,
  freePort,
  inProcessServiceEnv,
  redisKeyPrefix,
  type ServiceProcess,
  spawnNode,
  spawnService,
  startTestNats,
  type TestDatabase,
  type TestNats,
} from '@castline/testkit';
import { parse } from 'yaml';

/**
 * The compose profile `monitoring` (monitoring/): Grafana dashboards and Prometheus rules are PromQL over metric
 * names nothing compiles against, so a renamed metric would leave a panel silently empty. Here every Castline
 * process (the seven services and both workers) runs from its build, its real /metrics is scraped, and every
 * metric name of every dashboard and rule expression must be in that output; the scrape targets must name every
 * service on its port.
 */
jest.setTimeout(120_000);

const root = path.resolve(__dirname, '../..');
const monitoringDir = path.join(root, 'monitoring');
const dashboardsDir = path.join(monitoringDir, 'grafana/dashboards');
const rulesDir = path.join(monitoringDir, 'prometheus/rules');

/** Series Prometheus makes itself (per target and per alerting rule): in no process's /metrics. */
const PROMETHEUS_OWN_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'ALERTS', 'ALERTS_FOR_STATE']);

/** Worker processes: compose service, its build's entry point and the name it reports in the `service` label. */
const WORKERS = [
  { compose: 'live-worker', main: 'services/channels/dist/worker/main.js', service: 'channels-worker' },
  { compose: 'media-worker', main: 'services/media/dist/worker/main.js', service: 'media-worker' },
];

// ---------------------------------------------------------------------------------------------------------------
// PromQL in the monitoring files

interface Expression {
  /** Where it is: file and panel/rule. */
  where: string;
  expr: string;
}

/** Every PromQL expression of a dashboard: panel targets and the metric of each label_values() variable. */
function dashboardExpressions(file: string): Expression[] {
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as { panels: Panel[]; templating?: { list: { name: string; definition?: string }[] } };
  const found: Expression[] = [];
  for (const panel of dashboard.panels) {
    for (const target of panel.targets ?? []) found.push({ where: `${path.basename(file)} "${panel.title}" ${target.refId}`, expr: target.expr });
  }
  for (const variable of dashboard.templating?.list ?? []) {
    const metric = /^label_values\(\s*(.+?)\s*,\s*\w+\s*\)$/.exec(variable.definition ?? '')?.[1];
    if (variable.definition && !metric) throw new Error(`${path.basename(file)} variable ${variable.name}: not label_values(<selector>, <label>)`);
    if (metric) found.push({ where: `${path.basename(file)} variable $${variable.name}`, expr: metric });
  }
  return found;
}

interface Panel {
  title: string;
  type: string;
  datasource?: { uid?: string };
  targets?: { refId: string; expr: string; datasource?: { uid?: string } }[];
}

function ruleExpressions(file: string): Expression[] {
  const rules = parse(readFileSync(file, 'utf8')) as { groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[] };
  return rules.groups.flatMap((group) => group.rules.map((rule) => ({ where: `${path.basename(file)} ${rule.alert ?? rule.record}`, expr: rule.expr })));
}

const filesIn = (dir: string, extension: string) =>
  readdirSync(dir)
    .filter((file) => file.endsWith(extension))
    .map((file) => path.join(dir, file));

function allExpressions(): Expression[] {
  return [...filesIn(dashboardsDir, '.json').flatMap(dashboardExpressions), ...filesIn(rulesDir, '.yml').flatMap(ruleExpressions)];
}

/** Grafana's own variables become a duration PromQL accepts; `$service` and the like sit in strings already. */
const withGrafanaVariables = (expr: string) => expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m');

/** The metric names an expression selects, and the text of any part the PromQL grammar does not accept. */
function analyse(expr: string): { metrics: string[]; errors: string[] } {
  const source = withGrafanaVariables(expr);
  const metrics: string[] = [];
  const errors: string[] = [];
  const cursor = parser.parse(source).cursor();
  do {
    if (cursor.type.isError) errors.push(`at ${cursor.from}: "${source.slice(Math.max(0, cursor.from - 10), cursor.from + 10)}"`);
    if (cursor.name === 'Identifier' && cursor.node.parent?.name === 'VectorSelector') metrics.push(source.slice(cursor.from, cursor.to));
  } while (cursor.next());
  return { metrics, errors };
}

// ---------------------------------------------------------------------------------------------------------------
// The processes' real /metrics

/** Sample names of a Prometheus text exposition, with the _bucket/_sum/_count series of histograms and summaries. */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      const [, name, kind] = type as unknown as [string, string, string];
      names.add(name);
      if (kind === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
      if (kind === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (sample) names.add(sample[1]!);
  }
  return names;
}

let database: TestDatabase;
let nats: TestNats;
let workDir: string;
const services: ServiceProcess[] = [];
const workers: CollectedProcess[] = [];
/** /metrics text of every process, by the name it reports in its `service` label. */
const scraped = new Map<string, string>();

async function startWorker(main: string, env: Record<string, string | undefined>): Promise<{ process: CollectedProcess; url: string }> {
  const port = await freePort();
  const process = spawnNode(path.join(root, main), { ...env, WORKER_PORT: String(port), PORT: String(port), HOST: '127.0.0.1' });
  workers.push(process);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (!(await fetch(`${url}/healthz`).then((response) => response.ok, () => false))) {
    if (process.child.exitCode !== null || Date.now() > deadline) throw new Error(`${main} did not answer ${url}/healthz: ${process.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { process, url };
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  if (!response.ok) throw new Error(`${url}/metrics answered ${response.status}`);
  return response.text();
}

beforeAll(async () => {
  database = await createTestDatabase('monitoring-dashboards');
  nats = await startTestNats();
  workDir = mkdtempSync(path.join(os.tmpdir(), 'castline-monitoring-dashboards-'));
  const accessLog = path.join(workDir, 'access.log');
  writeFileSync(accessLog, '');
  const env = {
    ...inProcessServiceEnv(database.url, nats.url),
    LOG_LEVEL: 'warn',
    REDIS_KEY_PREFIX: redisKeyPrefix('monitoring-dashboards'),
    HLS_ROOT: path.join(workDir, 'hls'),
    UPLOADS_DIR: path.join(workDir, 'uploads'),
    MEDIA_ROOT: path.join(workDir, 'media'),
    BACKUP_DIR: path.join(workDir, 'backups'),
    TRAFFIC_ACCESS_LOG: accessLog,
    AD_SYNC_WORKER: 'off',
  };
  for (const name of SERVICE_NAMES) {
    const service = await spawnService(name, env);
    services.push(service);
    scraped.set(name, await scrape(service.url));
  }
  for (const worker of WORKERS) scraped.set(worker.service, await scrape((await startWorker(worker.main, env)).url));
});

afterAll(async () => {
  for (const worker of workers) {
    if (worker.child.exitCode === null) {
      const exited = new Promise((resolve) => worker.child.once('exit', resolve));
      worker.child.kill('SIGTERM');
      await exited;
    }
  }
  for (const service of services) await service.stop();
  await nats?.stop();
  await database?.drop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('Grafana dashboards and Prometheus rules', () => {
  const expressions = allExpressions();

  it('are there: four dashboards and the alerting rules', () => {
    expect(filesIn(dashboardsDir, '.json').map((file) => path.basename(file)).sort()).toEqual(['alerts.json', 'api.json', 'channels.json', 'host.json']);
    expect(expressions.filter((expression) => expression.where.startsWith('castline.yml')).length).toBeGreaterThan(0);
  });

  it('are valid PromQL, every one', () => {
    const invalid = expressions.flatMap(({ where, expr }) => analyse(expr).errors.map((error) => `${where}: ${error}`));
    expect(invalid).toEqual([]);
  });

  it('use only metric names some Castline process really exports', () => {
    const exported = new Set([...scraped.values()].flatMap((text) => [...exportedNames(text)]));
    const missing = expressions.flatMap(({ where, expr }) =>
      analyse(expr)
        .metrics.filter((metric) => !exported.has(metric) && !PROMETHEUS_OWN_SERIES.has(metric))
        .map((metric) => `${where}: ${metric}`),
    );
    expect(missing).toEqual([]);
    // Not vacuous: the expressions name metrics, and most of them are the services' own.
    const used = new Set(expressions.flatMap(({ expr }) => analyse(expr).metrics));
    expect([...used].filter((metric) => metric.startsWith('castline_')).length).toBeGreaterThan(20);
  });

  it('every process labels its series with its own service name, which the dashboards group by', () => {
    for (const [name, text] of scraped) expect({ name, labelled: text.includes(`service="${name}"`) }).toEqual({ name, labelled: true });
  });

  it('every panel reads the provisioned Prometheus data source', () => {
    const datasources = parse(readFileSync(path.join(monitoringDir, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as {
      datasources: { uid: string; url: string }[];
    };
    const [datasource] = datasources.datasources;
    expect(datasource?.url).toBe('http://prometheus:9090');
    const elsewhere: string[] = [];
    const uids = new Set<string>();
    for (const file of filesIn(dashboardsDir, '.json')) {
      const dashboard = JSON.parse(readFileSync(file, 'utf8')) as { uid: string; panels: Panel[] };
      uids.add(dashboard.uid);
      for (const panel of dashboard.panels.filter((candidate) => candidate.type !== 'row')) {
        const sources = [panel.datasource?.uid, ...(panel.targets ?? []).map((target) => target.datasource?.uid)];
        if (sources.some((uid) => uid !== datasource?.uid)) elsewhere.push(`${path.basename(file)} "${panel.title}"`);
      }
    }
    expect(elsewhere).toEqual([]);
    expect(uids.size).toBe(4);
  });
});

describe('Prometheus scrape targets', () => {
  const config = parse(readFileSync(path.join(monitoringDir, 'prometheus/prometheus.yml'), 'utf8')) as {
    rule_files: string[];
    scrape_configs: { job_name: string; metrics_path?: string; static_configs?: { targets: string[] }[]; dns_sd_configs?: { names: string[]; port: number }[] }[];
  };
  const compose = (parse(readFileSync(path.join(root, 'docker-compose.prod.yml'), 'utf8')) as {
    services: Record<string, { environment?: Record<string, string>; profiles?: string[]; networks?: string[]; ports?: unknown; volumes?: string[] }>;
  }).services;

  it('name every service on its SERVICE_PORTS port', () => {
    const services = config.scrape_configs.find((scrape) => scrape.job_name === 'castline-services');
    expect(services?.static_configs?.flatMap((group) => group.targets).sort()).toEqual(SERVICE_NAMES.map((name) => `${name}:${SERVICE_PORTS[name]}`).sort());
  });

  it('find every worker replica on the WORKER_PORT compose gives it', () => {
    for (const worker of WORKERS) {
      const job = config.scrape_configs.find((scrape) => scrape.job_name === worker.service);
      expect(job?.dns_sd_configs).toEqual([expect.objectContaining({ names: [worker.compose], port: Number(compose[worker.compose]?.environment?.WORKER_PORT) })]);
    }
  });

  it('are read by a Prometheus on the core network only, with the rules it loads mounted', () => {
    const prometheus = compose.prometheus!;
    expect(prometheus.profiles).toEqual(['monitoring']);
    expect(prometheus.networks).toEqual(['core']);
    expect(prometheus.ports).toBeUndefined();
    expect(prometheus.volumes).toContain('./monitoring/prometheus:/etc/prometheus:ro');
    expect(config.rule_files).toEqual(['/etc/prometheus/rules/*.yml']);
    expect(compose.grafana?.ports).toBeUndefined();
  });
});

describe('the example alertmanager.yml', () => {
  it('sends every alert, resolved ones too, to Castline with an API key', () => {
    const alertmanager = parse(readFileSync(path.join(monitoringDir, 'alertmanager/alertmanager.example.yml'), 'utf8')) as {
      route: { receiver: string };
      receivers: { name: string; webhook_configs: { url: string; send_resolved: boolean; http_config: { authorization: { type: string; credentials_file: string } } }[] }[];
    };
    const receiver = alertmanager.receivers.find((candidate) => candidate.name === alertmanager.route.receiver);
    expect(receiver?.webhook_configs).toEqual([
      expect.objectContaining({
        url: 'http://gateway:3000/api/v1/alerts/alertmanager',
        send_resolved: true,
        http_config: { authorization: { type: 'Bearer', credentials_file: expect.any(String) } },
      }),
    ]);
  });
});
