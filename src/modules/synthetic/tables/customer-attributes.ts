/** Small categorical vocabularies of a CRM export: levels, acquisition sources and mail providers. */

export const LEVELS: readonly string[] = ['A', 'B', 'C'];
/** Most SME customer bases are bottom-heavy: few A accounts. */
export const LEVEL_WEIGHTS: readonly number[] = [20, 45, 35];

export const SOURCES: readonly string[] = [
  '促销',
  '搜索引擎',
  '广告',
  '转介绍',
  '线上注册',
  '电话咨询',
  '展会',
  '门店到访',
];

/** Providers for addresses of the form name+digits@provider. */
export const PERSONAL_MAIL_DOMAINS: readonly string[] = [
  '163.com',
  '126.com',
  'sina.com',
  'foxmail.com',
  'outlook.com',
  'aliyun.com',
];

/** Providers whose users commonly use their mobile number as the mailbox name. */
export const MOBILE_MAIL_DOMAINS: readonly string[] = ['163.com', '139.com', '189.cn', '126.com'];
