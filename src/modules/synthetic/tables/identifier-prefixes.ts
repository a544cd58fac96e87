/**
 * Live mobile number segments (号段) of the three carriers; validators reject unallocated ones such as 12x,
 * so only these are used for clean mobiles.
 */
export const MOBILE_SEGMENTS: readonly string[] = [
  // China Mobile
  '134',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '157',
  '158',
  '159',
  '182',
  '183',
  '184',
  '187',
  '188',
  // China Unicom
  '130',
  '131',
  '132',
  '155',
  '156',
  '185',
  '186',
  // China Telecom
  '133',
  '153',
  '180',
  '181',
  '189',
  '191',
  '199',
];

/** UnionPay debit-card issuer prefixes (BIN) of large banks, with the card length each issues. */
export const BANK_CARD_BINS: readonly (readonly [bin: string, length: number])[] = [
  ['622202', 19], // 工商银行
  ['621226', 19], // 工商银行
  ['622848', 19], // 农业银行
  ['621700', 19], // 建设银行
  ['622700', 19], // 建设银行
  ['622588', 16], // 招商银行
  ['621483', 16], // 招商银行
  ['622262', 19], // 交通银行
];
