/**
 * The one route table from a logged URI to the media it served. Live HLS today (nginx/snippets/routes.conf):
 *   /live/<slug>/[<rendition>/]<file>                                     public channels
 *   /live/_signed/<token>/<expires>/<channel id>.<version>/[<rendition>/]<file>   signed channels
 * VOD paths join this table later. The signed token is a credential: it is never returned, only `redactUri`'s
 * `[token]` placeholder.
 */
export interface LiveRoute {
  kind: 'live';
  /** Public channels are named by slug, signed ones by id: nginx's path carries nothing else. */
  slug: string | null;
  channelId: string | null;
  rendition: string | null;
  file: string;
  /** A media segment (.ts, .m4s): what makes a viewer. Playlists and init files are not. */
  segment: boolean;
}

export type MediaRoute = LiveRoute;

const SLUG = '[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?';
const RENDITION = '[a-z0-9_-]{1,16}';
const FILE = '[A-Za-z0-9_.-]{1,128}';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

const ROUTES: Array<{ pattern: RegExp; route: (match: RegExpExecArray) => MediaRoute }> = [
  {
    pattern: new RegExp(`^/live/_signed/[A-Za-z0-9_-]{22}/[0-9]{1,12}/(${UUID})\\.[0-9]{1,9}/(?:(${RENDITION})/)?(${FILE})$`),
    route: (m) => live(null, m[1]!, m[2], m[3]!),
  },
  {
    pattern: new RegExp(`^/live/(?!_signed/)(${SLUG})/(?:(${RENDITION})/)?(${FILE})$`),
    route: (m) => live(m[1]!, null, m[2], m[3]!),
  },
];

const SEGMENT = /\.(?:ts|m4s)$/;

function live(slug: string | null, channelId: string | null, rendition: string | undefined, file: string): LiveRoute {
  return { kind: 'live', slug, channelId, rendition: rendition ?? null, file, segment: SEGMENT.test(file) };
}

/** The media a URI served, or null for anything else (API, dashboard, unknown paths). The query is ignored. */
export function routeMedia(uri: string): MediaRoute | null {
  const path = uri.split(/[?#]/, 1)[0]!;
  for (const { pattern, route } of ROUTES) {
    const match = pattern.exec(path);
    if (match) return route(match);
  }
  return null;
}

/** The URI as stored: a signed path's token replaced by `[token]`. */
export function redactUri(uri: string): string {
  return uri.replace(/^\/live\/_signed\/[^/?#]+\//, '/live/_signed/[token]/');
}
