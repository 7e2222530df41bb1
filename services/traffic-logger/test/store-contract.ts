import { randomBytes } from 'node:crypto';
import { type EventRow, NO_UTM, NOT_ENRICHED, type RequestRow, type SessionRow, type TrafficStore, type ViewHit } from '../src/store/traffic-store';

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
      ...NO_UTM,
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
        isBot: false,
      });
      await store.writeEvents(events, [session(1, '/live')]);
      await store.writeEvents(events, [session(2, '/schedule')]);
      expect(await store.eventsOf(siteId, day, at(60))).toEqual(events);
      expect(await store.sessionsOf(siteId, day, at(60))).toEqual([session(2, '/schedule')]);
    });

    describe('analytics rollups', () => {
      const site = '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
      const hour = (h: number, minutes = 0) => at(h * 60 + minutes);
      let sequence = 0;
      const event = (visitorId: string, sessionId: string, ts: Date, overrides: Partial<EventRow> = {}): EventRow => ({
        ts, id: `00000000-0000-4000-8000-${String((sequence += 1)).padStart(12, '0')}`, siteId: site, sessionId, visitorId, name: 'page_view',
        hostname: 'www.example.com', path: '/a', query: null, referrerDomain: null, utmSource: null, utmMedium: null, utmCampaign: null,
        utmTerm: null, utmContent: null, clickId: null, props: {}, isBot: false, browser: 'Firefox', os: 'Linux', device: 'desktop', country: 'FR',
        ...overrides,
      });
      const session = (id: string, visitorId: string, startedAt: Date, lastSeen: Date, pageviews: number, overrides: Partial<SessionRow> = {}): SessionRow => ({
        startedAt, id, siteId: site, visitorId, lastSeen, pageviews, events: pageviews, entryPath: '/a', exitPath: '/a', referrerDomain: null,
        utmSource: null, utmMedium: null, utmCampaign: null, browser: 'Firefox', os: 'Linux', device: 'desktop', country: 'FR', isBot: false, ...overrides,
      });
      const s1 = '10000000-0000-4000-8000-000000000001';
      const s2 = '10000000-0000-4000-8000-000000000002';
      const s3 = '10000000-0000-4000-8000-000000000003';
      const botSession = '10000000-0000-4000-8000-000000000004';
      const dayEnd = new Date(day.getTime() + 86_400_000);
      const totals = () => store.analyticsTotals(site, day, dayEnd);

      beforeAll(async () => {
        // Hour 10: v1 loads /a and reloads it (one session, 5 minutes), v2 bounces on /b from news.example (DE,
        // mobile) with a custom event, a bot loads /a (its own session). Hour 11: v3 bounces on /a.
        const mobile = { path: '/b', referrerDomain: 'news.example', country: 'DE', device: 'mobile' };
        await store.writeEvents(
          [
            event('v1', s1, hour(10)),
            event('v1', s1, hour(10, 5)),
            event('v2', s2, hour(10, 30), mobile),
            event('v2', s2, hour(10, 31), { ...mobile, name: 'play' }),
            event('bot', botSession, hour(10, 40), { isBot: true }),
            event('v3', s3, hour(11, 15)),
          ],
          [
            session(s1, 'v1', hour(10), hour(10, 5), 2),
            session(s2, 'v2', hour(10, 30), hour(10, 31), 1, { entryPath: '/b', referrerDomain: 'news.example', country: 'DE', device: 'mobile' }),
            session(s3, 'v3', hour(11, 15), hour(11, 15), 1),
            // The bot's visit: a bounce of 10 minutes that no figure may count.
            session(botSession, 'bot', hour(10, 40), hour(10, 50), 1, { isBot: true }),
          ],
        );
        expect(await store.rebuildRollups(hour(10), hour(12))).toEqual({ hours: 2, days: 1 });
      });

      it('sums hand-counted figures: a reload is one more page view, not one more visitor; bots are left out', async () => {
        expect(await totals()).toEqual({ visitors: 3, pageviews: 4, sessions: 3, bounces: 2, durationSeconds: 360 });
        expect(await store.analyticsTotalsFromEvents(site, day, dayEnd)).toEqual(await totals());
        const series = await store.analyticsSeries(site, hour(9), hour(13), 'hour');
        expect(series.map((point) => [point.at.toISOString().slice(11, 13), point.pageviews, point.visitors, point.sessions, point.bounces])).toEqual([
          ['09', 0, 0, 0, 0],
          ['10', 3, 2, 2, 1],
          ['11', 1, 1, 1, 1],
          ['12', 0, 0, 0, 0],
        ]);
      });

      it('fills every day of a 7-day chart, zeros where nothing happened', async () => {
        const week = await store.analyticsSeries(site, new Date(day.getTime() - 3 * 86_400_000), new Date(day.getTime() + 4 * 86_400_000), 'day');
        expect(week.map((point) => [point.at.toISOString().slice(0, 10), point.pageviews, point.visitors])).toEqual([
          ['2026-11-17', 0, 0], ['2026-11-18', 0, 0], ['2026-11-19', 0, 0], ['2026-11-20', 4, 3], ['2026-11-21', 0, 0], ['2026-11-22', 0, 0], ['2026-11-23', 0, 0],
        ]);
      });

      it('ranks the values of a dimension and sums the rest as others', async () => {
        expect(await store.analyticsTop(site, 'page', day, dayEnd, 1)).toEqual({ items: [{ value: '/a', pageviews: 3, visitors: 2 }], others: { value: '', pageviews: 1, visitors: 1 } });
        expect(await store.analyticsTop(site, 'country', day, dayEnd, 10)).toEqual({
          items: [{ value: 'FR', pageviews: 3, visitors: 2 }, { value: 'DE', pageviews: 1, visitors: 1 }],
          others: null,
        });
        expect((await store.analyticsTop(site, 'referrer', day, dayEnd, 10)).items).toEqual([{ value: '', pageviews: 3, visitors: 2 }, { value: 'news.example', pageviews: 1, visitors: 1 }]);
        expect((await store.analyticsTop(site, 'utm_source', day, dayEnd, 10)).items).toEqual([{ value: '', pageviews: 4, visitors: 3 }]);
      });

      it('changes nothing when re-run, and counts late events and longer sessions within the window', async () => {
        const before = await totals();
        await store.rebuildRollups(hour(10), hour(12));
        await store.rebuildRollups(hour(11), hour(12));
        expect(await totals()).toEqual(before);
        // A late reload by v1 (hour 10) and a new visitor in hour 11; v1's session lasts until 11:50.
        await store.writeEvents([event('v1', s1, hour(10, 50)), event('v4', s3, hour(11, 20)), event('v1', s1, hour(11, 50))], [session(s1, 'v1', hour(10), hour(11, 50), 4)]);
        await store.rebuildRollups(hour(11), hour(12));
        // The window is hour 11: its events and v1's older session (start hour 10) are redone, hour 10's events not yet.
        expect(await totals()).toEqual({ visitors: 4, pageviews: 6, sessions: 3, bounces: 2, durationSeconds: 6_660 });
        await store.rebuildRollups(hour(10), hour(12));
        expect(await totals()).toEqual({ visitors: 4, pageviews: 7, sessions: 3, bounces: 2, durationSeconds: 6_660 });
        expect(await store.analyticsTotalsFromEvents(site, day, dayEnd)).toEqual(await totals());
      });

      it('keeps per-minute channel audience per source, summed and zero-filled when read', async () => {
        const minute = (m: number) => at(600 + m);
        const news = { channelSlug: 'news', channelId: null };
        await store.writeChannelMinutes([
          { minute: minute(1), source: 'a', ...news, viewers: 3, bytes: 3_000 },
          { minute: minute(1), source: 'b', ...news, viewers: 2, bytes: 1_000 },
          { minute: minute(2), source: 'a', ...news, viewers: 1, bytes: 10 },
        ]);
        // A replay after a restart saw less of minute 1: the higher count stays.
        await store.writeChannelMinutes([{ minute: minute(1), source: 'a', ...news, viewers: 1, bytes: 100 }]);
        expect(await store.channelMinutes(news, minute(0), minute(4))).toEqual([
          { minute: minute(0), viewers: 0, bytes: 0 },
          { minute: minute(1), viewers: 5, bytes: 4_000 },
          { minute: minute(2), viewers: 1, bytes: 10 },
          { minute: minute(3), viewers: 0, bytes: 0 },
        ]);
      });

      it('live visitors are distinct non-bot visitors since the given time', async () => {
        expect(await store.liveVisitors(site, hour(11))).toBe(3);
        expect(await store.liveVisitors(site, hour(12))).toBe(0);
      });

      it('deletes rollups past retention', async () => {
        expect(await store.deleteRollupsBefore(day)).toBe(0);
        expect(await store.deleteRollupsBefore(dayEnd)).toBeGreaterThan(0);
        expect(await totals()).toEqual({ visitors: 0, pageviews: 0, sessions: 0, bounces: 0, durationSeconds: 0 });
        expect((await store.channelMinutes({ channelSlug: 'news', channelId: null }, at(600), at(603))).every((entry) => entry.viewers === 0)).toBe(true);
      });
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
