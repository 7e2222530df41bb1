import { createHash } from 'node:crypto';

/**
 * The data behind the ad-platform fakes: campaigns with ads and one deterministic metrics row per ad and day
 * (a campaign's day is the sum of its ads' days), so a test can compute what a sync must have stored. Tests
 * change a day with `setAdDay` (a late conversion) and the next report answers the new figures.
 */
export interface FakeAdDay {
  impressions: number;
  clicks: number;
  /** Micros of the account currency. */
  spendMicros: number;
  /** Platform-reported conversions (Google's may be fractional; the fakes keep them whole for simple sums). */
  conversions: number;
  revenueMicros: number;
}

export interface FakeAd {
  id: string;
  name: string;
}

export interface FakeCampaign {
  id: string;
  name: string;
  status: string;
  ads: FakeAd[];
}

export interface FakeAdAccountData {
  id: string;
  name: string;
  currency: string;
  timezone: string;
  campaigns: FakeCampaign[];
}

export interface FakeAccountSpec {
  id: string;
  name?: string;
  currency?: string;
  timezone?: string;
  campaigns?: number;
  adsPerCampaign?: number;
  /** Days on which every ad shows nothing (impressions and clicks 0), e.g. to test zero-click ratios. */
  quietDays?: string[];
}

export function buildAccount(spec: FakeAccountSpec): FakeAdAccountData {
  const campaigns = Array.from({ length: spec.campaigns ?? 3 }, (_, c) => {
    const campaignId = `${spec.id}${String(c + 1).padStart(4, '0')}`;
    return {
      id: campaignId,
      name: `Campaign ${c + 1} of ${spec.id}`,
      status: 'ACTIVE',
      ads: Array.from({ length: spec.adsPerCampaign ?? 1 }, (_, a) => ({ id: `${campaignId}${String(a + 1).padStart(3, '0')}`, name: `Ad ${a + 1} of campaign ${c + 1}` })),
    };
  });
  return { id: spec.id, name: spec.name ?? `Account ${spec.id}`, currency: spec.currency ?? 'USD', timezone: spec.timezone ?? 'UTC', campaigns };
}

/** Deterministic metrics of every ad and day, with per-day overrides set by tests. */
export class FakeAdData {
  readonly accounts = new Map<string, FakeAdAccountData>();
  private readonly overrides = new Map<string, FakeAdDay>();
  private readonly quiet = new Map<string, Set<string>>();

  constructor(private readonly seed = 'castline') {}

  addAccount(spec: FakeAccountSpec): FakeAdAccountData {
    const account = buildAccount(spec);
    this.accounts.set(account.id, account);
    this.quiet.set(account.id, new Set(spec.quietDays ?? []));
    return account;
  }

  account(id: string): FakeAdAccountData | undefined {
    return this.accounts.get(id);
  }

  /** Replaces one ad's figures of one day (e.g. a conversion reported late). */
  setAdDay(adId: string, date: string, day: Partial<FakeAdDay>): void {
    this.overrides.set(`${adId}|${date}`, { ...this.adDay(this.accountOfAd(adId), adId, date), ...day });
  }

  adDay(accountId: string, adId: string, date: string): FakeAdDay {
    const override = this.overrides.get(`${adId}|${date}`);
    if (override) return override;
    if (this.quiet.get(accountId)?.has(date)) return { impressions: 0, clicks: 0, spendMicros: 0, conversions: 0, revenueMicros: 0 };
    const digest = createHash('sha256').update(`${this.seed}|${adId}|${date}`).digest();
    const impressions = 100 + (digest.readUInt32BE(0) % 5000);
    const clicks = digest.readUInt16BE(4) % Math.max(1, Math.floor(impressions / 20));
    // Whole cents, so the platforms' decimal strings ("12.34") convert to micros exactly.
    const spendMicros = (digest.readUInt16BE(6) % 20_000) * 10_000;
    const conversions = clicks === 0 ? 0 : digest[8]! % Math.min(5, clicks + 1);
    const revenueMicros = conversions * (1_000 + (digest.readUInt16BE(9) % 9_000)) * 10_000;
    return { impressions, clicks, spendMicros, conversions, revenueMicros };
  }

  campaignDay(accountId: string, campaign: FakeCampaign, date: string): FakeAdDay {
    const total: FakeAdDay = { impressions: 0, clicks: 0, spendMicros: 0, conversions: 0, revenueMicros: 0 };
    for (const ad of campaign.ads) {
      const day = this.adDay(accountId, ad.id, date);
      total.impressions += day.impressions;
      total.clicks += day.clicks;
      total.spendMicros += day.spendMicros;
      total.conversions += day.conversions;
      total.revenueMicros += day.revenueMicros;
    }
    return total;
  }

  private accountOfAd(adId: string): string {
    for (const account of this.accounts.values()) {
      if (account.campaigns.some((campaign) => campaign.ads.some((ad) => ad.id === adId))) return account.id;
    }
    throw new Error(`no fake ad ${adId}`);
  }
}

/** Every day from `since` to `until` inclusive (YYYY-MM-DD, UTC calendar arithmetic). */
export function daysBetween(since: string, until: string): string[] {
  const days: string[] = [];
  for (let at = Date.parse(`${since}T00:00:00Z`); at <= Date.parse(`${until}T00:00:00Z`); at += 86_400_000) {
    days.push(new Date(at).toISOString().slice(0, 10));
  }
  return days;
}

/** `12340000` micros -> "12.34" (the fakes only produce whole cents). */
export function microsToDecimal(micros: number): string {
  return (micros / 1_000_000).toFixed(2);
}

/**
 * A sliding-window call counter: the rate limit of a fake. `usagePct` is how full the window is; a call that
 * would exceed `limit` is rejected and not counted.
 */
export class CallWindow {
  private readonly calls: number[] = [];
  peakUsagePct = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  private prune(now: number): void {
    while (this.calls.length > 0 && this.calls[0]! <= now - this.windowMs) this.calls.shift();
  }

  /** Records a call; false when the window is full (the call is rejected). */
  take(now = Date.now()): boolean {
    this.prune(now);
    if (this.calls.length >= this.limit) return false;
    this.calls.push(now);
    this.peakUsagePct = Math.max(this.peakUsagePct, this.usagePct(now));
    return true;
  }

  usagePct(now = Date.now()): number {
    this.prune(now);
    return Math.round((100 * this.calls.length) / this.limit);
  }

  /** Milliseconds until the newest call leaves the window: the window is empty (usage 0) after it. */
  msUntilEmpty(now = Date.now()): number {
    this.prune(now);
    return this.calls.length === 0 ? 0 : Math.max(0, this.calls[this.calls.length - 1]! + this.windowMs - now);
  }

  /** Milliseconds until the oldest call leaves the window (0 when empty). */
  msUntilFree(now = Date.now()): number {
    this.prune(now);
    return this.calls.length === 0 ? 0 : Math.max(0, this.calls[0]! + this.windowMs - now);
  }
}
