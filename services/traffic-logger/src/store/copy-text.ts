/** One row of PostgreSQL's COPY text format: tab-separated, \N for null, backslash escapes. */
export function copyLine(values: ReadonlyArray<string | number | Date | null | undefined>): string {
  return `${values.map(copyValue).join('\t')}\n`;
}

function copyValue(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return String(value);
  return value.replace(/[\\\n\r\t]/g, (char) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[char]!).replace(/\0/g, '');
}
