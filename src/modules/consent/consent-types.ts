/** PIPL Art. 13's seven legal bases for processing personal information. */
export const LEGAL_BASES = {
  consent: { zh: '取得个人的同意', en: 'Consent of the individual' },
  contract: { zh: '订立、履行合同或人力资源管理所必需', en: 'Necessary for a contract or HR management' },
  'legal-obligation': { zh: '履行法定职责或法定义务所必需', en: 'Necessary for a legal duty or obligation' },
  'vital-interest': {
    zh: '应对突发公共卫生事件或紧急情况下保护生命健康和财产安全所必需',
    en: 'Public-health emergency or protecting life, health and property',
  },
  'public-interest-news': {
    zh: '为公共利益实施新闻报道、舆论监督',
    en: 'News reporting and public supervision',
  },
  'publicly-disclosed': { zh: '处理已合法公开的个人信息', en: 'Information already lawfully made public' },
  'other-law': { zh: '法律、行政法规规定的其他情形', en: 'Other cases provided by law' },
} as const;
export type LegalBasis = keyof typeof LEGAL_BASES;

export const CONSENT_CHANNELS = [
  'web',
  'sms',
  'email',
  'phone',
  'paper',
  'in-person',
  'import',
  'portal',
  'at-creation',
] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

export interface Purpose {
  key: string;
  name: string;
  basis: LegalBasis;
  basisLabel: { zh: string; en: string };
  retention: string;
  retentionDays: number;
  noticeVersion: string;
  description: string | null;
  createdAt: string;
}

export interface PurposeInput {
  key: string;
  name: string;
  basis: string;
  retention: string;
  noticeVersion?: string | undefined;
  description?: string | undefined;
}

export interface ConsentRecord {
  id: string;
  customerId: string;
  purpose: string;
  action: 'grant' | 'withdraw';
  at: string;
  channel: string;
  noticeVersion: string;
  evidenceHash: string | null;
  separate: boolean;
  actor: string;
}

export interface ConsentInput {
  customerId: string;
  purpose: string;
  channel?: string | undefined;
  noticeVersion?: string | undefined;
  /** Evidence text (a message id, a form reference); only its SHA-256 is stored. */
  evidence?: string | undefined;
  separate?: boolean | undefined;
  at?: string | undefined;
}
