import { getLang } from './i18n';

/** An API failure: the server's error code (AppError catalogue) and its localised message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  /** The route does not exist on this server yet (another module still being built). */
  get notAvailable(): boolean {
    return this.code === 'NOT_AVAILABLE';
  }
}

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  mustChangePassword: boolean;
  totpEnrolled: boolean;
}

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request comes back 401 after sign-in (session expired). */
export function setUnauthenticatedHandler(fn: (() => void) | null): void {
  onUnauthenticated = fn;
}

const BASE = '/api/v1';

/**
 * Calls the API with the session cookie; state-changing calls carry the CSRF header. Identifiers go in
 * bodies only (search is a POST), so nothing personal lands in URLs or logs.
 */
export async function api<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  opts: { quiet401?: boolean } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': getLang() };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  } else if (method === 'POST') {
    headers['content-type'] = 'application/json';
    payload = '{}';
  }
  let res: Response;
  try {
    res = await fetch(BASE + path, { method, headers, body: payload, credentials: 'same-origin' });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', (err as Error).message);
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (res.ok) return json as T;
  throw errorOf(res, json, method, path, opts);
}

/** The ApiError of a failed response (its parsed JSON body), after the 401 hook. */
function errorOf(
  res: Response,
  json: unknown,
  method: string,
  path: string,
  opts: { quiet401?: boolean } = {},
): ApiError {
  const e = (
    json as {
      error?: { code?: string; message?: string; messageEn?: string; details?: { detail?: string } };
    } | null
  )?.error;
  // The server's not-found handler answers unknown routes with USAGE "Bad usage: no such route".
  if (
    res.status === 404 &&
    e?.code === 'USAGE' &&
    /no such route/.test(`${e.messageEn} ${e.details?.detail}`)
  ) {
    return new ApiError(404, 'NOT_AVAILABLE', `${method} ${BASE}${path}`);
  }
  if (res.status === 401 && !opts.quiet401) onUnauthenticated?.();
  return new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? res.statusText, e?.details);
}

/**
 * A call whose body or answer is not JSON (a file upload, an HTML or text page): sends `body` as is
 * with `headers` (plus the CSRF header on POST) and returns the response; a failure throws ApiError.
 */
export async function apiRaw(
  method: 'GET' | 'POST',
  path: string,
  body?: BodyInit,
  headers: Record<string, string> = {},
): Promise<Response> {
  const h: Record<string, string> = { 'accept-language': getLang(), ...headers };
  if (method !== 'GET' && csrfToken) h['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(BASE + path, { method, headers: h, body, credentials: 'same-origin' });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', (err as Error).message);
  }
  if (res.ok) return res;
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  throw errorOf(res, json, method, path);
}

export const get = <T>(path: string): Promise<T> => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown): Promise<T> => api<T>('POST', path, body);
export const patch = <T>(path: string, body?: unknown): Promise<T> => api<T>('PATCH', path, body);

/** Builds a query string from defined, non-empty values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

/** For endpoints that may answer with a file instead of JSON (exports): the raw response. */
export async function rawPost(path: string, body: unknown): Promise<Response> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'accept-language': getLang(),
  };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  return fetch(BASE + path, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
    credentials: 'same-origin',
  });
}
