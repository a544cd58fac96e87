import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SmsConfig, SmsCredentials } from '../notice-config.js';
import type { SmsMessage } from '../notice-templates.js';
import type { SendOutcome } from './outcome.js';
import { acsCanonicalQuery, signAcs3, signTc3 } from './provider-signing.js';

/**
 * The SMS port and its two provider shapes (CN-USER-CONVENTIONS §3.2):
 * - Aliyun `SendSms` (dysmsapi 2017-05-25): PhoneNumbers, SignName, TemplateCode, TemplateParam (JSON,
 *   named `${x}`), OutId; result `Code: "OK"`, BizId, RequestId.
 * - Tencent `SendSms` (2021-01-11): PhoneNumberSet (E.164), SmsSdkAppId, SignName, TemplateId,
 *   TemplateParamSet (positional `{1}`), SessionContext; result `Response.SendStatusSet[]`.
 *
 * Two signing modes (`SmsConfig.signing`):
 * - `relay`: JSON POSTs to the configured endpoint with our own signature header,
 *   `x-custodian-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, which a signing
 *   relay (or the test gateway) checks.
 * - `provider`: the provider's own request, signed as it documents (provider-signing.ts). Aliyun: POST `/`
 *   with the SendSms parameters in the query (as Aliyun's SDK sends an RPC call), empty body,
 *   `x-acs-action: SendSms`, `x-acs-version: 2017-05-25`, ACS3-HMAC-SHA256. Tencent: POST `/` with the
 *   JSON body, `X-TC-Action: SendSms`, `X-TC-Version: 2021-01-11`, `X-TC-Timestamp`, `X-TC-Region`,
 *   TC3-HMAC-SHA256 over content-type, host and x-tc-action, service `sms`.
 */
export interface SmsRequest {
  /** The mobile as the vault stores it: a mainland number's 11 digits, any other in E.164 (+852…). */
  to: string;
  message: SmsMessage;
  /** Our delivery id: Aliyun OutId / Tencent SessionContext, echoed in receipts. */
  ref: string;
}

export interface SmsGateway {
  readonly provider: 'aliyun' | 'tencent';
  send(req: SmsRequest): Promise<SendOutcome>;
}

export const SIGNATURE_HEADER = 'x-custodian-signature';

