import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The SMS providers' own request signatures, with node:crypto only:
 * - Aliyun V3 `ACS3-HMAC-SHA256` (help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature);
 * - Tencent Cloud `TC3-HMAC-SHA256` (签名方法 v3, cloud.tencent.com/document/api/213/30654).
 * Both return every intermediate string so tests can check each step against the published examples,
 * and both have a verifier (the local test gateway uses them; a relay could too).
 */

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

function safeEqualHex(a: string, b: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(a) || !/^[0-9a-f]{64}$/.test(b)) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

/** RFC 3986 percent-encoding as Aliyun's V3 canonical query string wants it (space %20, `*` %2A, `~` kept). */
export function acsPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Query parameters sorted by name (byte order), each name and value encoded: `a=1&b=x%20y`. */
export function acsCanonicalQuery(query: Readonly<Record<string, string>>): string {
  return Object.keys(query)
    .sort()
    .map((k) => `${acsPercentEncode(k)}=${acsPercentEncode(query[k] as string)}`)
    .join('&');
}

export interface Acs3Input {
  method: string;
  /** Host as sent (`dysmsapi.aliyuncs.com`, or `host:port`). */
  host: string;
  /** Canonical URI; `/` for RPC-style APIs such as SendSms. */
  path?: string;
  query: Readonly<Record<string, string>>;
  action: string;
  version: string;
  body?: string;
  /** Extra headers to send and sign (e.g. content-type when there is a body). */
  headers?: Readonly<Record<string, string>>;
  accessKeyId: string;
  accessKeySecret: string;
  /** UTC, whole seconds: `x-acs-date` is `yyyy-MM-ddTHH:mm:ssZ`. */
  date: Date;
  /** `x-acs-signature-nonce`: fresh per request (replay protection). */
  nonce: string;
}

export interface SignedRequest {
  /** Headers to send (lower-case names), Authorization included. */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  authorization: string;
}

/** `2023-10-26T10:22:32Z`: ISO 8601 UTC without milliseconds, as x-acs-date requires. */
export function acsDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function canonicalHeaders(headers: Readonly<Record<string, string>>): { block: string; signed: string } {
  const names = Object.keys(headers).sort();
  return {
    block: names.map((n) => `${n}:${(headers[n] as string).trim()}\n`).join(''),
    signed: names.join(';'),
  };
}

/**
 * Aliyun V3: CanonicalRequest = method \n URI \n query \n headers \n signedHeaders \n hex(sha256(body));
 * StringToSign = "ACS3-HMAC-SHA256\n" + hex(sha256(CanonicalRequest));
 * Signature = hex(HMAC-SHA256(AccessKeySecret, StringToSign)). Signed: host, content-type and every x-acs-*.
 */
export function signAcs3(input: Acs3Input): SignedRequest {
  const body = input.body ?? '';
  const contentSha = sha256Hex(body);
  const toSign: Record<string, string> = {
    host: input.host,
    'x-acs-action': input.action,
    'x-acs-version': input.version,
    'x-acs-date': acsDate(input.date),
    'x-acs-signature-nonce': input.nonce,
    'x-acs-content-sha256': contentSha,
  };
  for (const [k, v] of Object.entries(input.headers ?? {})) toSign[k.toLowerCase()] = v;
  const { block, signed } = canonicalHeaders(toSign);
  const canonicalRequest = [
    input.method.toUpperCase(),
    input.path ?? '/',
    acsCanonicalQuery(input.query),
    block,
    signed,
    contentSha,
  ].join('\n');
  const stringToSign = `ACS3-HMAC-SHA256\n${sha256Hex(canonicalRequest)}`;
  const signature = createHmac('sha256', input.accessKeySecret).update(stringToSign).digest('hex');
  const authorization = `ACS3-HMAC-SHA256 Credential=${input.accessKeyId},SignedHeaders=${signed},Signature=${signature}`;
  return { headers: { ...toSign, authorization }, canonicalRequest, stringToSign, signature, authorization };
}

export interface Tc3Input {
  method?: string;
  host: string;
  path?: string;
  query?: string;
  /** The service of the credential scope (`sms`, `cvm`). */
  service: string;
  /** Unix seconds (X-TC-Timestamp); the scope date is its UTC date. */
  timestamp: number;
  /** Headers to sign besides host (content-type, and x-tc-action as Tencent now recommends). */
  signedHeaders: Readonly<Record<string, string>>;
  payload: string;
  secretId: string;
  secretKey: string;
}

