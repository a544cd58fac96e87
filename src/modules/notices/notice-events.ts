/** The audit events the notices module and the portal emit (details hold ids and codes, never PI). */
export const NOTICE_EVENTS = {
  campaignCreate: 'notice.campaign.create',
  /** Write-ahead: committed before the destination is decrypted for sending. */
  deliveryClaim: 'notice.delivery.claim',
  deliveryResult: 'notice.delivery.result',
  receipt: 'notice.delivery.receipt',
  suppress: 'notice.suppress',
  answer: 'notice.answer',
  letterRender: 'notice.letter.render',
  portalCode: 'notice.portal.code',
  portalVerify: 'notice.portal.verify',
} as const;

export type NoticeEvent = (typeof NOTICE_EVENTS)[keyof typeof NOTICE_EVENTS];

/** Category and the detail keys each event may carry (checked against real events in the tests). */
export const NOTICE_EVENT_SCHEMAS: Record<NoticeEvent, { category: string; details: readonly string[] }> = {
  'notice.campaign.create': {
    category: 'write',
    details: ['campaignId', 'transferId', 'path', 'queued', 'suppressed', 'unreachable'],
  },
  'notice.delivery.claim': { category: 'disclosure', details: ['deliveryId', 'campaignId', 'channel'] },
  'notice.delivery.result': {
    category: 'write',
    details: ['deliveryId', 'campaignId', 'channel', 'attempt', 'error', 'retry', 'count'],
  },
  'notice.delivery.receipt': { category: 'write', details: ['deliveryId', 'campaignId', 'code'] },
  'notice.suppress': { category: 'write', details: ['channel', 'reason', 'source'] },
  'notice.answer': { category: 'write', details: ['campaignId', 'transferId', 'answer', 'channel'] },
  'notice.letter.render': { category: 'disclosure', details: ['campaignId'] },
  'notice.portal.code': { category: 'disclosure', details: ['campaignId', 'deliveryId', 'channel'] },
  'notice.portal.verify': { category: 'authentication', details: ['campaignId', 'deliveryId'] },
};
