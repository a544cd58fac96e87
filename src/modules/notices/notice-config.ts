import { readFileSync, statSync } from 'node:fs';
import { inspect } from 'node:util';
import { AppError } from '../../kernel/errors/app-error.js';

export interface SmtpConfig {
  host: string;
  port: number;
  from: string;
  secure: boolean;
  user?: string | undefined;
  pass?: string | undefined;
}

export interface SmsConfig {
  provider: 'aliyun' | 'tencent';
  /** The gateway endpoint (the provider's API, or a relay that signs for it). */
  endpoint: string;
  signName: string;
  /** Aliyun TemplateCode (SMS_…) or Tencent TemplateId of the 通知 and 验证码 templates. */
  noticeTemplate: string;
  noticeTemplateC: string;
  otpTemplate: string;
  /** Tencent SmsSdkAppId. */
  appId?: string | undefined;
  /**
   * `relay`: our own `x-custodian-signature` HMAC header, for a signing relay at `endpoint`;
   * `provider`: the provider's own signature (Aliyun ACS3-HMAC-SHA256, Tencent TC3-HMAC-SHA256).
   */
  signing: 'relay' | 'provider';
  /** Relay mode: secret of the request HMAC header (see sms-gateway.ts). */
  secret?: string | undefined;
  /** Provider mode: Aliyun AccessKey id/secret or Tencent SecretId/SecretKey (never logged). */
  credentials?: SmsCredentials | undefined;
  /** Tencent X-TC-Region (ap-guangzhou by default). */
  region?: string | undefined;
  /** Appended to non-通知 templates only (a 通知 must not carry “拒收请回复R”). */
  optOutSuffix: string;
}

export interface SmsCredentials {
  /** Aliyun AccessKey id / Tencent SecretId. */
  readonly accessKeyId: string;
  /** Aliyun AccessKey secret / Tencent SecretKey. */
  readonly accessKeySecret: string;
}

const REDACTED = '[redacted]';

/** Credentials whose secret stays out of JSON, console.log, util.inspect and pino (they print `[redacted]`). */
export function smsCredentials(accessKeyId: string, accessKeySecret: string): SmsCredentials {
  const shown = { accessKeyId, accessKeySecret: REDACTED };
  const creds = { accessKeyId } as SmsCredentials & Record<string | symbol, unknown>;
  Object.defineProperties(creds, {
    accessKeySecret: { value: accessKeySecret, enumerable: false },
    toJSON: { value: () => shown, enumerable: false },
    [inspect.custom]: { value: () => shown, enumerable: false },
  });
  return Object.freeze(creds);
}

/**
 * A secret from the environment, or from the file named by `<KEY>_FILE` (owner-only: refused when the
 * group or others may read it, like the root key file).
 */
export function secretFromEnv(env: Env, key: string): string | undefined {
  const direct = env[key];
  if (direct) return direct;
  const file = env[`${key}_FILE`];
  if (!file) return undefined;
  let mode: number;
  try {
    mode = statSync(file).mode & 0o777;
  } catch {
    throw new AppError('CONFIG_INVALID', { detail: `${key}_FILE: cannot read ${file}` });
  }
  if (mode & 0o077)
    throw new AppError('CONFIG_INVALID', {
      detail: `${key}_FILE ${file} is readable by others (${mode.toString(8)}); it must be mode 0600`,
    });
  const value = readFileSync(file, 'utf8').trim();
  if (!value) throw new AppError('CONFIG_INVALID', { detail: `${key}_FILE ${file} is empty` });
  return value;
}

export interface NoticeConfig {
  /** Public base URL of the portal links, e.g. https://custodian.example.cn. */
  publicUrl: string;
  smtp: SmtpConfig | null;
  sms: SmsConfig | null;
  /** Shared secret the receipt endpoints require in `x-custodian-receipt-secret`. */
  receiptSecret: string | null;
  /** Sends per second per provider. */
  ratePerSecond: number;
  maxAttempts: number;
  /** First retry delay; doubled per attempt, capped at one hour. */
  backoffMs: number;
  /** How long a claimed job may stay `sending` before it counts as interrupted. */
  leaseMs: number;
  /** Local send window in Asia/Shanghai, [startHour, endHour). */
  window: { startHour: number; endHour: number };
}

export const DEFAULT_NOTICE_CONFIG: NoticeConfig = {
  publicUrl: 'http://127.0.0.1:8080',
  smtp: null,
  sms: null,
  receiptSecret: null,
  ratePerSecond: 10,
  maxAttempts: 5,
  backoffMs: 60_000,
  leaseMs: 5 * 60_000,
  window: { startHour: 8, endHour: 21 },
};

type Env = Record<string, string | undefined>;

/** The providers' public API endpoints, used in provider mode when CUSTODIAN_SMS_ENDPOINT is unset. */
export const PROVIDER_ENDPOINTS = {
  aliyun: 'https://dysmsapi.aliyuncs.com/',
  tencent: 'https://sms.tencentcloudapi.com/',
} as const;

function num(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0)
    throw new AppError('CONFIG_INVALID', { detail: `${key} must be a number` });
  return n;
}

