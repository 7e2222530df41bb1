import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Rpc } from '@castline/contracts';
import { startServiceHarness, writeTestAsnMmdb, writeTestCityMmdb } from '@castline/testkit';
import { Enricher } from '../src/enrichment/enricher';
import { GeoIp } from '../src/enrichment/geoip';
import { type BareRequestRow } from '../src/store/traffic-store';
import { startTrafficLogger } from '../src/traffic-logger-app';

/** GeoIP on .mmdb files the testkit writes (City and ASN shaped like GeoLite2), and health without them. */
const work = mkdtempSync(path.join(tmpdir(), 'castline-geoip-'));
const cityDb = path.join(work, 'city.mmdb');
const asnDb = path.join(work, 'asn.mmdb');
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

beforeAll(() => {
  writeTestCityMmdb(cityDb, [
    { network: '81.2.69.0/24', country: 'GB', city: 'London' },
    { network: '2.125.160.216/29', country: 'GB', city: 'Boxford' },
    { network: '89.160.20.112/28', country: 'SE', city: 'Linköping' },
    { network: '203.0.113.0/24', country: 'AU' },
  ]);
  writeTestAsnMmdb(asnDb, [{ network: '81.2.69.0/24', asn: 64_500, organization: 'Example Transit' }]);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('GeoIp on testkit .mmdb files', () => {
  it.each([
    ['81.2.69.142', { country: 'GB', city: 'London', asn: 64_500 }],
    ['2.125.160.217', { country: 'GB', city: 'Boxford', asn: null }],
    ['89.160.20.120', { country: 'SE', city: 'Linköping', asn: null }],
    ['203.0.113.9', { country: 'AU', city: null, asn: null }],
    ['89.160.20.200', { country: null, city: null, asn: null }],
    ['10.0.0.1', { country: null, city: null, asn: null }],
  ])('%s', async (ip, expected) => {
    const geo = await GeoIp.open({ cityDb, asnDb });
    expect(geo.problems).toEqual([]);
    expect(geo.lookup(ip)).toEqual(expected);
  });

  it('enriches a request row with the city', async () => {
    const enricher = new Enricher({ geo: await GeoIp.open({ cityDb, asnDb }), botRowsPerMinute: 10 });
    const row = { ts: new Date(), userAgent: IPHONE, path: '/live/news/index.m3u8' } as BareRequestRow;
    expect(enricher.enrich(row, '81.2.69.142')).toEqual({ row: expect.objectContaining({ country: 'GB', city: 'London', asn: 64_500, browser: 'Mobile Safari' }) });
  });

  it('names a configured file that is missing or unreadable; an unset one is no problem', async () => {
    const garbage = path.join(work, 'garbage.mmdb');
    writeFileSync(garbage, 'not a MaxMind database');
    const geo = await GeoIp.open({ cityDb: path.join(work, 'nope.mmdb'), asnDb: garbage });
    expect(geo.missing).toEqual(['city', 'asn']);
    expect(geo.problems).toEqual([
      { db: 'city', reason: `${path.join(work, 'nope.mmdb')} does not exist` },
      { db: 'asn', reason: expect.stringContaining(`${garbage} cannot be read`) },
    ]);
    expect(geo.lookup('81.2.69.142')).toEqual({ country: null, city: null, asn: null });
    expect((await GeoIp.open({})).problems).toEqual([]);
  });
});

describe('traffic-logger health', () => {
  it('is degraded, naming the reason, while a configured GeoIP database is missing', async () => {
    const missing = path.join(work, 'GeoLite2-City.mmdb');
    const harness = await startServiceHarness('traffic-geoip', startTrafficLogger, { TRAFFIC_GEOIP_CITY_DB: missing, TRAFFIC_GEOIP_ASN_DB: asnDb });
    try {
      const report = await harness.call(Rpc.health('traffic-logger'), {});
      expect(report.status).toBe('degraded');
      expect(report.checks).toContainEqual(expect.objectContaining({ name: 'geoip', status: 'degraded', error: `GeoIP city database: ${missing} does not exist` }));
      expect(report.checks.filter((check) => check.name !== 'geoip').every((check) => check.status === 'up')).toBe(true);
      const metrics = await harness.app.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.body).toMatch(/castline_traffic_geoip_missing\{db="city"[^}]*\} 1/);
      expect(metrics.body).toMatch(/castline_traffic_geoip_missing\{db="asn"[^}]*\} 0/);
    } finally {
      await harness.close();
    }
  });
});
