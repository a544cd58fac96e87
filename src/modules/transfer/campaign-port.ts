import type { Actor } from '../../kernel/authz/permissions.js';

export type CampaignChannel = 'email' | 'sms';

/** The facts of a notice campaign over a transfer's scope (mirrors the notices module's input). */
export interface TransferCampaignInput {
  transferId: string;
  path: 'A' | 'B' | 'C' | 'D';
  recipientName: string;
  recipientContact: string;
  plannedDate: string;
  customerIds: readonly string[];
  sellerName?: string | undefined;
  rightsContact?: string | undefined;
  purposes?: string | undefined;
  methods?: string | undefined;
  categories?: string | undefined;
  consentPurpose?: string | undefined;
  channels?: readonly CampaignChannel[] | undefined;
}

/** What the transfer module reads back of a campaign (the notices module's answer has more). */
export interface TransferCampaign {
  id: string;
  transferId: string;
  plannedDate: string;
  closesAt: string;
}

export interface TransferCampaignCreated {
  campaign: TransferCampaign;
  queued: number;
  unreachable: number;
  suppressed: number;
}

/**
 * What the transfer module needs from the notices module to notify a case's customers: create a
 * campaign and list the campaigns of a transfer. `app.notices.service` implements it.
 */
export interface NoticeCampaigns {
  createCampaign(actor: Actor, input: TransferCampaignInput): Promise<TransferCampaignCreated>;
  campaignsOfTransfer(actor: Actor, transferId: string): Promise<TransferCampaign[]>;
}
