import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Clock } from '../../src/kernel/time/clock.js';
import { verifyAcs3, verifyTc3 } from '../../src/modules/notices/channels/provider-signing.js';
import { verifySignature } from '../../src/modules/notices/channels/sms-gateway.js';
import { type NoticesModule, wireNotices } from '../../src/modules/notices/index.js';
import {
  DEFAULT_NOTICE_CONFIG,
  type NoticeConfig,
  smsCredentials,
} from '../../src/modules/notices/notice-config.js';
import type { AppFixture } from '../support/app-fixture.js';
import { tomorrowInSendWindow } from '../support/dates.js';

export interface ReceivedMail {
  to: string[];
  raw: string;
}

/** A real SMTP server (smtp-server) on 127.0.0.1: collects messages; can refuse the next N with 451. */
export async function startSmtp(): Promise<{
  port: number;
  mails: ReceivedMail[];
  failNext(n: number): void;
  /** Holds each message this long before accepting it (to land a kill mid-campaign). */
  setDelay(ms: number): void;
  stop(): Promise<void>;
}> {
  const mails: ReceivedMail[] = [];
  let failures = 0;
  let delay = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        if (failures > 0) {
          failures -= 1;
          const err = new Error('try again later') as Error & { responseCode: number };
          err.responseCode = 451;
          callback(err);
          return;
        }
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    mails,
    failNext(n) {
      failures = n;
    },
    setDelay(ms) {
      delay = ms;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Decodes a MIME message enough to read its text: quoted-printable and base64 parts. */
export function mailText(raw: string): string {
  const parts: string[] = [raw];
  const re =
    /Content-Transfer-Encoding: (base64|quoted-printable)\r?\n(?:[^\r\n]+\r?\n)*\r?\n([\s\S]*?)(?=\r?\n--|$)/gi;
  for (const m of raw.matchAll(re)) {
    const body = m[2] ?? '';
    if ((m[1] ?? '').toLowerCase() === 'base64')
      parts.push(Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8'));
    else
      parts.push(
        Buffer.from(
          body
            .replace(/=\r?\n/g, '')
            .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
      );
  }
  return parts.join('\n');
}

export interface GatewayRequest {
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

/** Provider credentials the test gateway accepts (AccessKey id/secret, or SecretId/SecretKey). */
export const GATEWAY_KEY_ID = 'LTAI5tCustodianTestKey';

/**
 * A local HTTP server playing an SMS gateway (Aliyun or Tencent request and response shapes); can answer
 * 503 to the next N requests. `relay` checks our HMAC header with `secret`; `provider` checks the
 * provider's own signature as the provider would (Aliyun ACS3: query parameters, x-acs-* headers, body
 * hash, date within 5 minutes, nonce used once; Tencent TC3: scope, X-TC-Timestamp, signed headers) with
 * `secret` as the AccessKey secret / SecretKey of GATEWAY_KEY_ID, and answers a bad one the way the
 * provider does. `requests[].body` holds the SendSms parameters as the provider reads them (for Aliyun in
 * provider mode: the query plus Action/Version from x-acs-action/x-acs-version).
 */
export async function startGateway(
  provider: 'aliyun' | 'tencent',
  secret: string,
  signing: 'relay' | 'provider' = 'relay',
): Promise<{
  url: string;
  requests: GatewayRequest[];
  refused: Array<{ code: string }>;
  fail5xx(n: number): void;
  stop(): Promise<void>;
}> {
  const requests: GatewayRequest[] = [];
  const refused: Array<{ code: string }> = [];
  const nonces = new Set<string>();
  let failures = 0;
  let seq = 0;
  const secretFor = (id: string) => (id === GATEWAY_KEY_ID ? secret : undefined);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://gateway.invalid');
      res.setHeader('content-type', 'application/json');
      const refuse = (code: string) => {
        refused.push({ code });
        if (provider === 'tencent') {
          // Tencent answers API errors with HTTP 200 and Response.Error.
          res.end(JSON.stringify({ Response: { Error: { Code: code, Message: code }, RequestId: 'req-x' } }));
        } else {
          res.statusCode = 400;
          res.end(JSON.stringify({ Code: code, Message: code, RequestId: 'req-x' }));
        }
      };
      let body: Record<string, unknown>;
      if (signing === 'relay') {
        const sig = String(req.headers['x-custodian-signature'] ?? '');
        if (!verifySignature(secret, raw, sig, Date.now())) {
          res.statusCode = 403;
          refused.push({ code: 'SignatureDoesNotMatch' });
          res.end(JSON.stringify({ Code: 'SignatureDoesNotMatch' }));
          return;
        }
        body = JSON.parse(raw) as Record<string, unknown>;
      } else if (provider === 'aliyun') {
        const query = Object.fromEntries(url.searchParams);
        const v = verifyAcs3({
          method: req.method ?? 'POST',
          path: url.pathname,
          query,
          headers: req.headers,
          body: raw,
          secretFor,
          now: Date.now(),
        });
        if (!v.ok) return refuse(v.reason);
        const nonce = String(req.headers['x-acs-signature-nonce']);
        if (nonces.has(nonce)) return refuse('SignatureNonceUsed');
        nonces.add(nonce);
        if (req.headers['x-acs-action'] !== 'SendSms' || req.headers['x-acs-version'] !== '2017-05-25')
          return refuse('InvalidAction.NotFound');
        body = { Action: req.headers['x-acs-action'], Version: req.headers['x-acs-version'], ...query };
      } else {
        const v = verifyTc3({
          method: req.method ?? 'POST',
          path: url.pathname,
          query: url.search.slice(1),
          headers: req.headers,
          body: raw,
          service: 'sms',
          secretFor,
          now: Date.now(),
        });
        if (!v.ok) return refuse(v.reason);
        if (req.headers['x-tc-action'] !== 'SendSms' || req.headers['x-tc-version'] !== '2021-01-11')
          return refuse('InvalidAction');
        if (!req.headers['x-tc-region']) return refuse('MissingParameter');
        body = JSON.parse(raw) as Record<string, unknown>;
      }
      if (failures > 0) {
        failures -= 1;
        res.statusCode = 503;
        res.end('{}');
        return;
      }
      requests.push({ headers: req.headers, body });
      seq += 1;
      if (provider === 'aliyun')
        res.end(JSON.stringify({ Code: 'OK', Message: 'OK', BizId: `biz-${seq}`, RequestId: `req-${seq}` }));
      else
        res.end(
          JSON.stringify({
            Response: {
              SendStatusSet: [
                {
                  SerialNo: `sid-${seq}`,
                  PhoneNumber: (body.PhoneNumberSet as string[])[0],
                  Fee: 1,
                  Code: 'Ok',
                  Message: 'send success',
                  IsoCode: 'CN',
                },
              ],
              RequestId: `req-${seq}`,
            },
          }),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    refused,
    fail5xx(n) {
      failures = n;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function smtpConfig(port: number, extra: Partial<NoticeConfig> = {}): NoticeConfig {
  return {
    ...DEFAULT_NOTICE_CONFIG,
    publicUrl: 'http://127.0.0.1:8080',
    smtp: { host: '127.0.0.1', port, from: 'notice@seller.example.cn', secure: false },
    ratePerSecond: 1000,
    backoffMs: 60_000,
    ...extra,
  };
}

export function smsConfig(
  provider: 'aliyun' | 'tencent',
  url: string,
  secret: string,
  signing: 'relay' | 'provider' = 'relay',
): NoticeConfig['sms'] {
  return {
    provider,
    signing,
    ...(signing === 'provider'
      ? { credentials: smsCredentials(GATEWAY_KEY_ID, secret), region: 'ap-guangzhou' }
      : { secret }),
    endpoint: url,
    signName: '示例商贸',
    noticeTemplate: provider === 'aliyun' ? 'SMS_100001' : '100001',
    noticeTemplateC: provider === 'aliyun' ? 'SMS_100002' : '100002',
    otpTemplate: provider === 'aliyun' ? 'SMS_100003' : '100003',
    appId: '1400000001',
    optOutSuffix: '拒收请回复R',
  };
}

/** A notices module over the fixture's store with its own clock and config (as `serve` wires one). */
export function noticesFor(
  f: AppFixture,
  clock: Clock,
  config: NoticeConfig,
  extra: Partial<Parameters<typeof wireNotices>[0]> = {},
): NoticesModule {
  const k = f.app.kernel;
  return wireNotices({
    store: k.store,
    audit: k.audit,
    clock,
    orgId: k.orgId,
    keys: k.keys,
    logger: k.logger,
    consent: f.app.consent,
    config,
    ...extra,
  });
}

/** Customers with a name, a mobile (`mobiles[i]` where given) and an e-mail (all L3, sealed in the vault). */
export async function seedCustomers(
  f: AppFixture,
  n: number,
  offset = 0,
  mobiles: readonly string[] = [],
): Promise<Array<{ id: string; mobile: string; email: string }>> {
  const out: Array<{ id: string; mobile: string; email: string }> = [];
  for (let i = 0; i < n; i += 1) {
    const mobile = mobiles[i] ?? `1391234${String(5000 + offset + i).padStart(4, '0')}`;
    const email = `kehu${offset + i}@example.cn`;
    const id = await f.app.customers.create(f.actor, {
      kind: 'individual',
      purposes: ['sales'],
      fields: { name: `客户${offset + i}号`, mobile, email },
    });
    out.push({ id, mobile, email });
  }
  return out;
}

/** 10:00 in Shanghai tomorrow: inside the send window (see tomorrowInSendWindow). */
export const IN_WINDOW = tomorrowInSendWindow();
/** 52 days after IN_WINDOW: a 30-day notice period fits before it. */
export const PLANNED = new Date(IN_WINDOW.getTime() + 52 * 86_400_000).toISOString().slice(0, 10);
