// Brings the whole platform up from source on this machine (`npm start`): installs, checks Postgres, Redis
// and NATS, builds, migrates, renders nginx, then runs the seven services, the dashboard and nginx under
// concurrently. Ctrl-C (or SIGTERM) stops all of them.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { adFakeEnv, adFakesCommand, demoSourceCommand, seedDemoAdAccounts, seedDemoChannel } from './lib/demo.mjs';
import { findNginx, loadLocalSecrets, waitForHttp } from './lib/local-run.mjs';

process.chdir(path.resolve(import.meta.dirname, '..'));

/** name, HTTP port, prefix colour. */
const SERVICES = [
  ['gateway', 3000, 'cyan'],
  ['channels', 3002, 'green'],
  ['monitoring', 3003, 'yellow'],
  ['backup', 3004, 'blue'],
  ['campaigns', 3005, 'magenta'],
  ['traffic-logger', 3006, 'greenBright'],
  ['media', 3007, 'blueBright'],
];
const GATEWAY_PORT = 3000;
const DASHBOARD_PORT = 3001;
const LOCAL_ENV_FILE = '.cache/local.env';
const HEALTH_WAIT_MS = 60_000;

const paint = (code, text) => (process.stdout.isTTY ? `\x1b[${code}m${text}\x1b[0m` : text);
const step = (message) => console.log(`${paint(1, '[start]')} ${message}`);
const fail = (message) => {
  console.error(`${paint(31, '[start]')} ${message}`);
  process.exit(1);
};
const quote = (text) => `'${text.replaceAll("'", `'\\''`)}'`;

function run(command, args, options = {}) {
  const outcome = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (outcome.status !== 0) fail(`${[command, ...args].join(' ')} failed (exit ${outcome.status ?? outcome.signal})`);
  return outcome;
}

// Children inherit process.env: set the shared defaults once, before anything runs.
process.env.NODE_ENV ||= 'development';
process.env.LOG_LEVEL ||= 'info';
process.env.NGINX_PORT ||= '8080';
process.env.HLS_ROOT ||= '/dev/shm/castline/hls';
process.env.MEDIA_ROOT ||= path.resolve('data/media');
// The demo source (and the browser tests' sources) send MPEG-TS to udp://127.0.0.1: let UDP reach loopback, nothing else.
process.env.SOURCE_ALLOWED_NETWORKS ??= 'udp:127.0.0.1/32';
// The monitoring service's built-in nginx check asks this nginx.
process.env.NGINX_HEALTH_URL ??= `http://127.0.0.1:${process.env.NGINX_PORT}/nginx-health`;
const dashboardDev = process.env.DASHBOARD_DEV === '1';
const demoPort = Number(process.env.DEMO_PORT || 5004);
// nginx's errors belong in the prefixed output next to everyone else's, not in a temp file.
process.env.NGINX_ERROR_LOG ||= 'stderr';
// The backup service archives the local secrets file as its config component.
process.env.BACKUP_CONFIG_FILE ||= LOCAL_ENV_FILE;

// a) dependencies
const installMarker = 'node_modules/.package-lock.json';
if (!existsSync(installMarker) || statSync('package-lock.json').mtimeMs > statSync(installMarker).mtimeMs) {
  // npm install, not npm ci: see .ci/run.
  step('installing dependencies (npm install)');
  run('npm', ['install', '--include=dev', '--no-audit', '--no-fund']);
} else {
  step('dependencies are up to date');
}