export function signBody(secret: string, body: string, at: number): string {
  const t = Math.floor(at / 1000);
  const mac = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${mac}`;
}

/** Checks a signature header (5-minute tolerance); used by the test gateway and by relays. */
export function verifySignature(secret: string, body: string, header: string, now: number): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  const t = Number(m[1]);
  if (Math.abs(now / 1000 - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2] as string, 'hex'));
}

function templateRef(cfg: SmsConfig, msg: SmsMessage): string {
  if (msg.template === 'otp') return cfg.otpTemplate;
  return msg.template === 'noticeC' ? cfg.noticeTemplateC : cfg.noticeTemplate;
}

interface Wire {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** Relay mode: the JSON body and our HMAC header. */
function relayWire(cfg: SmsConfig, body: string, headers: Record<string, string>, at: number): Wire {
  return {
    url: cfg.endpoint,
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      [SIGNATURE_HEADER]: signBody(cfg.secret ?? '', body, at),
      ...headers,
    },
  };
}

function credentialsOf(cfg: SmsConfig): SmsCredentials {
  if (!cfg.credentials)
    throw new Error('SMS provider signing needs credentials (CUSTODIAN_SMS_ACCESS_KEY_ID/_SECRET)');
  return cfg.credentials;
}

/** Aliyun SendSms as an ACS3-signed RPC call: parameters in the query, empty body. */
export function aliyunWire(
  cfg: SmsConfig,
  params: Record<string, string>,
  at: number,
  nonce: string = randomBytes(16).toString('hex'),
): Wire {
  const creds = credentialsOf(cfg);
  const url = new URL(cfg.endpoint);
  const signed = signAcs3({
    method: 'POST',
    host: url.host,
    path: url.pathname || '/',
    query: params,
    action: 'SendSms',
    version: '2017-05-25',
    accessKeyId: creds.accessKeyId,
    accessKeySecret: creds.accessKeySecret,
    date: new Date(Math.floor(at / 1000) * 1000),
    nonce,
  });
  // Host is set by fetch from the URL (the same value we signed).
  const { host: _host, ...headers } = signed.headers;
  return { url: `${url.origin}${url.pathname || '/'}?${acsCanonicalQuery(params)}`, body: '', headers };
}

/** Tencent SendSms as a TC3-signed JSON POST (service `sms`). */
export function tencentWire(cfg: SmsConfig, body: string, at: number): Wire {
  const creds = credentialsOf(cfg);
  const url = new URL(cfg.endpoint);
  const timestamp = Math.floor(at / 1000);
  const contentType = 'application/json; charset=utf-8';
  const signed = signTc3({
    method: 'POST',
    host: url.host,
    path: url.pathname || '/',
    service: 'sms',
    timestamp,
    signedHeaders: { 'content-type': contentType, 'x-tc-action': 'SendSms' },
    payload: body,
    secretId: creds.accessKeyId,
    secretKey: creds.accessKeySecret,
  });
  return {
    url: cfg.endpoint,
    body,
    headers: {
      authorization: signed.authorization,
      'content-type': contentType,
      'x-tc-action': 'SendSms',
      'x-tc-version': '2021-01-11',
      'x-tc-timestamp': String(timestamp),
      'x-tc-region': cfg.region ?? 'ap-guangzhou',
    },
  };
}

async function post(wire: Wire): Promise<{ status: number; json: unknown } | { network: string }> {
  try {
    const res = await fetch(wire.url, {
      method: 'POST',
      headers: wire.headers,
      body: wire.body,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: res.status, json };
  } catch (err) {
    return { network: (err as { name?: string }).name === 'TimeoutError' ? 'TIMEOUT' : 'NETWORK' };
  }
}

function httpFailure(r: { status: number } | { network: string }): SendOutcome | null {
  if ('network' in r) return { ok: false, retryable: true, errorCode: `SMS_${r.network}` };
  if (r.status >= 500 || r.status === 429)
    return { ok: false, retryable: true, errorCode: `SMS_HTTP_${r.status}` };
  return null;
}

const ALIYUN_RETRYABLE = /^(isp\.|isv\.BUSINESS_LIMIT_CONTROL|Throttling|ServiceUnavailable)/;

export function createAliyunGateway(cfg: SmsConfig, now: () => number = Date.now): SmsGateway {
  return {
    provider: 'aliyun',
    async send(req) {
      const params = {
        // Aliyun takes a number outside the mainland as its code and digits, without the +.
        PhoneNumbers: req.to.replace(/^\+/, ''),
        SignName: cfg.signName,
        TemplateCode: templateRef(cfg, req.message),
        TemplateParam: JSON.stringify(Object.fromEntries(req.message.params)),
        OutId: req.ref,
      };
      const wire =
        cfg.signing === 'provider'
          ? aliyunWire(cfg, params, now())
          : relayWire(
              cfg,
              JSON.stringify({ Action: 'SendSms', Version: '2017-05-25', ...params }),
              {},
              now(),
            );
      const r = await post(wire);
      const failed = httpFailure(r);
      if (failed) return failed;
      const j = ('json' in r ? r.json : null) as { Code?: string; BizId?: string } | null;
      if (j?.Code === 'OK' && j.BizId) return { ok: true, providerRef: j.BizId };
      const code = j?.Code ?? `HTTP_${'status' in r ? r.status : 0}`;
      return { ok: false, retryable: ALIYUN_RETRYABLE.test(code), errorCode: `ALIYUN_${code}` };
    },
  };
}

const TENCENT_RETRYABLE = /^(InternalError|LimitExceeded|RequestLimitExceeded)/;

export function createTencentGateway(cfg: SmsConfig, now: () => number = Date.now): SmsGateway {
  return {
    provider: 'tencent',
    async send(req) {
      const body = JSON.stringify({
        PhoneNumberSet: [req.to.startsWith('+') ? req.to : `+86${req.to}`],
        SmsSdkAppId: cfg.appId ?? '',
        SignName: cfg.signName,
        TemplateId: templateRef(cfg, req.message),
        TemplateParamSet: req.message.params.map(([, v]) => v),
        SessionContext: req.ref,
      });
      const wire =
        cfg.signing === 'provider'
          ? tencentWire(cfg, body, now())
          : relayWire(cfg, body, { 'X-TC-Action': 'SendSms', 'X-TC-Version': '2021-01-11' }, now());
      const r = await post(wire);
      const failed = httpFailure(r);
      if (failed) return failed;
      const j = ('json' in r ? r.json : null) as {
        Response?: {
          Error?: { Code?: string };
          SendStatusSet?: Array<{ SerialNo?: string; Code?: string }>;
        };
      } | null;
      const err = j?.Response?.Error?.Code;
      if (err) return { ok: false, retryable: TENCENT_RETRYABLE.test(err), errorCode: `TENCENT_${err}` };
      const st = j?.Response?.SendStatusSet?.[0];
      if (st?.Code === 'Ok' && st.SerialNo) return { ok: true, providerRef: st.SerialNo };
      const code = st?.Code ?? 'NO_STATUS';
      return { ok: false, retryable: TENCENT_RETRYABLE.test(code), errorCode: `TENCENT_${code}` };
    },
  };
}

export function createSmsGateway(cfg: SmsConfig, now: () => number = Date.now): SmsGateway {
  return cfg.provider === 'aliyun' ? createAliyunGateway(cfg, now) : createTencentGateway(cfg, now);
}
