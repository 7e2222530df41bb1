import type { TrafficSearchFilters, TrafficSearchFiltersInput } from '@castline/contracts';

/** The Traffic page's filter form: every control a string ('' = no filter, 'any' for the selects). */
export interface TrafficFormValues {
  source: 'requests' | 'events';
  from: string;
  to: string;
  ip: string;
  method: string;
  status: string;
  host: string;
  path: string;
  pathMatch: 'prefix' | 'contains' | 'exact';
  country: string;
  device: string;
  browser: string;
  os: string;
  bot: 'any' | 'yes' | 'no';
  referrer: string;
  utmSource: string;
  utmMedium: string;
  utmCampaign: string;
  minResponseMs: string;
  maxResponseMs: string;
  channel: string;
  session: string;
  event: string;
}

const TEXT_FIELDS = ['ip', 'host', 'path', 'browser', 'os', 'referrer', 'utmSource', 'utmMedium', 'utmCampaign', 'channel', 'session', 'event'] as const;
const LIST_FIELDS = ['method', 'status', 'country'] as const;
const NUMBER_FIELDS = ['minResponseMs', 'maxResponseMs'] as const;

/** A datetime-local value (the browser's time zone) as an ISO instant; the reverse for showing one. */
const toIso = (local: string) => new Date(local).toISOString();
const pad = (value: number) => String(value).padStart(2, '0');
export function toLocalInput(iso: string): string {
  const at = new Date(iso);
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

export function emptyTrafficForm(now = new Date()): TrafficFormValues {
  return {
    source: 'requests',
    from: toLocalInput(new Date(now.getTime() - 86_400_000).toISOString()),
    to: toLocalInput(new Date(now.getTime() + 60_000).toISOString()),
    ip: '', method: '', status: '', host: '', path: '', pathMatch: 'prefix', country: '', device: 'any', browser: '', os: '', bot: 'any',
    referrer: '', utmSource: '', utmMedium: '', utmCampaign: '', minResponseMs: '', maxResponseMs: '', channel: '', session: '', event: '',
  };
}

/** What the form means as search filters (the schema then checks them, as the gateway does). */
export function filtersFromForm(values: TrafficFormValues): TrafficSearchFiltersInput {
  const filters: Record<string, unknown> = { source: values.source, pathMatch: values.pathMatch };
  if (values.from) filters.from = toIso(values.from);
  if (values.to) filters.to = toIso(values.to);
  for (const field of TEXT_FIELDS) if (values[field].trim()) filters[field] = values[field].trim();
  for (const field of LIST_FIELDS) {
    const items = values[field].split(',').map((item) => item.trim()).filter(Boolean);
    if (items.length > 0) filters[field] = field === 'method' ? items.map((item) => item.toUpperCase()) : items;
  }
  for (const field of NUMBER_FIELDS) if (values[field].trim()) filters[field] = Number(values[field]);
  if (values.device !== 'any' && values.device) filters.device = [values.device];
  if (values.bot !== 'any') filters.bot = values.bot;
  return filters as TrafficSearchFiltersInput;
}

/** Saved or remembered filters back into the form. */
export function formFromFilters(filters: TrafficSearchFilters): TrafficFormValues {
  const values = emptyTrafficForm();
  values.source = filters.source;
  values.pathMatch = filters.pathMatch;
  values.from = filters.from ? toLocalInput(filters.from) : values.from;
  values.to = filters.to ? toLocalInput(filters.to) : values.to;
  for (const field of TEXT_FIELDS) values[field] = filters[field] ?? '';
  for (const field of LIST_FIELDS) values[field] = filters[field]?.join(', ') ?? '';
  for (const field of NUMBER_FIELDS) values[field] = filters[field] === undefined ? '' : String(filters[field]);
  values.device = filters.device?.[0] ?? 'any';
  values.bot = filters.bot ?? 'any';
  return values;
}

/** The form field a filter path belongs to (`country.2` -> country, `filters.status.0` -> status). */
export function trafficFieldOf(path: string): keyof TrafficFormValues | null {
  const name = path.replace(/^filters\./, '').split('.')[0] as keyof TrafficFormValues;
  return name in emptyTrafficForm() ? name : null;
}

/** "1,234 results", or "100,000+ results" when the count stopped at its cap. */
export function resultCount(count: { value: number; capped: boolean }): string {
  const value = count.value.toLocaleString('en-US');
  return `${value}${count.capped ? '+' : ''} ${count.value === 1 && !count.capped ? 'result' : 'results'}`;
}

/** One line describing a saved or remembered search (its non-default filters). */
export function describeFilters(filters: TrafficSearchFilters): string {
  const parts: string[] = [filters.source === 'events' ? 'events' : 'requests'];
  for (const [key, value] of Object.entries(filters)) {
    if (['source', 'pathMatch', 'from', 'to'].includes(key) || value === undefined) continue;
    parts.push(`${key}: ${Array.isArray(value) ? value.join(', ') : String(value)}`);
  }
  return parts.join(' · ');
}

export const trafficKeys = {
  saved: () => ['traffic', 'saved-searches'] as const,
  history: () => ['traffic', 'search-history'] as const,
  journey: (id: string) => ['traffic', 'journey', id] as const,
};
