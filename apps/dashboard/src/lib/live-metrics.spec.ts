import type { CampaignEvent } from '@castline/contracts';
import { appendSample, backoffDelay, followLiveFeedEvents, type LiveFeedEventHandlers, type LiveSample, WINDOW_MS } from './live-metrics';

jest.mock('./api', () => ({ api: jest.fn(), getAccessToken: () => 'access-token', notifySessionLost: jest.fn(), refreshSession: jest.fn() }));

const sample = (t: number): LiveSample => ({
  t,
  fps: 30,
  speed: 1,
  bitrateKbps: 2500,
  cpuPercent: 20,
  rssBytes: 1e8,
  writeBytesPerSecond: 3e5,
  dropFrames: 0,
  dupFrames: 0,
  restarts: 0,
  uptimeSeconds: t / 1000,
});

describe('backoffDelay', () => {
  it('doubles from 1 s and stops at 30 s, within ±20 % jitter', () => {
    const middle = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((attempt) => backoffDelay(attempt, middle))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(backoffDelay(0, () => 0)).toBe(800);
    expect(backoffDelay(0, () => 0.999_999)).toBe(1_200);
    expect(backoffDelay(8, () => 0.999_999)).toBe(36_000);
  });
});

describe('appendSample', () => {
  it('keeps only the last five minutes, oldest first', () => {
    let samples: LiveSample[] = [];
    for (let second = 0; second <= 400; second++) samples = appendSample(samples, sample(second * 1000));
    expect(samples[0]!.t).toBe(400_000 - WINDOW_MS);
    expect(samples.at(-1)!.t).toBe(400_000);
    expect(samples).toHaveLength(301);
  });

  it('drops a repeated sample and puts a late one in its place', () => {
    const samples = [sample(1000), sample(3000)];
    expect(appendSample(samples, sample(3000))).toBe(samples);
    expect(appendSample(samples, sample(2000)).map((entry) => entry.t)).toEqual([1000, 2000, 3000]);
  });
});

/** A stand-in for the browser's WebSocket: records what the feed sends and lets the test deliver frames. */
class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly sockets: FakeSocket[] = [];
  readyState = 1;
  sent: string[] = [];
  closed = false;
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  onclose: ((close: { code: number }) => void) | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeSocket.sockets.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.closed = true;
  }
  deliver(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

describe('followLiveFeedEvents', () => {
  beforeAll(() => {
    Object.assign(globalThis, {
      WebSocket: FakeSocket,
      window: { location: { protocol: 'https:', host: 'castline.test' }, addEventListener: () => undefined, removeEventListener: () => undefined },
    });
  });

  it('shares one socket between every follower, gives each the events, and closes it with the last one', async () => {
    const campaignEvent: CampaignEvent = { accountId: '6b0f1c1e-5c9c-4a36-9d57-1d8c3f0e2a10', type: 'account.paused', code: 'meta_token_expired', message: 'reconnect the account', at: new Date(0).toISOString() };
    const seen: string[] = [];
    const bell = { current: { onNotification: () => void seen.push('bell: notification') } as LiveFeedEventHandlers };
    const accounts = { current: { onCampaign: (event: CampaignEvent) => void seen.push(`accounts: ${event.code}`) } as LiveFeedEventHandlers };
    const stopBell = followLiveFeedEvents(bell);
    const stopAccounts = followLiveFeedEvents(accounts);
    // The socket opens after the (synchronous here) token lookup.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(FakeSocket.sockets).toHaveLength(1);
    const socket = FakeSocket.sockets[0]!;
    expect(socket.url).toBe('wss://castline.test/api/v1/ws/metrics');
    socket.onopen?.();
    expect(socket.sent).toEqual([JSON.stringify({ subscribe: [] })]);
    socket.deliver({ type: 'notification', data: { id: 'n1' } });
    socket.deliver({ type: 'campaign', data: campaignEvent });
    expect(seen).toEqual(['bell: notification', 'accounts: meta_token_expired']);
    // Handlers are read when an event arrives: a re-rendered component's latest ones are used.
    accounts.current = { onCampaign: () => void seen.push('accounts: latest') };
    stopBell();
    expect(socket.closed).toBe(false);
    socket.deliver({ type: 'notification', data: { id: 'n2' } });
    socket.deliver({ type: 'campaign', data: campaignEvent });
    expect(seen.slice(2)).toEqual(['accounts: latest']);
    stopAccounts();
    expect(socket.closed).toBe(true);
    // A later follower opens a new socket.
    const stopAgain = followLiveFeedEvents(bell);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(FakeSocket.sockets).toHaveLength(2);
    stopAgain();
  });
});