// b) system packages and servers: installed and started when missing (needs root or sudo, else it prints the
// commands to run); servers already answering at DATABASE_URL / REDIS_URL / NATS_URL are used as they are.
step('checking system packages, PostgreSQL, Redis and NATS (scripts/system-deps.sh)');
run('bash', ['scripts/system-deps.sh', 'run']);
// c) local secrets (and a DATABASE_URL system-deps.sh may have saved for a PostgreSQL it set up)
const generated = loadLocalSecrets(LOCAL_ENV_FILE);
step(generated.length > 0 ? `generated ${generated.join(', ')} into ${LOCAL_ENV_FILE}` : `secrets from the environment and ${LOCAL_ENV_FILE}`);
// The demo source and channel (scripts/lib/demo.mjs); DEMO=false leaves both out.
// Without FFmpeg there is no demo (and no live channel); the rest still runs.
const withDemo = process.env.DEMO !== 'false' && spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
// The ad-platform fakes with one demo account each (campaigns syncs from them); DEMO=false leaves them out.
const withAdDemo = process.env.DEMO !== 'false';
if (withAdDemo) Object.assign(process.env, adFakeEnv());
const withoutNginx = process.env.NO_NGINX === '1';
const nginx = withoutNginx ? undefined : findNginx();
if (!nginx && !withoutNginx) {
  fail('nginx is not installed. Install it (Debian/Ubuntu: sudo apt-get install -y nginx), or set NO_NGINX=1 to run without it.');
}
if (withoutNginx) step('NO_NGINX=1: running without nginx (no /live/; each app on its own port)');

// d) build, e) migrate
step('building (scripts/build.sh: Prisma client, then tsc -b)');
run('bash', ['scripts/build.sh']);
step('applying database migrations');
run('npm', ['run', '--silent', 'db:migrate']);

// f) nginx config, rendered into a private directory that also holds nginx's pid and temp files
mkdirSync(process.env.HLS_ROOT, { recursive: true });
let nginxCommand;
if (nginx) {
  const nginxDir = mkdtempSync(path.join(os.tmpdir(), 'castline-nginx-'));
  // Started as root, nginx's workers run as nobody and must reach their temp paths (request bodies) in here.
  chmodSync(nginxDir, 0o711);
  process.on('exit', () => rmSync(nginxDir, { recursive: true, force: true }));
  // The traffic-logger tails nginx's JSON access log (live viewers, request logs): both read the same path.
  process.env.NGINX_ACCESS_LOG ||= path.join(nginxDir, 'access.log');
  process.env.TRAFFIC_ACCESS_LOG ||= process.env.NGINX_ACCESS_LOG;
  const rendered = run('bash', ['scripts/render-nginx.sh', 'local', nginxDir], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const nginxConf = rendered.stdout.trim().split('\n').at(-1);
  // The backup service archives the rendered config as nginx.tar (config files only).
  process.env.BACKUP_NGINX_DIR ||= nginxDir;
  step(`nginx config rendered to ${nginxConf}`);
  nginxCommand = `exec ${quote(nginx)} -p ${quote(nginxDir)} -c ${quote(nginxConf)} -e stderr -g 'daemon off;'`;
}

// g) run everything; concurrently forwards SIGINT/SIGTERM to each command and kills all when one fails
const { default: concurrently } = await import('concurrently');
const node = quote(process.execPath);
const commands = [
  ...SERVICES.map(([name, port, prefixColor]) => ({ name, prefixColor, command: `exec ${node} services/${name}/dist/main.js`, env: { PORT: String(port) } })),
  // The live-channels worker (runs FFmpeg); more of them may run, here one is enough.
  { name: 'worker', prefixColor: 'red', command: `exec ${node} services/channels/dist/worker/main.js` },
  // The VOD transcode worker (media-transcode queue; its FFmpegs at nice 19).
  { name: 'media-worker', prefixColor: 'magenta', command: `exec ${node} services/media/dist/worker/main.js` },
  // The production build under `next start`; DASHBOARD_DEV=1: Next's dev server (hot reload) instead.
  {
    name: 'dashboard',
    prefixColor: 'white',
    command: `exec ${node} node_modules/next/dist/bin/next ${dashboardDev ? 'dev' : 'start'} apps/dashboard --port ${DASHBOARD_PORT} --hostname 127.0.0.1`,
    env: { NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: dashboardDev ? 'development' : 'production' },
  },
  ...(nginxCommand ? [{ name: 'nginx', prefixColor: 'gray', command: nginxCommand }] : []),
  ...(withDemo ? [{ name: 'demo', prefixColor: 'white', command: demoSourceCommand(demoPort) }] : []),
  ...(withAdDemo ? [{ name: 'ad-fakes', prefixColor: 'magenta', command: adFakesCommand(node) }] : []),
];
step(`starting ${commands.map((command) => command.name).join(', ')}`);
const { result } = concurrently(commands, { prefix: 'name', padPrefix: true, killOthersOn: ['failure'], killTimeout: 15_000 });
let signalled = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => (signalled = true));
let stopped = false;
const failed = result.then(
  () => false,
  () => true,
);
failed.finally(() => (stopped = true));