/** Reads `CUSTODIAN_NOTICE_*`, `CUSTODIAN_SMTP_*` and `CUSTODIAN_SMS_*`; validated at start. */
export function noticeConfigFromEnv(env: Env): NoticeConfig {
  const smtp: SmtpConfig | null = env.CUSTODIAN_SMTP_HOST
    ? {
        host: env.CUSTODIAN_SMTP_HOST,
        port: num(env, 'CUSTODIAN_SMTP_PORT', 25),
        from: env.CUSTODIAN_SMTP_FROM ?? 'custodian@localhost',
        secure: env.CUSTODIAN_SMTP_SECURE === 'true',
        user: env.CUSTODIAN_SMTP_USER,
        pass: env.CUSTODIAN_SMTP_PASS,
      }
    : null;
  let sms: SmsConfig | null = null;
  if (env.CUSTODIAN_SMS_PROVIDER) {
    const provider = env.CUSTODIAN_SMS_PROVIDER;
    if (provider !== 'aliyun' && provider !== 'tencent')
      throw new AppError('CONFIG_INVALID', { detail: 'CUSTODIAN_SMS_PROVIDER must be aliyun or tencent' });
    const signing = env.CUSTODIAN_SMS_SIGNING || 'relay';
    if (signing !== 'relay' && signing !== 'provider')
      throw new AppError('CONFIG_INVALID', { detail: 'CUSTODIAN_SMS_SIGNING must be relay or provider' });
    const endpoint =
      env.CUSTODIAN_SMS_ENDPOINT || (signing === 'provider' ? PROVIDER_ENDPOINTS[provider] : undefined);
    if (!endpoint)
      throw new AppError('CONFIG_INVALID', {
        detail: 'CUSTODIAN_SMS_ENDPOINT is required with CUSTODIAN_SMS_SIGNING=relay',
      });
    let secret: string | undefined;
    let credentials: SmsCredentials | undefined;
    if (signing === 'relay') {
      secret = secretFromEnv(env, 'CUSTODIAN_SMS_SECRET');
      if (!secret)
        throw new AppError('CONFIG_INVALID', {
          detail: 'CUSTODIAN_SMS_SECRET is required with CUSTODIAN_SMS_SIGNING=relay',
        });
    } else {
      const id = env.CUSTODIAN_SMS_ACCESS_KEY_ID;
      const key = secretFromEnv(env, 'CUSTODIAN_SMS_ACCESS_KEY_SECRET');
      if (!id || !key)
        throw new AppError('CONFIG_INVALID', {
          detail:
            'CUSTODIAN_SMS_ACCESS_KEY_ID and CUSTODIAN_SMS_ACCESS_KEY_SECRET (or _SECRET_FILE) are required with CUSTODIAN_SMS_SIGNING=provider',
        });
      credentials = smsCredentials(id, key);
    }
    sms = {
      provider,
      endpoint,
      signName: env.CUSTODIAN_SMS_SIGN_NAME ?? 'Custodian',
      noticeTemplate: env.CUSTODIAN_SMS_TEMPLATE_NOTICE ?? 'SMS_NOTICE',
      noticeTemplateC:
        env.CUSTODIAN_SMS_TEMPLATE_NOTICE_C ?? env.CUSTODIAN_SMS_TEMPLATE_NOTICE ?? 'SMS_NOTICE_C',
      otpTemplate: env.CUSTODIAN_SMS_TEMPLATE_OTP ?? 'SMS_OTP',
      appId: env.CUSTODIAN_SMS_APP_ID,
      signing,
      secret,
      credentials,
      region: env.CUSTODIAN_SMS_REGION || (provider === 'tencent' ? 'ap-guangzhou' : undefined),
      optOutSuffix: env.CUSTODIAN_SMS_OPT_OUT_SUFFIX ?? '拒收请回复R',
    };
  }
  const startHour = num(env, 'CUSTODIAN_NOTICE_WINDOW_START', 8);
  const endHour = num(env, 'CUSTODIAN_NOTICE_WINDOW_END', 21);
  if (startHour >= endHour || endHour > 24)
    throw new AppError('CONFIG_INVALID', { detail: 'notice send window must satisfy start < end <= 24' });
  return {
    publicUrl: (env.CUSTODIAN_PUBLIC_URL ?? DEFAULT_NOTICE_CONFIG.publicUrl).replace(/\/+$/, ''),
    smtp,
    sms,
    receiptSecret: env.CUSTODIAN_NOTICE_RECEIPT_SECRET || null,
    ratePerSecond: num(env, 'CUSTODIAN_NOTICE_RATE', 10) || 10,
    maxAttempts: num(env, 'CUSTODIAN_NOTICE_MAX_ATTEMPTS', 5) || 5,
    backoffMs: num(env, 'CUSTODIAN_NOTICE_BACKOFF_MS', 60_000),
    leaseMs: num(env, 'CUSTODIAN_NOTICE_LEASE_MS', 5 * 60_000) || 5 * 60_000,
    window: { startHour, endHour },
  };
}
