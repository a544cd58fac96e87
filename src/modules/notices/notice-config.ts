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
  /** Secret for the documented request HMAC header (see sms-gateway.ts). */
  secret: string;
  /** Appended to non-通知 templates only (a 通知 must not carry “拒收请回复R”). */
  optOutSuffix: string;
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
    if (!env.CUSTODIAN_SMS_ENDPOINT || !env.CUSTODIAN_SMS_SECRET)
      throw new AppError('CONFIG_INVALID', {
        detail: 'CUSTODIAN_SMS_ENDPOINT and CUSTODIAN_SMS_SECRET are required with CUSTODIAN_SMS_PROVIDER',
      });
    sms = {
      provider,
      endpoint: env.CUSTODIAN_SMS_ENDPOINT,
      signName: env.CUSTODIAN_SMS_SIGN_NAME ?? 'Custodian',
      noticeTemplate: env.CUSTODIAN_SMS_TEMPLATE_NOTICE ?? 'SMS_NOTICE',
      noticeTemplateC:
        env.CUSTODIAN_SMS_TEMPLATE_NOTICE_C ?? env.CUSTODIAN_SMS_TEMPLATE_NOTICE ?? 'SMS_NOTICE_C',
      otpTemplate: env.CUSTODIAN_SMS_TEMPLATE_OTP ?? 'SMS_OTP',
      appId: env.CUSTODIAN_SMS_APP_ID,
      secret: env.CUSTODIAN_SMS_SECRET,
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
