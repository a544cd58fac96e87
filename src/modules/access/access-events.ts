/** Audit events of the access module: ids, role keys and reason codes; never a password, session id or secret. */
export const ACCESS_EVENTS = {
  'auth.login': { category: 'authentication', details: ['reason', 'totp'] },
  'auth.lockout': { category: 'authentication', details: ['reason', 'until', 'minutes'] },
  'auth.logout': { category: 'authentication', details: [] },
  'auth.logout-all': { category: 'authentication', details: ['ended'] },
  'user.create': { category: 'administration', details: ['userId', 'roles', 'team'] },
  'user.update': { category: 'administration', details: ['userId', 'changed', 'roles', 'status'] },
  'user.password.change': { category: 'authentication', details: ['reason'] },
  'user.totp.enrol': { category: 'authentication', details: [] },
  'user.totp.confirm': { category: 'authentication', details: [] },
  'role.create': { category: 'administration', details: ['role', 'grants', 'scope'] },
  'token.create': { category: 'administration', details: ['tokenId', 'roles', 'expiresAt'] },
  'token.revoke': { category: 'administration', details: ['tokenId'] },
  'customer.share': { category: 'access', details: ['userId'] },
  'customer.unshare': { category: 'access', details: ['userId'] },
  'export.approval.request': { category: 'disclosure', details: ['approvalId', 'rowCount'] },
  'export.approval.approve': { category: 'disclosure', details: ['approvalId'] },
  'export.approval.reject': { category: 'disclosure', details: ['approvalId'] },
  'export.approval.use': { category: 'disclosure', details: ['approvalId', 'rowCount'] },
  'report.access-review': { category: 'audit', details: ['from', 'to'] },
} as const;

export type AccessEvent = keyof typeof ACCESS_EVENTS;
