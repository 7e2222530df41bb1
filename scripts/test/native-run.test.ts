import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SERVICE_NAMES } from '@castline/contracts';
import { defaultDatabaseUrl, dropDatabase, withDatabaseName } from '@castline/db';
import { freePort } from '@castline/testkit';

/**
 * `npm start` end to end: the real scripts/start.mjs (build, migrate, seven services, dashboard, nginx under
 * concurrently) on its own database and Redis prefix, exercised only through nginx, then stopped with Ctrl-C.
 * start.mjs gives the services fixed ports (3000-3007); nginx gets a free one.
 */
jest.setTimeout(180_000);

const root = path.resolve(__dirname, '../..');
const SERVICE_PORTS = [3000, 3001, 3002, 3003, 3004, 3005, 3006, 3007];
const STARTUP_DEADLINE_MS = 90_000;
const STOP_DEADLINE_MS = 15_000;

const suffix = randomBytes(4).toString('hex');
const databaseUrl = withDatabaseName(process.env.TEST_DATABASE_URL || defaultDatabaseUrl(), `castline_e2e_${suffix}`);
const redisKeyPrefix = `castline:e2e:${suffix}:`;
const admin = { email: `admin-${suffix}@e2e.castline`, password: randomBytes(15).toString('base64url') };
const workDir = mkdtempSync(path.join(os.tmpdir(), 'castline-e2e-'));
const hlsRoot = path.join(workDir, 'hls');
const accessLog = path.join(workDir, 'access.log');

let child: ChildProcess | undefined;
let exited: Promise<[number | null, NodeJS.Signals | null]>;
let output = '';
let nginxPort: number;
let edge: string;
/** Every process start.mjs started, as seen once the platform was up. */
let tree: ProcessInfo[] = [];

interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Start time in clock ticks since boot: tells a process from a later one that reuses its pid. */
  startTime: string;
  state: string;
  command: string;
}

function listProcesses(): ProcessInfo[] {
  const processes: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name in parentheses may contain spaces; the numeric fields follow the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      processes.push({ pid: Number(entry), ppid: Number(fields[1]), startTime: fields[19] ?? '', state: fields[0] ?? '', command });
    } catch {
      // exited while we looked
    }
  }
  return processes;
}

function descendantsOf(rootPid: number): ProcessInfo[] {
  const processes = listProcesses();
  const found: ProcessInfo[] = [];
  const parents = [rootPid];
  while (parents.length > 0) {
    const parent = parents.pop();
    for (const candidate of processes.filter((process) => process.ppid === parent)) {
      found.push(candidate);
      parents.push(candidate.pid);
    }
  }
  return found;
}

/** Live (non-zombie) processes that are one of `known`, carry this run's Redis prefix, or run nginx from its prefix. */
function survivors(known: ProcessInfo[], nginxPrefix: string | undefined): ProcessInfo[] {
  const marker = `REDIS_KEY_PREFIX=${redisKeyPrefix}`;
  return listProcesses().filter((process) => {
    if (process.state === 'Z') return false;
    if (known.some((old) => old.pid === process.pid && old.startTime === process.startTime)) return true;
    if (nginxPrefix && process.command.includes(nginxPrefix)) return true;
    try {
      return readFileSync(`/proc/${process.pid}/environ`, 'latin1').split('\0').includes(marker);
    } catch {
      return false;
    }
  });
}

async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  try {
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return true;
  } catch {
    return false;
  } finally {
    server.close();
  }
}

const isRunning = () => child !== undefined && child.exitCode === null && child.signalCode === null;
const nginxPrefix = () => output.match(/nginx config rendered to (\S+)\/nginx\.conf/)?.[1];

