import { type ClickIds, parseReferrer } from './attribution';

/** How a visit's source was decided, strongest first. */
export const SOURCE_KINDS = ['utm', 'click_id', 'referrer', 'direct'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export interface TrafficSource {
  kind: SourceKind;
  /** Lower-case: the utm_source, the click id's platform, the referrer's registrable domain, or "direct". */
  label: string;
}

/** The platform each click id belongs to. */
export const CLICK_ID_PLATFORMS: Record<keyof ClickIds, string> = {
  gclid: 'google',
  fbclid: 'facebook',
  msclkid: 'bing',
  ttclid: 'tiktok',
};

/**
 * One source per visit, for "where did clicks and conversions come from": the utm_source the marketer tagged,
 * else the platform of an ad click id, else the referrer's registrable domain (a referrer given as a bare host
 * is read as https://host), else direct. Never throws on visitor input.
 */
export function classifySource(input: { utmSource?: string | null; clickIds?: Partial<Record<keyof ClickIds, string | boolean | null>>; referrer?: string | null }): TrafficSource {
  const utm = input.utmSource?.trim().toLowerCase();
  if (utm) return { kind: 'utm', label: utm };
  for (const [key, platform] of Object.entries(CLICK_ID_PLATFORMS) as Array<[keyof ClickIds, string]>) {
    if (input.clickIds?.[key]) return { kind: 'click_id', label: platform };
  }
  const referrer = input.referrer?.trim();
  if (referrer) {
    const parsed = parseReferrer(/^[a-z][a-z0-9+.-]*:\/\//i.test(referrer) ? referrer : `https://${referrer}`);
    if (parsed) return { kind: 'referrer', label: parsed.domain.toLowerCase() };
  }
  return { kind: 'direct', label: 'direct' };
}