// h) wait for the gateway, then say where everything is
const edge = nginx ? `http://localhost:${process.env.NGINX_PORT}` : `http://localhost:${GATEWAY_PORT}`;
// The gateway first, directly: polling through nginx meanwhile would fill its log with refused upstreams.
const waiting = { deadline: Date.now() + HEALTH_WAIT_MS, isStopped: () => stopped };
const healthy =
  (await waitForHttp(`http://127.0.0.1:${GATEWAY_PORT}/api/v1/health`, waiting)) &&
  (await waitForHttp(`${edge.replace('localhost', '127.0.0.1')}/api/v1/health`, waiting));
let demo;
if (healthy && withDemo && !stopped) {
  try {
    const seeded = await seedDemoChannel({
      apiBase: `http://127.0.0.1:${GATEWAY_PORT}/api/v1`,
      email: process.env.ADMIN_EMAIL,
      password: process.env.ADMIN_PASSWORD,
      port: demoPort,
    });
    demo = `Demo channel ready: press start in the API or dashboard, watch ${edge}/live/demo/index.m3u8`;
    step(`demo channel ${seeded === 'created' ? 'created' : 'already there'}`);
  } catch (error) {
    step(`could not create the demo channel: ${error.message}`);
  }
}
if (healthy && withAdDemo && !stopped) {
  try {
    const { DEMO_CREDENTIALS } = createRequire(import.meta.url)('../packages/testkit/dist/fakes/main.js');
    const connected = await seedDemoAdAccounts({
      apiBase: `http://127.0.0.1:${GATEWAY_PORT}/api/v1`,
      email: process.env.ADMIN_EMAIL,
      password: process.env.ADMIN_PASSWORD,
      credentials: DEMO_CREDENTIALS,
    });
    step(connected > 0 ? `demo ad accounts connected (${connected}); their 90 days sync from the local fakes` : 'demo ad accounts already connected');
  } catch (error) {
    step(`could not connect the demo ad accounts: ${error.message}`);
  }
}
if (!stopped) {
  if (!healthy) step(`the gateway did not answer within ${HEALTH_WAIT_MS / 1000} s; see its log above (still running)`);
  const rows = [
    ['dashboard', nginx ? `${edge}/` : `http://localhost:${DASHBOARD_PORT}/`],
    ['API', `${edge}/api/v1`],
    ['OpenAPI', `${edge}/api/docs`],
    ...(nginx ? [['live', `${edge}/live/`]] : []),
    ['gateway', `http://localhost:${GATEWAY_PORT} (direct)`],
    ['admin', `${process.env.ADMIN_EMAIL} / ${process.env.ADMIN_PASSWORD}`],
  ];
  const table = rows.map(([label, value]) => `  ${label.padEnd(10)} ${value}`).join('\n');
  console.log(`\n${paint(1, `Castline is ${healthy ? 'up' : 'starting'}`)}\n${table}\n${demo ? `  ${demo}\n` : ''}  Ctrl-C stops everything.\n`);
}

// A stop we were asked for is not a failure, even if a process exits non-zero on the way down.
const crashed = (await failed) && !signalled;
if (crashed) step('a process failed, so everything was stopped (see the log above)');
process.exit(crashed ? 1 : 0);