const tail = () => `\n--- start.mjs output (last 3000 chars) ---\n${output.slice(-3_000)}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `probe` returns a value; fails with start.mjs's output when the deadline passes or it exits. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, deadline: number): Promise<T> {
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (!isRunning()) throw new Error(`start.mjs exited (${child?.exitCode ?? child?.signalCode}) while waiting for ${what}${tail()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${tail()}`);
    await sleep(250);
  }
}

beforeAll(async () => {
  // start.mjs runs `npm install` when node_modules is older than the lock file; a test must not.
  const installMarker = path.join(root, 'node_modules/.package-lock.json');
  if (!existsSync(installMarker) || statSync(path.join(root, 'package-lock.json')).mtimeMs > statSync(installMarker).mtimeMs) {
    throw new Error('node_modules is older than package-lock.json, so start.mjs would run npm install: run `npm install` first');
  }
  const busy: number[] = [];
  for (const port of SERVICE_PORTS) if (!(await portIsFree(port))) busy.push(port);
  if (busy.length > 0) {
    throw new Error(
      `port(s) ${busy.join(', ')} on 127.0.0.1 are in use. start.mjs runs the services on the fixed ports 3000-3007 ` +
        '(no override), so this test needs them free: stop the other `npm start` (or whatever holds them) and run it again.',
    );
  }

  nginxPort = await freePort();
  edge = `http://127.0.0.1:${nginxPort}`;
  // Running as root, nginx's workers are `nobody`: they must be able to read what we put under /live/.
  chmodSync(workDir, 0o755);
  mkdirSync(path.join(hlsRoot, 'fixture'), { recursive: true, mode: 0o755 });

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // npm and npx that start.mjs runs must be the Node 24 ones, like under `npm start`.
    PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    REDIS_KEY_PREFIX: redisKeyPrefix,
    NGINX_PORT: String(nginxPort),
    HLS_ROOT: hlsRoot,
    // Outside nginx's temp prefix, which start.mjs deletes when it exits.
    NGINX_ACCESS_LOG: accessLog,
    JWT_SECRET: randomBytes(48).toString('base64url'),
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
  };
  // jest's --experimental-vm-modules is not for the platform's processes; NO_NGINX would skip what we test.
  delete env.NODE_OPTIONS;
  delete env.NO_NGINX;

  // Its own process group, so the test can Ctrl-C the whole run the way a terminal does.
  child = spawn(process.execPath, ['scripts/start.mjs'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-200_000));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);

  const deadline = Date.now() + STARTUP_DEADLINE_MS;
  await until('the "Castline is up" banner', async () => (/Castline is (up|starting)/.test(output) ? true : undefined), deadline);
  await until(
    'GET /api/v1/health through nginx to answer 200',
    async () => ((await fetch(`${edge}/api/v1/health`)).status === 200 ? true : undefined),
    deadline,
  );
  tree = descendantsOf(child.pid!);
}, STARTUP_DEADLINE_MS + 30_000);

