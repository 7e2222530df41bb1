import { randomUUID } from 'node:crypto';
import { Rpc } from '@castline/contracts';
import { createPrismaClient } from '@castline/db';
import { type ServiceHarness, startServiceHarness } from '@castline/testkit';
import { startTrafficLogger } from '../src/traffic-logger-app';

/**
 * traffic-logger.sessions.get over NATS, as campaigns calls it: a session collected by the tracker is found with the
 * campaigns click id its landing URL carried; one without, or an unknown / malformed id, answers found: false.
 */
let harness: ServiceHarness;
/**
 * These tests check the answer, not its speed: the first lookups on a loaded box took over the contract's
 * 300 ms (campaigns' deadline, where no answer means unattributed: tested there).
 */
const ANSWER = { timeoutMs: 10_000 };
const site = { id: randomUUID(), origin: 'https://shop.example.com' };
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

beforeAll(async () => {
  harness = await startServiceHarness('traffic-sessions-get', startTrafficLogger);
  const prisma = createPrismaClient(harness.databaseUrl);
  await prisma.site.create({ data: { id: site.id, domain: 'shop.example.com', name: 'Shop', allowedOrigins: [site.origin] } });
  await prisma.$disconnect();
});

afterAll(async () => {
  await harness?.close();
});

/** Collects one page view from a visitor (its IP) and answers the session id the traffic-logger gave it. */
async function visit(url: string, ip: string): Promise<string> {
  const response = await harness.app.inject({
    method: 'POST',
    url: '/api/v1/collect',
    remoteAddress: ip,
    headers: { 'content-type': 'text/plain', origin: site.origin, 'user-agent': CHROME },
    payload: JSON.stringify({ site: site.id, name: 'page_view', url }),
  });
  expect(response.statusCode).toBeLessThan(300);
  const prisma = createPrismaClient(harness.databaseUrl);
  try {
    const rows = await prisma.$queryRaw<Array<{ session_id: string }>>`
      SELECT session_id::text FROM traffic.events WHERE site_id = ${site.id}::uuid AND path = ${new URL(url).pathname} ORDER BY ts DESC LIMIT 1`;
    expect(rows).toHaveLength(1);
    return rows[0]!.session_id;
  } finally {
    await prisma.$disconnect();
  }
}

it('finds a session with the campaigns click id of its landing page', async () => {
  const sessionId = await visit('https://shop.example.com/landing?utm_source=meta&cl_click=abcDEF123_-', '203.0.113.21');
  const reply = await harness.call(Rpc.traffic.sessionsGet, { sessionId }, ANSWER);
  expect(reply).toEqual({ sessionId, found: true, trackingId: null, clickId: 'abcDEF123_-' });
});

it('finds a session without a click id as found with clickId null', async () => {
  const sessionId = await visit('https://shop.example.com/plain?utm_source=newsletter', '203.0.113.22');
  expect(await harness.call(Rpc.traffic.sessionsGet, { sessionId }, ANSWER)).toEqual({ sessionId, found: true, trackingId: null, clickId: null });
});

it('answers found: false for an unknown session and for an id that is not a session id', async () => {
  const unknown = randomUUID();
  expect(await harness.call(Rpc.traffic.sessionsGet, { sessionId: unknown }, ANSWER)).toEqual({ sessionId: unknown, found: false, trackingId: null, clickId: null });
  expect(await harness.call(Rpc.traffic.sessionsGet, { sessionId: 'not-a-uuid' }, ANSWER)).toEqual({ sessionId: 'not-a-uuid', found: false, trackingId: null, clickId: null });
});
