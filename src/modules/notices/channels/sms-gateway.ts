import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SmsConfig } from '../notice-config.js';
import type { SmsMessage } from '../notice-templates.js';
import type { SendOutcome } from './outcome.js';

/**
 * The SMS port and its two provider shapes (CN-USER-CONVENTIONS §3.2):
 * - Aliyun `SendSms` (dysmsapi 2017-05-25): PhoneNumbers, SignName, TemplateCode, TemplateParam (JSON,
 *   named `${x}`), OutId; result `Code: "OK"`, BizId, RequestId.
 * - Tencent `SendSms` (2021-01-11): PhoneNumberSet (E.164), SmsSdkAppId, SignName, TemplateId,
 *   TemplateParamSet (positional `{1}`), SessionContext; result `Response.SendStatusSet[]`.
 *
 * Requests are JSON POSTs to the configured endpoint and carry our own signature header,
 * `x-custodian-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, which a signing
 * relay (or the test gateway) checks. The providers' own request signing (Aliyun ACS3-HMAC-SHA256,
 * Tencent TC3-HMAC-SHA256) is a later step.
 */
export interface SmsRequest {
  /** Mainland mobile, 11 digits (normalised as the vault stores it). */
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

async function post(
  cfg: SmsConfig,
  body: string,
  headers: Record<string, string>,
  now: () => number,
): Promise<{ status: number; json: unknown } | { network: string }> {
  try {
    const res = await fetch(cfg.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        [SIGNATURE_HEADER]: signBody(cfg.secret, body, now()),
        ...headers,
      },
      body,
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
      const body = JSON.stringify({
        Action: 'SendSms',
        Version: '2017-05-25',
        PhoneNumbers: req.to,
        SignName: cfg.signName,
        TemplateCode: templateRef(cfg, req.message),
        TemplateParam: JSON.stringify(Object.fromEntries(req.message.params)),
        OutId: req.ref,
      });
      const r = await post(cfg, body, {}, now);
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
        PhoneNumberSet: [`+86${req.to}`],
        SmsSdkAppId: cfg.appId ?? '',
        SignName: cfg.signName,
        TemplateId: templateRef(cfg, req.message),
        TemplateParamSet: req.message.params.map(([, v]) => v),
        SessionContext: req.ref,
      });
      const r = await post(cfg, body, { 'X-TC-Action': 'SendSms', 'X-TC-Version': '2021-01-11' }, now);
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
