import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type SmsConfig, secretFromEnv, smsCredentials } from '../notice-config.js';
import {
  type Acs3Input,
  acsCanonicalQuery,
  acsPercentEncode,
  signAcs3,
  signTc3,
  type Tc3Input,
  verifyAcs3,
  verifyTc3,
} from './provider-signing.js';
import { aliyunWire, tencentWire } from './sms-gateway.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * Aliyun's published V3 example: "V3版本请求体&签名机制", 签名示例 with fixed parameters (RunInstances on
 * ecs.cn-shanghai.aliyuncs.com, AccessKey YourAccessKeyId / YourAccessKeySecret),
 * https://help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature
 */
const ALIYUN_EXAMPLE: Acs3Input = {
  method: 'POST',
  host: 'ecs.cn-shanghai.aliyuncs.com',
  path: '/',
  query: { ImageId: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd', RegionId: 'cn-shanghai' },
  action: 'RunInstances',
  version: '2014-05-26',
  body: '',
  accessKeyId: 'YourAccessKeyId',
  accessKeySecret: 'YourAccessKeySecret',
  date: new Date('2023-10-26T10:22:32Z'),
  nonce: '3156853299f313e23d1673dc12e1703d',
};

describe('Aliyun ACS3-HMAC-SHA256', () => {
  it("reproduces Aliyun's published example step by step", () => {
    const s = signAcs3(ALIYUN_EXAMPLE);
    expect(s.canonicalRequest).toBe(
      [
        'POST',
        '/',
        'ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai',
        'host:ecs.cn-shanghai.aliyuncs.com',
        'x-acs-action:RunInstances',
        `x-acs-content-sha256:${EMPTY_SHA256}`,
        'x-acs-date:2023-10-26T10:22:32Z',
        'x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d',
        'x-acs-version:2014-05-26',
        '',
        'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version',
        EMPTY_SHA256,
      ].join('\n'),
    );
    expect(s.stringToSign).toBe(`ACS3-HMAC-SHA256\n${sha256(s.canonicalRequest)}`);
    expect(s.signature).toBe('06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0');
    expect(s.authorization).toBe(
      'ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;' +
        'x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0',
    );
    expect(s.headers['x-acs-date']).toBe('2023-10-26T10:22:32Z');
  });

  it('percent-encodes as RFC 3986 (space %20, * %2A, ~ kept) and sorts the query by name', () => {
    expect(acsPercentEncode("a b*c~d!'()")).toBe('a%20b%2Ac~d%21%27%28%29');
    expect(acsPercentEncode('{"name":"张三"}')).toBe('%7B%22name%22%3A%22%E5%BC%A0%E4%B8%89%22%7D');
    expect(acsCanonicalQuery({ b: '2', a: 'x y', OutId: '' })).toBe('OutId=&a=x%20y&b=2');
  });

  it('any change of body, query, header, time, nonce or secret changes the signature', () => {
    const base = signAcs3(ALIYUN_EXAMPLE).signature;
    const variants: Array<Partial<Acs3Input>> = [
      { body: '{}' },
      { query: { ...ALIYUN_EXAMPLE.query, RegionId: 'cn-hangzhou' } },
      { action: 'StopInstances' },
      { host: 'ecs.cn-hangzhou.aliyuncs.com' },
      { headers: { 'content-type': 'application/json' } },
      { date: new Date('2023-10-26T10:22:33Z') },
      { nonce: '3156853299f313e23d1673dc12e1703e' },
      { accessKeySecret: 'YourAccessKeySecreT' },
    ];
    const sigs = variants.map((v) => signAcs3({ ...ALIYUN_EXAMPLE, ...v }).signature);
    for (const s of sigs) expect(s).not.toBe(base);
    expect(new Set(sigs).size).toBe(sigs.length);
  });

  it('the verifier accepts the signed request and refuses a changed query, a stale date or a wrong key', () => {
    const s = signAcs3(ALIYUN_EXAMPLE);
    const req = {
      method: 'POST',
      path: '/',
      query: ALIYUN_EXAMPLE.query,
      headers: s.headers,
      body: '',
      secretFor: (id: string) => (id === 'YourAccessKeyId' ? 'YourAccessKeySecret' : undefined),
      now: ALIYUN_EXAMPLE.date.getTime() + 60_000,
    };
    expect(verifyAcs3(req)).toEqual({ ok: true, accessKeyId: 'YourAccessKeyId' });
    expect(verifyAcs3({ ...req, query: { ...req.query, RegionId: 'cn-beijing' } })).toMatchObject({
      ok: false,
    });
    expect(verifyAcs3({ ...req, body: 'x' })).toMatchObject({ ok: false });
    expect(verifyAcs3({ ...req, now: req.now + 10 * 60_000 })).toMatchObject({
      ok: false,
      reason: 'InvalidTimeStamp.Expired',
    });
    expect(verifyAcs3({ ...req, secretFor: () => 'other' })).toMatchObject({
      ok: false,
      reason: 'SignatureDoesNotMatch',
    });
  });
});

/**
 * Tencent Cloud's published TC3 example ("签名方法 v3" / "Signature v3": CVM DescribeInstances in
 * ap-guangzhou, timestamp 1551113065, SignedHeaders content-type;host, the payload below):
 * https://cloud.tencent.com/document/api/362/4208 and https://cloud.tencent.com/document/api/213/30654;
 * English edition e.g. https://www.tencentcloud.com/document/api/1150/49447. The English pages use
 * SecretKey Gu5t9xGARNpq86cd98joQYCN3EXAMPLE and give Signature 72e494ea…; the current Chinese pages mask
 * the key as Gu5t9xGARNpq86cd98joQYCN3******* and give 2230eefd…. Both are reproduced here.
 */
const TENCENT_PAYLOAD =
  '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
const TENCENT_EXAMPLE: Tc3Input = {
  method: 'POST',
  host: 'cvm.tencentcloudapi.com',
  path: '/',
  query: '',
  service: 'cvm',
  timestamp: 1551113065,
  signedHeaders: { 'content-type': 'application/json; charset=utf-8' },
  payload: TENCENT_PAYLOAD,
  secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
  secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
};

describe('Tencent Cloud TC3-HMAC-SHA256', () => {
  it("reproduces Tencent Cloud's published example step by step", () => {
    const s = signTc3(TENCENT_EXAMPLE);
    expect(sha256(TENCENT_PAYLOAD)).toBe('35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
    expect(s.canonicalRequest).toBe(
      [
        'POST',
        '/',
        '',
        'content-type:application/json; charset=utf-8',
        'host:cvm.tencentcloudapi.com',
        '',
        'content-type;host',
        '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
      ].join('\n'),
    );
    expect(s.stringToSign).toBe(
      'TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n' +
        '5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031',
    );
    expect(s.signature).toBe('72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168');
    expect(s.authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, ' +
        'SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    );
    expect(signTc3({ ...TENCENT_EXAMPLE, secretKey: 'Gu5t9xGARNpq86cd98joQYCN3*******' }).signature).toBe(
      '2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c',
    );
  });

  it('lower-cases signed header values (x-tc-action:sendsms) and dates the scope in UTC', () => {
    const s = signTc3({
      ...TENCENT_EXAMPLE,
      signedHeaders: { 'Content-Type': 'application/json; charset=utf-8', 'X-TC-Action': 'SendSms' },
      timestamp: Date.UTC(2026, 10, 23, 23, 59, 59) / 1000, // 07:59 on the 24th in Shanghai: scope date is the 23rd
    });
    expect(s.canonicalRequest).toContain('\nx-tc-action:sendsms\n\ncontent-type;host;x-tc-action\n');
    expect(s.stringToSign.split('\n')[2]).toBe('2026-11-23/cvm/tc3_request');
  });

  it('any change of body, header, time or secret changes the signature', () => {
    const base = signTc3(TENCENT_EXAMPLE).signature;
    const variants: Array<Partial<Tc3Input>> = [
      { payload: TENCENT_PAYLOAD.replace('1', '2') },
      { signedHeaders: { 'content-type': 'application/json' } },
      { signedHeaders: { ...TENCENT_EXAMPLE.signedHeaders, 'x-tc-action': 'DescribeInstances' } },
      { host: 'sms.tencentcloudapi.com' },
      { timestamp: 1551113066 },
      { service: 'sms' },
      { secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLF' },
    ];
    const sigs = variants.map((v) => signTc3({ ...TENCENT_EXAMPLE, ...v }).signature);
    for (const s of sigs) expect(s).not.toBe(base);
    expect(new Set(sigs).size).toBe(sigs.length);
  });

  it('the verifier accepts the signed request and refuses a changed body, an expired timestamp or a wrong key', () => {
    const s = signTc3(TENCENT_EXAMPLE);
    const req = {
      method: 'POST',
      path: '/',
      query: '',
      headers: { ...s.headers, 'x-tc-timestamp': '1551113065' },
      body: TENCENT_PAYLOAD,
      service: 'cvm',
      secretFor: (id: string) => (id === TENCENT_EXAMPLE.secretId ? TENCENT_EXAMPLE.secretKey : undefined),
      now: 1551113065_000 + 30_000,
    };
    expect(verifyTc3(req)).toEqual({ ok: true, accessKeyId: TENCENT_EXAMPLE.secretId });
    expect(verifyTc3({ ...req, body: TENCENT_PAYLOAD.replace('1', '2') })).toMatchObject({ ok: false });
    expect(verifyTc3({ ...req, now: req.now + 10 * 60_000 })).toMatchObject({
      ok: false,
      reason: 'AuthFailure.SignatureExpire',
    });
    expect(verifyTc3({ ...req, secretFor: () => 'other' })).toMatchObject({
      ok: false,
      reason: 'AuthFailure.SignatureFailure',
    });
  });
});

describe('SendSms requests in provider mode', () => {
  const cfg = (provider: 'aliyun' | 'tencent'): SmsConfig => ({
    provider,
    endpoint: provider === 'aliyun' ? 'https://dysmsapi.aliyuncs.com/' : 'https://sms.tencentcloudapi.com/',
    signName: '示例商贸',
    noticeTemplate: 'SMS_1',
    noticeTemplateC: 'SMS_2',
    otpTemplate: 'SMS_3',
    appId: '1400000001',
    signing: 'provider',
    credentials: smsCredentials('AKID-test', 'secret-test'),
    region: 'ap-beijing',
    optOutSuffix: '',
  });
  const at = Date.UTC(2026, 10, 24, 2, 0, 0, 123);

  it('Aliyun: SendSms 2017-05-25 in the query, empty body, ACS3 over host and x-acs-*', () => {
    const params = { PhoneNumbers: '13912345000', SignName: '示例商贸', TemplateCode: 'SMS_1', OutId: 'd1' };
    const w = aliyunWire(cfg('aliyun'), params, at, 'a'.repeat(32));
    expect(w.body).toBe('');
    expect(w.url).toBe(`https://dysmsapi.aliyuncs.com/?${acsCanonicalQuery(params)}`);
    expect(w.headers).toMatchObject({
      'x-acs-action': 'SendSms',
      'x-acs-version': '2017-05-25',
      'x-acs-date': '2026-11-24T02:00:00Z',
      'x-acs-signature-nonce': 'a'.repeat(32),
      'x-acs-content-sha256': EMPTY_SHA256,
    });
    expect(w.headers.host).toBeUndefined(); // fetch sends the URL's host, which is what was signed
    const expected = signAcs3({
      method: 'POST',
      host: 'dysmsapi.aliyuncs.com',
      query: params,
      action: 'SendSms',
      version: '2017-05-25',
      accessKeyId: 'AKID-test',
      accessKeySecret: 'secret-test',
      date: new Date('2026-11-24T02:00:00Z'),
      nonce: 'a'.repeat(32),
    });
    expect(w.headers.authorization).toBe(expected.authorization);
    const v = verifyAcs3({
      method: 'POST',
      path: '/',
      query: params,
      headers: { ...w.headers, host: 'dysmsapi.aliyuncs.com' },
      body: '',
      secretFor: () => 'secret-test',
      now: at,
    });
    expect(v.ok).toBe(true);
    // A fresh nonce per request by default.
    expect(aliyunWire(cfg('aliyun'), params, at).headers['x-acs-signature-nonce']).not.toBe(
      aliyunWire(cfg('aliyun'), params, at).headers['x-acs-signature-nonce'],
    );
  });

  it('Tencent: SendSms 2021-01-11, service sms, X-TC-Timestamp/Region, TC3 over content-type;host;x-tc-action', () => {
    const body = JSON.stringify({ PhoneNumberSet: ['+8613912345000'], SmsSdkAppId: '1400000001' });
    const w = tencentWire(cfg('tencent'), body, at);
    expect(w.body).toBe(body);
    expect(w.headers).toMatchObject({
      'x-tc-action': 'SendSms',
      'x-tc-version': '2021-01-11',
      'x-tc-timestamp': String(Math.floor(at / 1000)),
      'x-tc-region': 'ap-beijing',
      'content-type': 'application/json; charset=utf-8',
    });
    expect(w.headers.authorization).toMatch(
      /^TC3-HMAC-SHA256 Credential=AKID-test\/2026-11-24\/sms\/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=[0-9a-f]{64}$/,
    );
    const v = verifyTc3({
      method: 'POST',
      path: '/',
      query: '',
      headers: { ...w.headers, host: 'sms.tencentcloudapi.com' },
      body,
      service: 'sms',
      secretFor: () => 'secret-test',
      now: at,
    });
    expect(v.ok).toBe(true);
  });
});

describe('provider credentials', () => {
  it('never print their secret (JSON, util.inspect, spread)', () => {
    const c = smsCredentials('LTAI-id', 'very-secret-value');
    expect(c.accessKeySecret).toBe('very-secret-value');
    expect(JSON.stringify({ sms: { credentials: c } })).not.toContain('very-secret-value');
    expect(inspect({ c }, { depth: 5 })).not.toContain('very-secret-value');
    expect(JSON.stringify({ ...c })).not.toContain('very-secret-value');
  });

  it('come from the environment or an owner-only file (_FILE), refused when others may read it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'custodian-sms-'));
    try {
      const file = join(dir, 'ak.secret');
      writeFileSync(file, 'from-file\n', { mode: 0o600 });
      expect(secretFromEnv({ K: 'direct' }, 'K')).toBe('direct');
      expect(secretFromEnv({ K_FILE: file }, 'K')).toBe('from-file');
      expect(secretFromEnv({}, 'K')).toBeUndefined();
      chmodSync(file, 0o644);
      expect(() => secretFromEnv({ K_FILE: file }, 'K')).toThrow(/0600/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
