import type { IdentifierReason, LocalisedMessage, ValidationFailure } from './types.js';

/**
 * Messages per reason code. They describe the problem only and never quote the input, because
 * validation failures are logged and written to import error files.
 */
export const REASON_MESSAGES: Readonly<Record<IdentifierReason, LocalisedMessage>> = {
  EMPTY: { zh: '值为空', en: 'value is empty' },
  ID_FORMAT: {
    zh: '身份证号格式错误（应为18位，末位可为X，或15位旧号码）',
    en: 'ID number must have 18 characters (the last may be X) or be a 15-digit legacy number',
  },
  ID_CHECKSUM: { zh: '身份证号校验位错误', en: 'ID number check character is wrong' },
  ID_PRECISION_LOST: {
    zh: '身份证号被 Excel 存成了数字，末几位已丢失（显示为000或科学计数法）：请把该列设为文本后重新填写',
    en: 'Excel stored the ID number as a number and lost its last digits (000 or 1.1E+17): make the column text and re-enter it',
  },
  ID_BIRTHDATE: {
    zh: '身份证号中的出生日期无效（日期不存在、晚于今天或过早）',
    en: 'birth date in the ID number is not a real date, is in the future or is implausibly early',
  },
  ID_REGION: { zh: '身份证号地址码未知', en: 'ID number region code is unknown' },
  USCC_FORMAT: {
    zh: '统一社会信用代码格式错误（应为18位，不含I、O、S、V、Z）',
    en: 'unified social credit code must have 18 characters without I, O, S, V or Z',
  },
  USCC_CHECKSUM: {
    zh: '统一社会信用代码校验位错误',
    en: 'unified social credit code check character is wrong',
  },
  MOBILE_FORMAT: {
    zh: '手机号格式错误（应为以1开头的11位数字，可带+86）',
    en: 'mobile number must be 11 digits starting with 1, optionally after +86',
  },
  MOBILE_PRECISION_LOST: {
    zh: '手机号被 Excel 显示成了科学计数法（如 1.38E+10），另存为 CSV 时后几位已丢失：请在 Excel 中把该列设为文本（或加宽）后重新导出',
    en: 'Excel showed the mobile number in scientific notation (such as 1.38E+10) and saving as CSV lost its last digits: format the column as text (or widen it) and export again',
  },
  MOBILE_MULTIPLE: {
    zh: '一个单元格里有多个手机号：只能填一个，其余请放到另一列',
    en: 'the cell holds several mobile numbers: keep one, move the others to another column',
  },
  MOBILE_FOREIGN: {
    zh: '境外号码（如 +852、+886），不是中国大陆手机号',
    en: 'a number outside the mainland (such as +852 or +886), not a mainland mobile number',
  },
  MOBILE_INTL_FORMAT: {
    zh: '境外号码格式错误：应为 +国家或地区代码 加完整号码（如 +852 9123 4567、+886 912 345 678）',
    en: 'a number outside the mainland must be + and its country or region code, then the whole number (such as +852 9123 4567 or +886 912 345 678)',
  },
  MOBILE_NEEDS_CODE: {
    zh: '号码缺少代码：台湾手机（09 开头 10 位）请写作 +886 9xx xxx xxx，港澳手机（8 位）请加 +852 或 +853；大陆固话请加区号（如 010-6552 1234）',
    en: 'the number lacks its code: write a Taiwan mobile (10 digits from 09) as +886 9xx xxx xxx, add +852 or +853 to an 8-digit Hong Kong or Macau mobile, and the area code to a mainland landline (such as 010-6552 1234)',
  },
  MOBILE_SEGMENT: { zh: '手机号号段未分配', en: 'mobile number segment is not allocated' },
  LANDLINE_FORMAT: {
    zh: '固定电话格式错误（应为 区号-号码[-分机]）',
    en: 'landline must be an area code, a 7–8 digit number and an optional extension',
  },
  EMAIL_FORMAT: { zh: '邮箱地址格式错误', en: 'email address is malformed' },
  EMAIL_MULTIPLE: {
    zh: '一个单元格里有多个邮箱：只能填一个，其余请放到另一列',
    en: 'the cell holds several email addresses: keep one, move the others to another column',
  },
  BANKCARD_FORMAT: { zh: '银行卡号应为16–19位数字', en: 'bank card number must have 16–19 digits' },
  BANKCARD_PRECISION_LOST: {
    zh: '银行卡号被 Excel 存成了数字，超过15位的部分已丢失（显示为科学计数法）：请把该列设为文本后重新填写',
    en: 'Excel stored the bank card number as a number and lost the digits past the 15th (scientific notation): make the column text and re-enter it',
  },
  PASSPORT_FORMAT: { zh: '护照号码格式错误', en: 'passport number is malformed' },
  HK_MACAU_PERMIT_FORMAT: { zh: '港澳通行证号码格式错误', en: 'Hong Kong/Macau permit number is malformed' },
  TAIWAN_PERMIT_FORMAT: { zh: '台湾通行证号码格式错误', en: 'Taiwan permit number is malformed' },
  PLATE_FORMAT: { zh: '车牌号格式错误', en: 'licence plate is malformed' },
  POSTCODE_FORMAT: { zh: '邮政编码应为6位数字', en: 'postcode must have 6 digits' },
  IPV4_FORMAT: { zh: 'IPv4 地址格式错误', en: 'IPv4 address is malformed' },
  IPV6_FORMAT: { zh: 'IPv6 地址格式错误', en: 'IPv6 address is malformed' },
  COORDINATES_FORMAT: {
    zh: '坐标格式错误（应为“纬度,经度”）',
    en: 'coordinates must be written as "latitude,longitude"',
  },
  COORDINATES_RANGE: {
    zh: '坐标超出范围（纬度±90，经度±180）',
    en: 'coordinates are out of range (latitude ±90, longitude ±180)',
  },
};

/** The failure result for `reason`, with its catalogue message. */
export function invalid(reason: IdentifierReason): ValidationFailure {
  return { ok: false, reason, message: REASON_MESSAGES[reason] };
}
