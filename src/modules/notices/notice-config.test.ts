import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { noticeConfigFromEnv } from './notice-config.js';

describe('SMS signing configuration', () => {
  it('defaults to relay signing, which needs an endpoint and CUSTODIAN_SMS_SECRET', () => {
    const c = noticeConfigFromEnv({
      CUSTODIAN_SMS_PROVIDER: 'aliyun',
      CUSTODIAN_SMS_ENDPOINT: 'https://relay.example.cn/sms',
      CUSTODIAN_SMS_SECRET: 'relay-secret',
    });
    expect(c.sms).toMatchObject({
      signing: 'relay',
      endpoint: 'https://relay.example.cn/sms',
      secret: 'relay-secret',
    });
    expect(c.sms?.credentials).toBeUndefined();
    expect(() =>
      noticeConfigFromEnv({ CUSTODIAN_SMS_PROVIDER: 'aliyun', CUSTODIAN_SMS_SECRET: 'x' }),
    ).toThrow();
  });

  it('provider signing takes the AccessKey / SecretId pair, defaults the endpoint and region, and hides the secret', () => {
    const env = {
      CUSTODIAN_SMS_PROVIDER: 'tencent',
      CUSTODIAN_SMS_SIGNING: 'provider',
      CUSTODIAN_SMS_ACCESS_KEY_ID: 'AKIDexample',
      CUSTODIAN_SMS_ACCESS_KEY_SECRET: 'tencent-secret-key',
    };
    const c = noticeConfigFromEnv(env);
    expect(c.sms).toMatchObject({
      signing: 'provider',
      endpoint: 'https://sms.tencentcloudapi.com/',
      region: 'ap-guangzhou',
    });
    expect(c.sms?.credentials?.accessKeyId).toBe('AKIDexample');
    expect(c.sms?.credentials?.accessKeySecret).toBe('tencent-secret-key');
    expect(JSON.stringify(c)).not.toContain('tencent-secret-key');
    expect(inspect(c, { depth: 10 })).not.toContain('tencent-secret-key');
    expect(
      noticeConfigFromEnv({ ...env, CUSTODIAN_SMS_PROVIDER: 'aliyun', CUSTODIAN_SMS_REGION: '' }).sms,
    ).toMatchObject({ endpoint: 'https://dysmsapi.aliyuncs.com/', region: undefined });
    expect(() => noticeConfigFromEnv({ ...env, CUSTODIAN_SMS_ACCESS_KEY_SECRET: '' })).toThrow(
      /CUSTODIAN_SMS_ACCESS_KEY_SECRET/,
    );
    expect(() => noticeConfigFromEnv({ ...env, CUSTODIAN_SMS_SIGNING: 'both' })).toThrow();
  });
});