afterAll(async () => {
  // The whole group, even when start.mjs itself is gone: nginx's workers outlive a killed master otherwise.
  if (child?.pid) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is already gone
    }
  }
  for (const leftover of survivors(tree, nginxPrefix())) {
    try {
      process.kill(leftover.pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
  await dropDatabase(databaseUrl);
  rmSync(workDir, { recursive: true, force: true });
});

it('prints the URLs and the admin credentials', () => {
  const banner = output.slice(output.indexOf('Castline is'));
  const url = `http://localhost:${nginxPort}`;
  expect(banner).toMatch(/^Castline is up/);
  for (const expected of [`${url}/`, `${url}/api/v1`, `${url}/api/docs`, `${url}/live/`, `${admin.email} / ${admin.password}`]) {
    expect(banner).toContain(expected);
  }
});

it('runs the seven services, the dashboard, nginx and the demo source as children of start.mjs', () => {
  const commands = tree.map((process) => process.command);
  // `next start` renames its process to "next-server (vX.Y.Z)".
  for (const main of [...SERVICE_NAMES.map((name) => `services/${name}/dist/main.js`), 'next-server']) {
    expect(commands).toContainEqual(expect.stringContaining(main));
  }
  expect(commands).toContainEqual(expect.stringMatching(/^nginx: master process .* -p /));
  expect(commands).toContainEqual(expect.stringMatching(/^ffmpeg .*testsrc2.*udp:\/\/127\.0\.0\.1:5004/));
});

it('reports the platform healthy through nginx, all seven services up', async () => {
  const response = await fetch(`${edge}/api/v1/health`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { status: string; services: Array<{ name: string; status: string }> };
  expect(body.status).toBe('up');
  expect(body.services.map((service) => service.name).sort()).toEqual([...SERVICE_NAMES].sort());
  expect(body.services.every((service) => service.status === 'up')).toBe(true);
});

it('serves the dashboard at /', async () => {
  const response = await fetch(`${edge}/`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  expect(await response.text()).toMatch(/<title>[^<]*Castline<\/title>/);
});

it('seeds the stopped Demo channel on the demo source, with its logo, and says so in the banner', async () => {
  expect(output).toContain(`Demo channel ready: press start in the API or dashboard, watch http://localhost:${nginxPort}/live/demo/index.m3u8`);
  const login = await fetch(`${edge}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(admin) });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const found = await fetch(`${edge}/api/v1/channels?search=demo`, { headers: { authorization: `Bearer ${accessToken}` } });
  const { items } = (await found.json()) as { items: Array<{ slug: string; status: string; sources: Array<{ url: string }>; logo: unknown; presetId: string | null }> };
  expect(items).toHaveLength(1);
  expect(items[0]).toMatchObject({ slug: 'demo', status: 'stopped', sources: [{ url: 'udp://127.0.0.1:5004?pkt_size=1316' }] });
  expect(items[0]!.logo).not.toBeNull();
  expect(items[0]!.presetId).not.toBeNull();
});

it('signs the admin in and answers /auth/me with the access token', async () => {
  const login = await fetch(`${edge}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(admin),
  });
  expect(login.status).toBe(200);
  const { accessToken } = (await login.json()) as { accessToken: string };
  const me = await fetch(`${edge}/api/v1/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  expect(me.status).toBe(200);
  expect(await me.json()).toMatchObject({ email: admin.email, role: 'admin' });
});

it("hands nginx's request id to the gateway and writes it to the JSON access log", async () => {
  // The gateway does not echo the header; its error body carries the id it was given.
  const response = await fetch(`${edge}/api/v1/auth/me`);
  expect(response.status).toBe(401);
  const requestId = response.headers.get('x-request-id');
  expect(requestId).toMatch(/^[0-9a-f]{32}$/);
  expect(((await response.json()) as { error: { requestId: string } }).error.requestId).toBe(requestId);

  const entry = await until(
    'the access log entry',
    async () =>
      readFileSync(accessLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((logged) => logged.request_id === requestId),
    Date.now() + 5_000,
  );
  expect(entry).toMatchObject({ method: 'GET', uri: '/api/v1/auth/me', status: 401 });
});

it('passes a request body larger than its memory buffer on to the gateway', async () => {
  // Over client_body_buffer_size (16 KiB), nginx spools the body to client_body_temp_path before proxying it.
  const response = await fetch(`${edge}/api/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `big-${suffix}@e2e.castline`, password: 'x'.repeat(64 * 1024), role: 'viewer' }),
  });
  expect(response.status).toBe(401);
  expect(await response.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
});

