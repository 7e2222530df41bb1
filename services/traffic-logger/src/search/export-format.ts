import type { SearchHit } from '../store/traffic-store';

/** The export's columns, in order (CSV header = these names). */
export const EXPORT_COLUMNS = [
  'ts', 'source', 'id', 'host', 'method', 'path', 'query', 'status', 'responseMs', 'bytesSent', 'ip', 'referrer', 'userAgent',
  'browser', 'os', 'device', 'country', 'city', 'isBot', 'botType', 'channel', 'sessionId', 'event', 'utmSource', 'utmCampaign',
] as const satisfies ReadonlyArray<keyof SearchHit>;

/**
 * One CSV cell (RFC 4180). A text that a spreadsheet would run as a formula (= + - @, or a leading tab or CR)
 * gets a leading apostrophe (OWASP CSV injection); quotes, commas and line breaks are quoted.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const csvHeader = () => `${EXPORT_COLUMNS.join(',')}\r\n`;
export const csvLine = (hit: SearchHit) => `${EXPORT_COLUMNS.map((column) => csvCell(hit[column])).join(',')}\r\n`;

/** JSON: one array, one object per line. */
export const jsonLine = (hit: SearchHit, first: boolean) =>
  `${first ? '' : ',\n'}${JSON.stringify(Object.fromEntries(EXPORT_COLUMNS.map((column) => [column, hit[column]])))}`;
