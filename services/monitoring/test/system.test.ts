import { cp, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ErrorCodes, Rpc, type SystemMetrics, SystemMetricsSchema } from '@castline/contracts';
import { ADMIN, bearer, inProcessServiceEnv, login, type ServiceHarness, startServiceHarness, startTestGateway } from '@castline/testkit';
import { startMonitoring } from '../src/monitoring-app';
import { HostSampler } from '../src/system/host-sampler.service';

/** The monitoring service on the service harness (its own database, Redis prefix and NATS), called over NATS. */
const FIXTURES = path.join(__dirname, 'fixtures/proc');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function scrape(app: NestFastifyApplication): Promise<string> {
  const response = await app.inject({ method: 'GET', url: '/metrics' });
  expect(response.statusCode).toBe(200);
  return response.body;
}

/** The value of one sample line of the exposition text, e.g. gauge('castline_host_load1'), or undefined. */
function gauge(metrics: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const line = metrics
    .split('\n')
    .find(
      (l) =>
        (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) &&
        Object.entries(labels).every(([key, value]) => l.includes(`${key}="${value}"`)),
    );
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('on this machine', () => {
  let monitoring: ServiceHarness;
  let app: NestFastifyApplication;
  let snapshot: SystemMetrics;

  beforeAll(async () => {
    monitoring = await startServiceHarness('monitoring-system', startMonitoring);
    app = monitoring.app;
    // The first sample is taken at start; rates need the second, a second later.
    await sleep(2_200);
    snapshot = SystemMetricsSchema.parse(await monitoring.call(Rpc.monitoring.system, {}));
  });
  afterAll(() => monitoring.close());

  it('answers monitoring.system with a recent snapshot that has rates', () => {
    expect(Date.now() - Date.parse(snapshot.sampledAt)).toBeLessThan(2_000);
    expect(snapshot.intervalSeconds).toBeGreaterThan(0.9);
    expect(snapshot.intervalSeconds).toBeLessThan(2);
    expect(snapshot.uptimeSeconds).toBeCloseTo(os.uptime(), -1);
  });

  it('reports every core, each and the total busy within 0..100 %', () => {
    expect(snapshot.cpu.cores).toBe(os.cpus().length);
    expect(snapshot.cpu.perCore.map((c) => c.core)).toEqual(os.cpus().map((_, index) => index));
    for (const usage of [snapshot.cpu.usagePercent, ...snapshot.cpu.perCore.map((c) => c.usagePercent)]) {
      expect(usage).not.toBeNull();
      expect(usage).toBeGreaterThanOrEqual(0);
      expect(usage).toBeLessThanOrEqual(100);
    }
  });

  it('reports memory, load and both disks as the OS sees them', () => {
    const { memory, load } = snapshot;
    expect(Math.abs(memory.totalBytes - os.totalmem()) / os.totalmem()).toBeLessThan(0.01);
    expect(memory.usedBytes + memory.availableBytes).toBe(memory.totalBytes);
    expect(memory.usedPercent).toBeGreaterThan(0);
    expect(memory.usedPercent).toBeLessThan(100);
    expect(load.load1).toBeGreaterThanOrEqual(0);

    expect(snapshot.disks.map((d) => d.mount)).toEqual(['hls', 'data']);
    for (const disk of snapshot.disks) {
      expect(disk.totalBytes).toBeGreaterThan(0);
      expect(disk.usedBytes + disk.freeBytes).toBeLessThanOrEqual(disk.totalBytes);
      expect(disk.path.startsWith(disk.measuredPath)).toBe(true);
    }
    const data = snapshot.disks.find((d) => d.mount === 'data')!;
    expect(data).toMatchObject({ path: process.cwd(), measuredPath: process.cwd(), pathExists: true });
  });

  it('reports network rates per interface and in total, never negative', () => {
    const names = snapshot.network.interfaces.map((i) => i.name);
    expect(names).toContain('lo');
    for (const i of snapshot.network.interfaces) {
      expect(i.rxBytesPerSecond).toBeGreaterThanOrEqual(0);
      expect(i.txBytesPerSecond).toBeGreaterThanOrEqual(0);
    }
    expect(snapshot.network.rxBytesPerSecond).toBeGreaterThanOrEqual(0);
    expect(snapshot.network.txBytesPerSecond).toBeGreaterThanOrEqual(0);
  });

  it('exports the same figures as Prometheus gauges', async () => {
    const metrics = await scrape(app);
    const ratio = gauge(metrics, 'castline_host_cpu_usage_ratio', { cpu: 'total' });
    expect(ratio).toBeGreaterThanOrEqual(0);
    expect(ratio).toBeLessThanOrEqual(1);
    for (const core of snapshot.cpu.perCore) {
      expect(gauge(metrics, 'castline_host_cpu_usage_ratio', { cpu: String(core.core) })).toBeDefined();
    }
    for (const name of ['castline_host_load1', 'castline_host_load5', 'castline_host_load15']) {
      expect(gauge(metrics, name)).toBeGreaterThanOrEqual(0);
    }
    expect(gauge(metrics, 'castline_host_memory_bytes', { state: 'total' })).toBe(snapshot.memory.totalBytes);
    for (const state of ['used', 'available']) expect(gauge(metrics, 'castline_host_memory_bytes', { state })).toBeGreaterThan(0);
    for (const mount of ['hls', 'data']) {
      for (const state of ['total', 'used', 'free']) {
        expect(gauge(metrics, 'castline_host_disk_bytes', { mount, state })).toBeGreaterThanOrEqual(0);
      }
      expect(gauge(metrics, 'castline_host_disk_bytes', { mount, state: 'total' })).toBeGreaterThan(0);
    }
    for (const direction of ['rx', 'tx']) {
      expect(gauge(metrics, 'castline_host_network_bytes_per_second', { interface: 'lo', direction })).toBeGreaterThanOrEqual(0);
    }
  });

  it('answers GET /api/v1/monitoring/system through the gateway', async () => {
    // The whole path: this gateway and a second monitoring instance on the shared NATS.
    const gateway = await startTestGateway('monitoring-system');
    const shared = await startMonitoring(inProcessServiceEnv(gateway.databaseUrl), { handleSignals: false });
    try {
      const admin = await login(gateway.app, ADMIN.email, ADMIN.password);
      const response = await gateway.app.inject({ method: 'GET', url: '/api/v1/monitoring/system', headers: bearer(admin.accessToken) });
      expect(response.statusCode).toBe(200);
      const body = SystemMetricsSchema.parse(response.json());
      expect(body.cpu.cores).toBe(os.cpus().length);
      expect(body.memory.totalBytes).toBe(snapshot.memory.totalBytes);
    } finally {
      await shared.close();
      await gateway.close();
    }
  });
});

describe('with PROC_ROOT on fixture files', () => {
  let monitoring: ServiceHarness;
  let app: NestFastifyApplication;
  let sampler: HostSampler;
  let procRoot: string;
  let netDev: string;

  /** Rewrites the interface's byte counters in the fixture's net/dev. */
  async function setCounters(name: string, rxBytes: number, txBytes: number): Promise<void> {
    const lines = (await readFile(netDev, 'utf8')).split('\n').map((line) => {
      if (line.trim().split(':')[0] !== name) return line;
      const counters = line.split(':')[1]!.trim().split(/\s+/);
      counters[0] = String(rxBytes);
      counters[8] = String(txBytes);
      return `${name.padStart(6)}: ${counters.join(' ')}`;
    });
    await writeFile(netDev, lines.join('\n'));
  }

  beforeAll(async () => {
    procRoot = await mkdtemp(path.join(os.tmpdir(), 'castline-proc-'));
    await cp(FIXTURES, procRoot, { recursive: true });
    netDev = path.join(procRoot, 'net/dev');
    await setCounters('eth0', 5_000_000, 4_000_000);
    await setCounters('lo', 1_000_000, 1_000_000);
    // Samples only when the test asks (sampler.sample()), so each step sees exactly the files it wrote.
    monitoring = await startServiceHarness('monitoring-fixture', startMonitoring, {
      PROC_ROOT: procRoot,
      HLS_ROOT: path.join(procRoot, 'not-created-yet/hls'),
      DATA_DIR: procRoot,
      SYSTEM_SAMPLE_INTERVAL_MS: '600000',
    });
    app = monitoring.app;
    sampler = app.get(HostSampler);
  });
  afterAll(async () => {
    await monitoring.close();
    await rm(procRoot, { recursive: true, force: true });
  });

  it('reads the fixture host, with null rates from the first sample', () => {
    const snapshot = sampler.latest();
    expect(snapshot.cpu).toEqual({
      cores: 2,
      usagePercent: null,
      perCore: [
        { core: 0, usagePercent: null },
        { core: 1, usagePercent: null },
      ],
    });
    expect(snapshot.memory.totalBytes).toBe(24684084 * 1024);
    expect(snapshot.load).toEqual({ load1: 0.98, load5: 1.15, load15: 0.85 });
    expect(snapshot.network.rxBytesPerSecond).toBeNull();
    expect(snapshot.disks[0]).toMatchObject({ mount: 'hls', measuredPath: procRoot, pathExists: false });
  });

  it('gives rates of 0, never negative, when the counters go backwards', async () => {
    await setCounters('eth0', 1_000, 2_000);
    await setCounters('lo', 10, 10);
    await sampler.sample();
    const snapshot = SystemMetricsSchema.parse(sampler.latest());
    expect(snapshot.intervalSeconds).toBeGreaterThan(0);
    for (const i of snapshot.network.interfaces) {
      expect(i.rxBytesPerSecond).toBe(0);
      expect(i.txBytesPerSecond).toBe(0);
    }
    expect(snapshot.network).toMatchObject({ rxBytesPerSecond: 0, txBytesPerSecond: 0 });
    // The CPU counters did not move between the two reads of the same file.
    expect(snapshot.cpu.usagePercent).toBe(0);

    const metrics = await scrape(app);
    expect(gauge(metrics, 'castline_host_network_bytes_per_second', { interface: 'eth0', direction: 'rx' })).toBe(0);
    expect(metrics).not.toMatch(/castline_host_network_bytes_per_second\{[^}]*\} -/);
  });

  it('counts from the new values after a reset', async () => {
    await setCounters('eth0', 1_000 + 50_000, 2_000);
    await sampler.sample();
    const eth0 = sampler.latest().network.interfaces.find((i) => i.name === 'eth0')!;
    expect(eth0.rxBytes).toBe(51_000);
    expect(eth0.rxBytesPerSecond).toBeGreaterThan(0);
    expect(eth0.txBytesPerSecond).toBe(0);
  });

  it('answers 503 while procfs cannot be read, and recovers', async () => {
    await rename(netDev, `${netDev}.gone`);
    await sampler.sample();
    expect(() => sampler.latest()).toThrow(expect.objectContaining({ code: ErrorCodes.serviceUnavailable }));
    await expect(monitoring.call(Rpc.monitoring.system, {})).rejects.toMatchObject({ code: ErrorCodes.serviceUnavailable, status: 503 });
    await rename(`${netDev}.gone`, netDev);
    await sampler.sample();
    const recovered = SystemMetricsSchema.parse(await monitoring.call(Rpc.monitoring.system, {}));
    expect(recovered.network.interfaces.length).toBeGreaterThan(0);
  });
});
