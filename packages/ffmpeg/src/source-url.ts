/**
 * Source URL policy. A channel's source URL goes straight to FFmpeg, which understands far more than
 * network addresses: local files, `concat:`/`subfile,,` readers, `data:` and `pipe:` inputs, and protocol
 * chains such as `hls+http://` or `crypto+file://`. Only plain `scheme://host...` URLs of an allow-listed
 * network scheme pass; FFmpeg additionally gets a matching -protocol_whitelist, so a playlist fetched from
 * an allowed source cannot pull in a local file either.
 */

export const SOURCE_SCHEMES = ['http', 'https', 'rtmp', 'rtmps', 'srt', 'udp', 'rtp', 'rtsp'] as const;
export type SourceScheme = (typeof SOURCE_SCHEMES)[number];

export const DEFAULT_SOURCE_SCHEMES: readonly SourceScheme[] = SOURCE_SCHEMES;

export const MAX_SOURCE_URL_LENGTH = 2048;

export type SourceUrlCheck = { ok: true; scheme: SourceScheme } | { ok: false; reason: string };

/**
 * Protocols FFmpeg 5.1 opens for each scheme (checked against the real binary):
 * - http/https: an HLS playlist may redirect or point to the other of the two, and AES-128 segments are
 *   read through `crypto`;
 * - rtsp: the command forces `-rtsp_transport tcp`, so only the interleaved TCP connection is opened
 *   (`rtsp` itself is a demuxer, not a protocol);
 * - rtp: the RTP protocol reads through UDP sockets.
 * `file` is never listed.
 */
const PROTOCOL_WHITELISTS: Record<SourceScheme, string> = {
  http: 'http,https,tls,tcp,crypto',
  https: 'http,https,tls,tcp,crypto',
  rtmp: 'rtmp,tcp',
  rtmps: 'rtmps,tls,tcp',
  srt: 'srt',
  udp: 'udp',
  rtp: 'rtp,udp',
  rtsp: 'tcp',
};

export function protocolWhitelist(scheme: SourceScheme): string {
  const whitelist = PROTOCOL_WHITELISTS[scheme];
  if (!whitelist) throw new Error(`No protocol whitelist for scheme "${String(scheme)}"`);
  return whitelist;
}

const refuse = (reason: string): SourceUrlCheck => ({ ok: false, reason });

// Registered host names and IPv4 literals; IPv6 literals are handled separately.
const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const IPV6_LITERAL = /^\[[0-9A-Fa-f:.]+\]$/;

export function checkSourceUrl(
  url: string,
  allowedSchemes: readonly SourceScheme[] = DEFAULT_SOURCE_SCHEMES,
): SourceUrlCheck {
  if (typeof url !== 'string' || url.length === 0) return refuse('The source URL is empty.');
  if (url.length > MAX_SOURCE_URL_LENGTH) {
    return refuse(`The source URL is ${url.length} characters long; at most ${MAX_SOURCE_URL_LENGTH} are allowed.`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(url)) return refuse('The source URL contains control characters.');
  if (/\s/.test(url)) return refuse('The source URL contains whitespace (leading, trailing or inside).');

  const colon = url.indexOf(':');
  const allowedList = allowedSchemes.join(', ');
  if (colon <= 0) {
    return refuse(`The source URL has no scheme; FFmpeg would read it as a local file. Allowed schemes: ${allowedList}.`);
  }
  const schemePart = url.slice(0, colon);
  // FFmpeg reads "a+b:" as protocol a wrapped around b, and "name,options:" as a protocol with inline options.
  if (schemePart.includes('+')) {
    return refuse(`"${schemePart}:" is a protocol chain; protocol chains are not allowed as sources.`);
  }
  if (schemePart.includes(',')) {
    return refuse(`"${schemePart}:" passes protocol options inline (like subfile,,); this is not allowed as a source.`);
  }
  if (!/^[A-Za-z][A-Za-z0-9.-]*$/.test(schemePart)) {
    return refuse(`"${schemePart}" is not a valid URL scheme. Allowed schemes: ${allowedList}.`);
  }
  const scheme = schemePart.toLowerCase();
  if (!(allowedSchemes as readonly string[]).includes(scheme)) {
    return refuse(`The "${scheme}:" scheme is not allowed for sources. Allowed schemes: ${allowedList}.`);
  }
  // FFmpeg matches protocol names case-sensitively: "HTTP://" would fail at start-up instead of here.
  if (schemePart !== scheme) return refuse(`Write the scheme in lower case ("${scheme}:").`);

  const rest = url.slice(colon + 1);
  if (!rest.startsWith('//')) return refuse(`The source URL must look like ${scheme}://host[:port]/...`);
  const authority = rest.slice(2).split(/[/?#]/, 1)[0] ?? '';
  // Credentials are allowed (RTMP and SRT sources often need them); they are sealed and masked (source-secrets.ts).
  const hostAndPort = authority.slice(authority.lastIndexOf('@') + 1);
  const { host, port } = splitHostPort(hostAndPort);
  if (!host) return refuse(`The source URL has no host (expected ${scheme}://host[:port]/...).`);
  if (!HOST_NAME.test(host) && !IPV6_LITERAL.test(host)) return refuse(`"${host}" is not a valid host name or IP address.`);
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    return refuse(`"${port}" is not a valid port (1-65535).`);
  }
  return { ok: true, scheme: scheme as SourceScheme };
}

/** The host of a URL that passed checkSourceUrl (IPv6 literals keep their brackets). */
export function sourceHost(url: string): string {
  const rest = url.slice(url.indexOf(':') + 1).replace(/^\/\//, '');
  const authority = rest.split(/[/?#]/, 1)[0] ?? '';
  return splitHostPort(authority.slice(authority.lastIndexOf('@') + 1)).host;
}

function splitHostPort(hostAndPort: string): { host: string; port: string | undefined } {
  if (hostAndPort.startsWith('[')) {
    const close = hostAndPort.indexOf(']');
    if (close < 0) return { host: hostAndPort, port: undefined };
    const after = hostAndPort.slice(close + 1);
    return { host: hostAndPort.slice(0, close + 1), port: after.startsWith(':') ? after.slice(1) : after || undefined };
  }
  const colon = hostAndPort.indexOf(':');
  return colon < 0
    ? { host: hostAndPort, port: undefined }
    : { host: hostAndPort.slice(0, colon), port: hostAndPort.slice(colon + 1) };
}