/** The TC3 credential scope's date: the UTC date of the timestamp. */
export function tc3Date(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

/**
 * Tencent TC3: CanonicalRequest = method \n URI \n query \n headers \n signedHeaders \n hex(sha256(payload));
 * StringToSign = "TC3-HMAC-SHA256\n<timestamp>\n<date>/<service>/tc3_request\n" + hex(sha256(CanonicalRequest));
 * key = HMAC(HMAC(HMAC("TC3"+SecretKey, date), service), "tc3_request"); Signature = hex(HMAC(key, StringToSign)).
 */
export function signTc3(input: Tc3Input): SignedRequest {
  const toSign: Record<string, string> = { host: input.host };
  for (const [k, v] of Object.entries(input.signedHeaders)) toSign[k.toLowerCase()] = v;
  const lowerValues: Record<string, string> = {};
  // Tencent's canonical headers are lower-case names and lower-case values (its example: x-tc-action:describeinstances).
  for (const [k, v] of Object.entries(toSign)) lowerValues[k] = v.toLowerCase();
  const { block, signed } = canonicalHeaders(lowerValues);
  const canonicalRequest = [
    (input.method ?? 'POST').toUpperCase(),
    input.path ?? '/',
    input.query ?? '',
    block,
    signed,
    sha256Hex(input.payload),
  ].join('\n');
  const date = tc3Date(input.timestamp);
  const scope = `${date}/${input.service}/tc3_request`;
  const stringToSign = `TC3-HMAC-SHA256\n${input.timestamp}\n${scope}\n${sha256Hex(canonicalRequest)}`;
  const key = hmac(hmac(hmac(`TC3${input.secretKey}`, date), input.service), 'tc3_request');
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  const authorization = `TC3-HMAC-SHA256 Credential=${input.secretId}/${scope}, SignedHeaders=${signed}, Signature=${signature}`;
  return { headers: { ...toSign, authorization }, canonicalRequest, stringToSign, signature, authorization };
}

/** How far a signed request's time may be from the receiver's clock (both providers allow ±5 minutes for TC3; we use it for both). */
export const SIGNATURE_TOLERANCE_S = 300;

type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;
const header = (h: HeaderBag, name: string): string => {
  const v = h[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
};

export type VerifyResult = { ok: true; accessKeyId: string } | { ok: false; reason: string };

/**
 * Checks an ACS3-signed request as Aliyun would: recomputes the signature over the headers it names,
 * the query and the body's hash; refuses a stale x-acs-date or a body that does not match its hash.
 */
export function verifyAcs3(req: {
  method: string;
  path: string;
  query: Readonly<Record<string, string>>;
  headers: HeaderBag;
  body: string;
  secretFor: (accessKeyId: string) => string | undefined;
  now: number;
}): VerifyResult {
  const m = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/.exec(
    header(req.headers, 'authorization'),
  );
  if (!m) return { ok: false, reason: 'IncompleteSignature' };
  const [, keyId, signedList, given] = m as unknown as [string, string, string, string];
  const secret = req.secretFor(keyId);
  if (!secret) return { ok: false, reason: 'InvalidAccessKeyId.NotFound' };
  const signedNames = signedList.split(';');
  for (const need of [
    'host',
    'x-acs-action',
    'x-acs-version',
    'x-acs-date',
    'x-acs-signature-nonce',
    'x-acs-content-sha256',
  ])
    if (!signedNames.includes(need)) return { ok: false, reason: 'IncompleteSignature' };
  if (header(req.headers, 'x-acs-content-sha256') !== sha256Hex(req.body))
    return { ok: false, reason: 'SignatureDoesNotMatch' };
  const at = Date.parse(header(req.headers, 'x-acs-date'));
  if (!Number.isFinite(at) || Math.abs(req.now - at) > SIGNATURE_TOLERANCE_S * 1000)
    return { ok: false, reason: 'InvalidTimeStamp.Expired' };
  const block = signedNames.map((n) => `${n}:${header(req.headers, n).trim()}\n`).join('');
  const canonicalRequest = [
    req.method.toUpperCase(),
    req.path,
    acsCanonicalQuery(req.query),
    block,
    signedList,
    sha256Hex(req.body),
  ].join('\n');
  const expected = createHmac('sha256', secret)
    .update(`ACS3-HMAC-SHA256\n${sha256Hex(canonicalRequest)}`)
    .digest('hex');
  return safeEqualHex(expected, given)
    ? { ok: true, accessKeyId: keyId }
    : { ok: false, reason: 'SignatureDoesNotMatch' };
}

/** Checks a TC3-signed request as Tencent Cloud would (scope date, service, timestamp window, signature). */
export function verifyTc3(req: {
  method: string;
  path: string;
  query: string;
  headers: HeaderBag;
  body: string;
  service: string;
  secretFor: (secretId: string) => string | undefined;
  now: number;
}): VerifyResult {
  const m =
    /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      header(req.headers, 'authorization'),
    );
  if (!m) return { ok: false, reason: 'AuthFailure.SignatureFailure' };
  const [, secretId, date, service, signedList, given] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const secretKey = req.secretFor(secretId);
  if (!secretKey) return { ok: false, reason: 'AuthFailure.SecretIdNotFound' };
  const timestamp = Number(header(req.headers, 'x-tc-timestamp'));
  if (!Number.isInteger(timestamp) || Math.abs(req.now / 1000 - timestamp) > SIGNATURE_TOLERANCE_S)
    return { ok: false, reason: 'AuthFailure.SignatureExpire' };
  if (service !== req.service || date !== tc3Date(timestamp))
    return { ok: false, reason: 'AuthFailure.SignatureFailure' };
  const names = signedList.split(';');
  if (!names.includes('host') || !names.includes('content-type'))
    return { ok: false, reason: 'AuthFailure.SignatureFailure' };
  const signedHeaders: Record<string, string> = {};
  for (const n of names) if (n !== 'host') signedHeaders[n] = header(req.headers, n);
  const recomputed = signTc3({
    method: req.method,
    host: header(req.headers, 'host'),
    path: req.path,
    query: req.query,
    service,
    timestamp,
    signedHeaders,
    payload: req.body,
    secretId,
    secretKey,
  });
  return safeEqualHex(recomputed.signature, given)
    ? { ok: true, accessKeyId: secretId }
    : { ok: false, reason: 'AuthFailure.SignatureFailure' };
}
