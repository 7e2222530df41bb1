import { randomBytes } from 'node:crypto';
import { type EventRow, NOT_ENRICHED, type RequestRow, type TrafficStore, type ViewHit } from '../src/store/traffic-store';

/**
 * What every TrafficStore adapter must do (Postgres today; ClickHouse is planned as one more adapter passing
 * this same suite). `makeStore` gives a store on an empty database of its own.
 */
export function describeTrafficStoreContract(name: string, makeStore: () => Promise<TrafficStore>): void {
  describe(`TrafficStore contract: ${name}`, () => {
    let store: TrafficStore;
    const day = new Date(Date.UTC(2026, 10, 20));
    const at = (minutes: number) => new Date(day.getTime() + minutes * 60_000);

    beforeAll(async () => {
      store = await makeStore();
      await store.ensurePartitions(day, 3);
    });

    afterAll(() => store?.close());

    const request = (overrides: Partial<RequestRow> = {}): RequestRow => ({
      ts: at(1),
      requestId: randomBytes(16).toString('hex'),
      host: 'tv.example.com',
      method: 'GET',
      path: '/live/news/index.m3u8',
      query: null,
      status: 200,
      bodyBytes: 120,
      bytesSent: 400,
      requestTimeMs: 2,
      upstreamAddr: null,
      upstreamStatus: null,
      upstreamResponseTime: null,
      ip: null,
      ipHash: 'hash',
      userAgent: 'Player/1',
      referer: null,
      mediaKind: 'live',
      channelSlug: 'news',
      channelId: null,
      rendition: null,
      ...NOT_ENRICHED,
      ...overrides,
    });
    const hit = (overrides: Partial<ViewHit> = {}): ViewHit => ({
      day: '2026-11-20',
      channelSlug: 'news',
      channelId: null,
      viewer: 'viewer-a',
      firstSeen: at(1),
      lastSeen: at(2),
      segments: 2,
      bytes: 2_000,
      ...overrides,
    });
    const between = () => store.requestsBetween(day, new Date(day.getTime() + 3 * 86_400_000));

    it('stores requests whole, and a replayed batch inserts nothing', async () => {
      const strange = request({ path: "/x'; DROP TABLE traffic.requests; --", query: 'a=\t\\n\n%00é', userAgent: 'Tab\there\\back\r\nline' });
      const enriched = request({ isBot: true, botScore: 0.9, botType: 'ai-crawler', browser: 'Chrome', os: 'Linux', device: 'desktop', country: 'DE', city: 'Berlin', asn: 3320 });
      const rows = [request(), strange, request({ ts: at(2), status: 404, ip: '203.0.113.7' }), enriched];
      expect(await store.writeAccessBatch({ requests: rows, viewHits: [], checkpoint: null })).toBe('written');
      expect(await store.writeAccessBatch({ requests: rows, viewHits: [], checkpoint: null })).toBe('written');
      const stored = await between();
      expect(stored).toHaveLength(4);
      expect(stored.find((row) => row.requestId === strange.requestId)).toEqual(strange);
      expect(stored.find((row) => row.requestId === enriched.requestId)).toEqual(enriched);
      expect(stored.find((row) => row.status === 404)).toMatchObject({ ip: '203.0.113.7' });
    });

    it('sums view hits per viewer x channel x day, keeping the first and last sighting', async () => {
      const signed = { channelSlug: null, channelId: '5b0f2d3e-8f6a-4a8e-9c1d-2e3f4a5b6c7d' };
      await store.writeAccessBatch({ requests: [], viewHits: [hit(), hit({ viewer: 'viewer-b' }), hit({ ...signed })], checkpoint: null });
      await store.writeAccessBatch({ requests: [], viewHits: [hit({ firstSeen: at(0), lastSeen: at(9), segments: 1, bytes: 500 }), hit({ firstSeen: at(5), lastSeen: at(6), segments: 1, bytes: 1 })], checkpoint: null });
      const sessions = await store.viewSessions('2026-11-20');
      expect(sessions).toEqual([
        expect.objectContaining({ channelKey: `id:${signed.channelId}`, viewer: 'viewer-a', segments: 2 }),
        expect.objectContaining({ channelKey: 'slug:news', viewer: 'viewer-a', firstSeen: at(0), lastSeen: at(9), segments: 4, bytes: 2_501 }),
        expect.objectContaining({ channelKey: 'slug:news', viewer: 'viewer-b', segments: 2 }),
      ]);
    });

    it('moves the checkpoint with the rows, and refuses a writer that no longer owns the source', async () => {
      expect(await store.claimSource('/logs/a.log', 'owner-1')).toBeNull();
      const checkpoint = { source: '/logs/a.log', owner: 'owner-1', inode: '42', offset: 1_000 };
      expect(await store.writeAccessBatch({ requests: [request()], viewHits: [], checkpoint })).toBe('written');
      expect(await store.claimSource('/logs/a.log', 'owner-2')).toEqual({ inode: '42', offset: 1_000 });
      const before = (await between()).length;
      const stale = { requests: [request()], viewHits: [hit({ viewer: 'stale' })], checkpoint: { ...checkpoint, offset: 2_000 } };
      expect(await store.writeAccessBatch(stale)).toBe('fenced');
      expect(await between()).toHaveLength(before);
      expect((await store.viewSessions('2026-11-20')).some((row) => row.viewer === 'stale')).toBe(false);
      expect(await store.claimSource('/logs/a.log', 'owner-2')).toEqual({ inode: '42', offset: 1_000 });
    });

    it('stores drained spill entries once: skips ids already drained and a batch whose checkpoint is stored', async () => {
      expect(await store.claimSource('/logs/spill.log', 'live-owner')).toBeNull();
      const cp = (offset: number) => ({ source: '/logs/spill.log', owner: 'dead-owner', inode: '7', offset });
      const first = { requests: [request()], viewHits: [hit({ viewer: 'spilled' })], checkpoint: cp(100) };
      const second = { requests: [request()], viewHits: [hit({ viewer: 'spilled' })], checkpoint: cp(200) };
      const before = (await between()).length;
      const segments = async () => (await store.viewSessions('2026-11-20')).find((row) => row.viewer === 'spilled')?.segments ?? 0;
      expect(await store.writeSpilled([{ id: '1700000000000-0', entry: { kind: 'access', batch: first } }])).toBe(1);
      // Drained again after a crash before its XDEL, then with the next entry: only the next one counts.
      expect(
        await store.writeSpilled([
          { id: '1700000000000-0', entry: { kind: 'access', batch: first } },
          { id: '1700000000000-1', entry: { kind: 'access', batch: second } },
        ]),
      ).toBe(1);
      expect(await segments()).toBe(4);
      expect(await between()).toHaveLength(before + 2);
      // Its checkpoint moved whoever owned the source (the lease was checked when it was spilled).
      expect(await store.claimSource('/logs/spill.log', 'live-owner')).toEqual({ inode: '7', offset: 200 });
      // A batch whose direct write committed although it seemed to fail, spilled too: its checkpoint is stored.
      expect(await store.writeSpilled([{ id: '1700000000001-0', entry: { kind: 'access', batch: second } }])).toBe(0);
      expect(await segments()).toBe(4);
    });

    it('stores tracker events once (replays insert nothing) and upserts their session', async () => {
      const siteId = '0b7e6c2a-6d1f-4c1e-9a53-4f1d2a3b4c5d';
      const sessionId = '9d2c4e1a-1b2c-4d3e-8f9a-0b1c2d3e4f5a';
      const base = {
        siteId, sessionId, visitorId: 'v1', hostname: 'tv.example.com', path: '/live', query: null, referrerDomain: null, utmSource: 'nl',
        utmMedium: null, utmCampaign: null, utmTerm: null, utmContent: null, clickId: null, isBot: false, browser: 'Chrome', os: 'Linux',
        device: 'desktop', country: null,
      };
      const events: EventRow[] = [
        { ...base, ts: at(3), id: '1b0f2d3e-8f6a-4a8e-9c1d-2e3f4a5b6c7d', name: 'page_view', props: {} },
        { ...base, ts: at(4), id: '2b0f2d3e-8f6a-4a8e-9c1d-2e3f4a5b6c7d', name: 'play', props: { channel: "news'; --", hd: true } },
      ];
      const session = (pageviews: number, exitPath: string) => ({
        startedAt: at(3), id: sessionId, siteId, visitorId: 'v1', lastSeen: at(3 + pageviews), pageviews, events: pageviews, entryPath: '/live',
        exitPath, referrerDomain: null, utmSource: 'nl', utmMedium: null, utmCampaign: null, browser: 'Chrome', os: 'Linux', device: 'desktop', country: null,
      });
      await store.writeEvents(events, [session(1, '/live')]);
      await store.writeEvents(events, [session(2, '/schedule')]);
      expect(await store.eventsOf(siteId, day, at(60))).toEqual(events);
      expect(await store.sessionsOf(siteId, day, at(60))).toEqual([session(2, '/schedule')]);
    });

    it('creates daily partitions once, moving rows that waited in DEFAULT into theirs', async () => {
      const later = new Date(Date.UTC(2026, 10, 30, 12));
      const waiting = request({ ts: later });
      await store.writeAccessBatch({ requests: [waiting], viewHits: [hit({ day: '2026-11-30', firstSeen: later, lastSeen: later })], checkpoint: null });
      expect(await store.defaultPartitionRows()).toEqual({ requests: 1, view_sessions: 1, events: 0, sessions: 0 });
      expect(await store.ensurePartitions(later, 1)).toEqual(['requests_20261130', 'view_sessions_20261130', 'events_20261130', 'sessions_20261130']);
      expect(await store.ensurePartitions(later, 1)).toEqual([]);
      expect(await store.defaultPartitionRows()).toEqual({ requests: 0, view_sessions: 0, events: 0, sessions: 0 });
      expect(await store.requestsBetween(later, new Date(later.getTime() + 1))).toEqual([waiting]);
    });

    it('drops whole daily partitions for retention, keeping newer days', async () => {
      const dropped = await store.dropPartitionsBefore('requests', new Date(Date.UTC(2026, 10, 21)));
      expect(dropped).toEqual(['requests_20261120']);
      expect(await store.requestsBetween(day, new Date(Date.UTC(2026, 10, 21)))).toEqual([]);
      expect(await store.requestsBetween(new Date(Date.UTC(2026, 10, 30)), new Date(Date.UTC(2026, 11, 1)))).toHaveLength(1);
      expect(await store.dropPartitionsBefore('requests', new Date(Date.UTC(2026, 10, 21)))).toEqual([]);
      expect((await store.viewSessions('2026-11-20')).length).toBeGreaterThan(0);
    });
  });
}