describe('/live/ from HLS_ROOT', () => {
  beforeAll(() => {
    writeFileSync(path.join(hlsRoot, 'fixture/index.m3u8'), '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nseg_1.ts\n');
    writeFileSync(path.join(hlsRoot, 'fixture/seg_1.ts'), Buffer.alloc(188 * 10, 0x47));
    writeFileSync(path.join(hlsRoot, 'fixture/seg_2.ts.tmp'), Buffer.alloc(188, 0x47));
  });

  it('serves playlists uncached, with CORS for players', async () => {
    const response = await fetch(`${edge}/live/fixture/index.m3u8`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response.text()).toContain('seg_1.ts');
  });

  it('serves segments as video/mp2t with a long max-age', async () => {
    const response = await fetch(`${edge}/live/fixture/seg_1.ts`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp2t');
    expect(Number(response.headers.get('cache-control')?.match(/max-age=(\d+)/)?.[1])).toBeGreaterThanOrEqual(3_600);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect((await response.arrayBuffer()).byteLength).toBe(1_880);
  });

  it('refuses a half-written *.tmp file that exists on disk', async () => {
    const response = await fetch(`${edge}/live/fixture/seg_2.ts.tmp`);
    expect(response.status).toBe(404);
  });
});

it('plays the Demo channel through nginx: start, ffprobe reads the live playlist via nginx, stop', async () => {
  const login = await fetch(`${edge}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(admin) });
  const headers = { authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}` };
  const [demo] = ((await (await fetch(`${edge}/api/v1/channels?search=demo`, { headers })).json()) as { items: Array<{ id: string }> }).items;
  const requested = Date.now();
  expect((await fetch(`${edge}/api/v1/channels/${demo!.id}/start`, { method: 'POST', headers })).status).toBe(200);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const playlist = await fetch(`${edge}/live/demo/index.m3u8`);
    if (playlist.ok && (await playlist.text()).includes('.ts')) break;
    if (Date.now() > deadline) throw new Error(`the Demo channel never became playable through nginx:\n${output.slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  console.log(`Demo channel: start -> playlist with a segment through nginx in ${Date.now() - requested} ms`);
  const probe = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', `${edge}/live/demo/index.m3u8`]);
  const { streams } = JSON.parse(probe.toString()) as { streams: Array<{ codec_name: string; width?: number; height?: number }> };
  expect(streams).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ codec_name: 'h264', width: 1280, height: 720 }),
      expect.objectContaining({ codec_name: 'aac' }),
    ]),
  );
  expect((await fetch(`${edge}/api/v1/channels/${demo!.id}/stop`, { method: 'POST', headers })).status).toBe(200);
  for (const stopDeadline = Date.now() + 15_000; ; ) {
    const { status } = (await (await fetch(`${edge}/api/v1/channels/${demo!.id}`, { headers })).json()) as { status: string };
    if (status === 'stopped') break;
    if (Date.now() > stopDeadline) throw new Error(`the Demo channel did not stop: ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}, 60_000);

it("answers a burst of logins from one client with nginx's own 429", async () => {
  // nginx allows 10 logins a minute per IP with a burst of 5 (http.conf, routes.conf); the gateway's own limits
  // are higher (30 per IP, 10 per account), so the first refusal is nginx's, an HTML page rather than JSON.
  const statuses: number[] = [];
  let refusal: Response | undefined;
  for (let attempt = 0; attempt < 12 && !refusal; attempt += 1) {
    const response = await fetch(`${edge}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `burst-${suffix}@e2e.castline`, password: 'not-the-password' }),
    });
    statuses.push(response.status);
    if (response.status === 429) refusal = response;
    else await response.arrayBuffer();
  }
  expect(statuses).toContain(429);
  expect(statuses[0]).toBe(401);
  expect(refusal!.headers.get('content-type')).toMatch(/^text\/html/);
  expect(await refusal!.text()).toContain('429 Too Many Requests');
});

it('stops everything on Ctrl-C (SIGINT to the process group) within 15 s', async () => {
  const prefix = nginxPrefix();
  expect(prefix).toBeDefined();
  // The same check must see the run while it is up, or an empty answer afterwards would prove nothing.
  expect(survivors(tree, prefix).length).toBeGreaterThanOrEqual(SERVICE_NAMES.length + 2);
  const signalled = Date.now();
  process.kill(-child!.pid!, 'SIGINT');

  let timer: NodeJS.Timeout | undefined;
  const overdue = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`start.mjs still running ${STOP_DEADLINE_MS / 1000} s after SIGINT${tail()}`)), STOP_DEADLINE_MS);
  });
  const [code, signal] = await Promise.race([exited, overdue]).finally(() => clearTimeout(timer));
  expect({ code, signal }).toEqual({ code: 0, signal: null });

  let left = survivors(tree, prefix);
  while (left.length > 0 && Date.now() - signalled < STOP_DEADLINE_MS) {
    await sleep(200);
    left = survivors(tree, prefix);
  }
  expect(left.map((process) => `${process.pid} ${process.command}`)).toEqual([]);
  expect(Date.now() - signalled).toBeLessThan(STOP_DEADLINE_MS);
  await expect(fetch(`${edge}/nginx-health`)).rejects.toThrow();
});
