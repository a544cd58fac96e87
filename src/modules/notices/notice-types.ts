/**
 * Notices to customers about a company transfer (PIPL Art. 22/23) and the customers' answers. Shared by
 * services, routes, CLI and the console.
 */

export const NOTICE_CHANNELS = ['email', 'sms'] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];

export const DELIVERY_STATUSES = ['queued', 'sending', 'sent', 'delivered', 'failed', 'suppressed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const ANSWERS = ['object', 'consent', 'refuse', 'withdraw', 'delete'] as const;
export type NoticeAnswer = (typeof ANSWERS)[number];

/** Channels staff may record an answer from (the portal records its own). */
export const ANSWER_CHANNELS = ['portal', 'phone', 'letter', 'email', 'sms', 'in-person'] as const;
export type AnswerChannel = (typeof ANSWER_CHANNELS)[number];

export type TransferPathCode = 'A' | 'B' | 'C' | 'D';

/**
 * The transfer's facts a notice needs. The transfer module owns transfers; until it calls us, these
 * arrive as one input object so notices never read its tables.
 */
export interface NoticeCampaignInput {
  transferId: string;
  path: TransferPathCode;
  /** PIPL Art. 22: the recipient's name (名称) and contact details (联系方式). */
  recipientName: string;
  recipientContact: string;
  /** The planned transfer date (YYYY-MM-DD, Asia/Shanghai): the answer window closes then. */
  plannedDate: string;
  customerIds: readonly string[];
  /** The seller as it signs the notice; defaults to the org's name. */
  sellerName?: string | undefined;
  /** Where customers exercise their rights (a phone, an e-mail, an office). */
  rightsContact?: string | undefined;
  /** Path C (PIPL Art. 23): what the recipient will process, how, and which categories of PI. */
  purposes?: string | undefined;
  methods?: string | undefined;
  categories?: string | undefined;
  /** Path C: the purpose key a separate consent ("单独同意") is recorded under in the consent ledger. */
  consentPurpose?: string | undefined;
  channels?: readonly NoticeChannel[] | undefined;
}

/** What a campaign stores and shows: the input's company facts, never customer data. */
export interface NoticeFacts {
  transferId: string;
  path: TransferPathCode;
  sellerName: string;
  recipientName: string;
  recipientContact: string;
  rightsContact: string;
  plannedDate: string;
  purposes: string | null;
  methods: string | null;
  categories: string | null;
}

export interface NoticeCampaign {
  id: string;
  transferId: string;
  path: TransferPathCode;
  status: 'open' | 'closed';
  facts: NoticeFacts;
  channels: NoticeChannel[];
  consentPurpose: string | null;
  plannedDate: string;
  closesAt: string;
  createdAt: string;
}

export interface CampaignCreated {
  campaign: NoticeCampaign;
  queued: number;
  /** Customers with no e-mail and no mobile: the public announcement (公告) covers them. */
  unreachable: number;
  suppressed: number;
}

export interface NoticeTally {
  campaignId: string;
  transferId: string;
  windowOpen: boolean;
  closesAt: string;
  customers: number;
  unreachable: number;
  deliveries: Record<DeliveryStatus, number>;
  byChannel: Record<NoticeChannel, Record<DeliveryStatus, number>>;
  /** Latest answer per customer. */
  answers: Record<NoticeAnswer, number>;
  noAnswer: number;
}

export interface AnswerRecord {
  customerId: string;
  answer: NoticeAnswer;
  at: string;
  channel: string;
  evidenceHash: string;
}

export interface StaffAnswerInput {
  campaignId: string;
  customerId: string;
  answer: NoticeAnswer;
  channel: AnswerChannel;
  /** A reference to the evidence (call recording id, letter scan); only its SHA-256 is kept. */
  evidence: string;
}

/** Per-customer notice evidence for the transfer package: what went out, when, and what came back. */
export interface NoticeEvidence {
  customerId: string;
  campaigns: Array<{
    campaignId: string;
    path: TransferPathCode;
    facts: NoticeFacts;
    deliveries: Array<{
      channel: NoticeChannel;
      status: DeliveryStatus;
      attempts: number;
      provider: string | null;
      providerRef: string | null;
      evidenceHash: string | null;
      sentAt: string | null;
      deliveredAt: string | null;
      errorCode: string | null;
      events: Array<{ at: string; kind: string; outcome: string }>;
    }>;
    answers: AnswerRecord[];
  }>;
}

export interface SendReport {
  claimed: number;
  sent: number;
  failed: number;
  retried: number;
  suppressed: number;
  interrupted: number;
  /** Jobs left waiting (outside the send window or backing off). */
  waiting: number;
}
