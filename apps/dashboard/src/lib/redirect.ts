/**
 * Where to go after signing in: only a path on this site. `next` comes from the URL, so anything else
 * (`//evil.example`, `/\evil.example`, `https://…`, `javascript:`) would make the login page an open redirect.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return '/';
  // Control characters (browsers drop tabs and newlines from URLs) and backslashes can turn the path into
  // another origin.
  if ([...next].some((character) => character === '\\' || character.charCodeAt(0) < 0x20)) return '/';
  return next;
}
