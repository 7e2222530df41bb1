/**
 * Which parts of a source URL are secrets, and how they are masked for the API. A source URL's secrets are
 * its user info (`user:pass@`), the query values a server reads (tokens of http/https/rtmp/rtsp URLs), SRT's
 * `passphrase` and `streamid`, and an RTMP stream key (the path after the application name). The masked URL
 * shows each as `***`; the full URL is stored sealed and only the worker opens it.
 *
 * An operator edits a masked URL: a part left as `***` keeps the stored secret (mergeMaskedUrl), a new
 * value replaces it.
 */

export const MASK = '***';

/** Query options FFmpeg reads itself for these schemes; the rest of their query values are not secret. */
const SECRET_OPTIONS_OF_OPTION_SCHEMES = new Set(['passphrase', 'streamid']);
const OPTION_SCHEMES = new Set(['udp', 'rtp', 'srt']);
const STREAM_KEY_SCHEMES = new Set(['rtmp', 'rtmps']);

interface UrlParts {
  /** `scheme://` */
  prefix: string;
  scheme: string;
  userinfo: string | undefined;
  hostPort: string;
  path: string;
  query: Array<[string, string | undefined]> | undefined;
  hash: string;
}

function parse(url: string): UrlParts | undefined {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/.exec(url);
  if (!match) return undefined;
  const [, scheme = '', authority = '', path = '', search, hash = ''] = match;
  const at = authority.lastIndexOf('@');
  return {
    prefix: `${scheme}://`,
    scheme: scheme.toLowerCase(),
    // "udp://@239.0.0.1:1234" (a multicast join) has an empty user part: nothing secret.
    userinfo: at < 0 ? undefined : authority.slice(0, at),
    hostPort: at < 0 ? authority : authority.slice(at + 1),
    path,
    query:
      search === undefined
        ? undefined
        : search
            .slice(1)
            .split('&')
            .map((pair): [string, string | undefined] => {
              const equals = pair.indexOf('=');
              return equals < 0 ? [pair, undefined] : [pair.slice(0, equals), pair.slice(equals + 1)];
            }),
    hash,
  };
}

function format(parts: UrlParts): string {
  const authority = parts.userinfo !== undefined ? `${parts.userinfo}@${parts.hostPort}` : parts.hostPort;
  const query = parts.query === undefined ? '' : '?' + parts.query.map(([key, value]) => (value === undefined ? key : `${key}=${value}`)).join('&');
  return parts.prefix + authority + parts.path + query + parts.hash;
}

const isSecretOption = (scheme: string, key: string) =>
  !OPTION_SCHEMES.has(scheme) || SECRET_OPTIONS_OF_OPTION_SCHEMES.has(key.toLowerCase());

/** `/app/streamkey` -> `/app/***`; an RTMP path with only the application name has no key. */
function maskStreamKey(path: string): string {
  const match = /^(\/[^/]*\/)(.+)$/.exec(path);
  return match ? `${match[1]}${MASK}` : path;
}

/** The URL with every secret part replaced by `***`; an URL without secrets comes back unchanged. */
export function maskSourceUrl(url: string): string {
  const parts = parse(url);
  if (!parts) return url;
  return format({
    ...parts,
    userinfo: parts.userinfo ? MASK : parts.userinfo,
    path: STREAM_KEY_SCHEMES.has(parts.scheme) ? maskStreamKey(parts.path) : parts.path,
    query: parts.query?.map(([key, value]) => [key, value !== undefined && value !== '' && isSecretOption(parts.scheme, key) ? MASK : value]),
  });
}

export const hasSourceSecrets = (url: string): boolean => maskSourceUrl(url) !== url;

export type MergeResult = { ok: true; url: string } | { ok: false; reason: string };

/**
 * The full URL an operator means by `incoming`: each `***` in a secret position takes the stored URL's
 * secret there (same user info, same stream key path, same query key). A `***` with no stored secret behind
 * it is refused.
 */
export function mergeMaskedUrl(incoming: string, stored: string | undefined): MergeResult {
  if (!incoming.includes(MASK)) return { ok: true, url: incoming };
  const parts = parse(incoming);
  const old = stored === undefined ? undefined : parse(stored);
  const missing = (what: string): MergeResult => ({ ok: false, reason: `${what} is masked (${MASK}) but there is no stored secret to keep; type the value.` });
  if (!parts) return missing('The URL');
  let { userinfo, path } = parts;
  if (userinfo === MASK) {
    if (old?.userinfo === undefined) return missing('The user info');
    userinfo = old.userinfo;
  }
  if (path.includes(MASK)) {
    if (!old || !STREAM_KEY_SCHEMES.has(parts.scheme) || maskStreamKey(old.path) !== path) return missing('The stream key');
    path = old.path;
  }
  const query: UrlParts['query'] = [];
  for (const [key, value] of parts.query ?? []) {
    if (value !== MASK) {
      query.push([key, value]);
      continue;
    }
    const kept = old?.query?.find(([oldKey]) => oldKey === key)?.[1];
    if (kept === undefined) return missing(`The query value "${key}"`);
    query.push([key, kept]);
  }
  const merged = format({ ...parts, userinfo, path, query: parts.query === undefined ? undefined : query });
  if (merged.includes(MASK)) return missing('A part of the URL');
  return { ok: true, url: merged };
}

/** The secret strings of a URL, as written and percent-decoded (FFmpeg prints either), longest first. */
export function sourceSecrets(url: string): string[] {
  const parts = parse(url);
  if (!parts) return [];
  const found = new Set<string>();
  const add = (value: string | undefined) => {
    if (!value) return;
    found.add(value);
    try {
      found.add(decodeURIComponent(value));
    } catch {
      // not valid percent-encoding: the raw form is enough
    }
  };
  if (parts.userinfo) {
    add(parts.userinfo);
    const colon = parts.userinfo.indexOf(':');
    add(colon < 0 ? parts.userinfo : parts.userinfo.slice(0, colon));
    if (colon >= 0) add(parts.userinfo.slice(colon + 1));
  }
  if (STREAM_KEY_SCHEMES.has(parts.scheme)) add(/^\/[^/]*\/(.+)$/.exec(parts.path)?.[1]);
  for (const [key, value] of parts.query ?? []) if (isSecretOption(parts.scheme, key)) add(value);
  // Very short values (a one-letter user name) would shred every log line; the URL-shaped pass still hides them.
  return [...found].filter((secret) => secret.length >= 3).sort((a, b) => b.length - a.length);
}

/**
 * A function that hides the given URLs' secrets in any text (FFmpeg's stderr): first every URL-shaped
 * substring is masked, then each known secret string anywhere else becomes `***`.
 */
export function secretRedactor(urls: readonly string[]): (text: string) => string {
  const secrets = [...new Set(urls.flatMap(sourceSecrets))].sort((a, b) => b.length - a.length);
  return (text) => {
    let redacted = text.replace(/[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s'"]+/g, (url) => maskSourceUrl(url));
    for (const secret of secrets) redacted = redacted.split(secret).join(MASK);
    return redacted;
  };
}

/**
 * The environment FFmpeg and ffprobe run with: only what they need to find libraries and format dates.
 * Nothing else of the worker's environment (DATABASE_URL, signing secrets) reaches them.
 */
export function minimalEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'LANG', 'TZ']) if (env[name] !== undefined) kept[name] = env[name];
  return kept;
}
