/**
 * The gateway client. The access token lives only in this module's memory; the refresh token is the
 * gateway's httpOnly cookie (path /api/v1/auth), so script on the page can never read it.
 */

export const API_BASE = '/api/v1';

/** The signed-in user and the access token, as POST /auth/login and /auth/refresh answer them. */
import type { Session, UserView as SessionUser } from '@castline/contracts';

export type { Session, SessionUser };

/** A refused request: the gateway's `{ error: { code, message } }`, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const REMEMBER_KEY = 'castline.remember';
let accessToken: string | null = null;
let refreshing: Promise<Session | null> | null = null;
let sessionLostListener: (() => void) | undefined;

export const getAccessToken = () => accessToken;

/** Called when a request needed a session and none could be renewed: the app sends the user to sign in. */
export function onSessionLost(listener: () => void): () => void {
  sessionLostListener = listener;
  return () => {
    if (sessionLostListener === listener) sessionLostListener = undefined;
  };
}

/** Something needed a session and none could be renewed (the WebSocket after a 4401 close, say). */
export function notifySessionLost(): void {
  sessionLostListener?.();
}

async function errorFrom(response: Response): Promise<ApiError> {
  let code = `HTTP_${response.status}`;
  let message = response.statusText || 'Request failed';
  let details: unknown;
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
    details = body.error?.details;
  } catch {
    // not JSON (nginx's own pages): keep the status line
  }
  return new ApiError(response.status, code, message, details);
}

async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(`${API_BASE}${path}`, { credentials: 'same-origin', ...init });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK_ERROR', 'Castline cannot be reached. Check the connection and try again.');
  }
}

export async function login(email: string, password: string, remember: boolean): Promise<Session> {
  const response = await send('/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, remember, session: 'cookie' }),
  });
  if (!response.ok) throw await errorFrom(response);
  const session = (await response.json()) as Session;
  accessToken = session.accessToken;
  localStorage.setItem(REMEMBER_KEY, remember ? '1' : '0');
  return session;
}

/**
 * Trades the refresh cookie for a new pair. One refresh at a time in this tab, and one across tabs
 * (Web Locks): the gateway rotates the token, and a second tab presenting the already-rotated one would
 * look like token theft and end the whole session.
 */
export function refreshSession(): Promise<Session | null> {
  refreshing ??= (async () => {
    const run = async () => {
      const response = await send('/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ session: 'cookie', remember: localStorage.getItem(REMEMBER_KEY) === '1' }),
      });
      if (response.status === 401) {
        accessToken = null;
        return null;
      }
      if (!response.ok) throw await errorFrom(response);
      const session = (await response.json()) as Session;
      accessToken = session.accessToken;
      return session;
    };
    return navigator.locks ? navigator.locks.request('castline-refresh', run) : run();
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** Ends this session, or with `everywhere` every session of the user (other browsers and devices too). */
export async function logout(everywhere = false): Promise<void> {
  accessToken = null;
  await send('/auth/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ everywhere }) }).catch(() => undefined);
}

export function forgetSession(): void {
  accessToken = null;
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
}

async function authorized(path: string, options: RequestOptions, retried = false): Promise<Response> {
  const headers: Record<string, string> = {};
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) body = options.body;
  else if (options.body instanceof Blob) {
    // A file sent as it is (a backup archive): the browser streams it from disk.
    headers['content-type'] = 'application/octet-stream';
    body = options.body;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await send(path, { method: options.method ?? 'GET', headers, body, signal: options.signal });
  if (response.status !== 401) return response;
  if (!retried && (await refreshSession())) return authorized(path, options, true);
  notifySessionLost();
  return response;
}

/** A JSON API call with the session's token; renews the token once on 401. Throws ApiError when refused. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await authorized(path, options);
  if (!response.ok) throw await errorFrom(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A binary API call (thumbnails): the same session handling, the body as a Blob. */
export async function apiBlob(path: string, options: RequestOptions = {}): Promise<Blob> {
  const response = await authorized(path, options);
  if (!response.ok) throw await errorFrom(response);
  return response.blob();
}

/** A streamed API call (server-sent events, downloads): the same session handling, the Response to read. */
export async function apiResponse(path: string, options: RequestOptions = {}): Promise<Response> {
  const response = await authorized(path, options);
  if (!response.ok) throw await errorFrom(response);
  return response;
}

/** Turns any thrown value into one line an operator can act on. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const issues = Array.isArray(error.details) ? (error.details as Array<{ path?: unknown[]; message?: string }>) : [];
    const first = issues[0];
    if (first?.message) return `${error.message}: ${first.path?.length ? `${first.path.join('.')} ` : ''}${first.message}`;
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
