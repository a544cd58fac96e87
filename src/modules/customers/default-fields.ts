import type { FieldDef } from './customer-types.js';

type Def = Omit<FieldDef, 'builtin'>;
const PERSON = ['individual', 'contact'] as const;
const ALL = ['individual', 'company', 'contact'] as const;

function f(
  key: string,
  labelZh: string,
  labelEn: string,
  rest: Pick<Def, 'category' | 'grade' | 'type'> &
    Partial<Omit<Def, 'kinds'>> & { kinds: readonly Def['kinds'][number][] },
): Def {
  return {
    key,
    labelZh,
    labelEn,
    sensitive: false,
    searchable: false,
    mask: rest.grade === 'L3' || rest.grade === 'L4' ? 'partial' : 'none',
    ...rest,
    kinds: [...rest.kinds],
  };
}

/**
 * The default catalog (CN-USER-CONVENTIONS §5). One key per meaning across kinds: where a field's
 * grade differs by kind (an address), the stricter grade wins.
 */
export const DEFAULT_FIELDS: readonly Def[] = [
  // L1 公开: company identity, searchable in clear
  f('companyName', '客户名称', 'Company name', {
    category: 'identity',
    grade: 'L1',
    type: 'text',
    kinds: ['company', 'contact'],
    searchable: true,
  }),
  f('uscc', '统一社会信用代码', 'Unified social credit code', {
    category: 'identity',
    grade: 'L1',
    type: 'uscc',
    kinds: ['company', 'contact'],
    searchable: true,
  }),
  f('shortName', '简称', 'Short name', {
    category: 'identity',
    grade: 'L1',
    type: 'text',
    kinds: ['company'],
  }),
  f('industry', '行业', 'Industry', { category: 'business', grade: 'L1', type: 'text', kinds: ALL }),
  f('website', '网址', 'Website', { category: 'business', grade: 'L1', type: 'url', kinds: ['company'] }),
  f('region', '省市区', 'Region', { category: 'business', grade: 'L1', type: 'text', kinds: ALL }),
  // L2 内部
  f('landline', '办公电话', 'Office phone', {
    category: 'contact',
    grade: 'L2',
    type: 'landline',
    kinds: ALL,
  }),
  f('level', '客户级别', 'Level', { category: 'business', grade: 'L2', type: 'text', kinds: ALL }),
  f('source', '客户来源', 'Source', { category: 'business', grade: 'L2', type: 'text', kinds: ALL }),
  f('tags', '标签', 'Tags', { category: 'business', grade: 'L2', type: 'list', kinds: ALL }),
  f('dealStatus', '成交状态', 'Deal status', { category: 'business', grade: 'L2', type: 'text', kinds: ALL }),
  f('followStatus', '跟进状态', 'Follow-up status', {
    category: 'business',
    grade: 'L2',
    type: 'text',
    kinds: ALL,
  }),
  f('lastFollowAt', '最后跟进时间', 'Last follow-up', {
    category: 'business',
    grade: 'L2',
    type: 'date',
    kinds: ALL,
  }),
  f('nextFollowAt', '下次联系时间', 'Next follow-up', {
    category: 'business',
    grade: 'L2',
    type: 'date',
    kinds: ALL,
  }),
  f('title', '职务', 'Title', { category: 'relationship', grade: 'L2', type: 'text', kinds: ['contact'] }),
  f('dept', '部门', 'Department', {
    category: 'relationship',
    grade: 'L2',
    type: 'text',
    kinds: ['contact'],
  }),
  f('isDecisionMaker', '关键决策人', 'Decision maker', {
    category: 'relationship',
    grade: 'L2',
    type: 'boolean',
    kinds: ['contact'],
  }),
  f('gender', '性别', 'Gender', { category: 'identity', grade: 'L2', type: 'text', kinds: PERSON }),
  // L3 敏感: personal contact data and commercial secrets
  f('name', '姓名', 'Name', {
    category: 'identity',
    grade: 'L3',
    type: 'text',
    kinds: PERSON,
    searchable: true,
    mask: 'name',
  }),
  f('mobile', '手机', 'Mobile', {
    category: 'contact',
    grade: 'L3',
    type: 'mobile',
    kinds: PERSON,
    searchable: true,
    mask: 'mobile',
  }),
  f('email', '邮箱', 'Email', {
    category: 'contact',
    grade: 'L3',
    type: 'email',
    kinds: ALL,
    searchable: true,
    mask: 'email',
  }),
  f('address', '地址', 'Address', {
    category: 'contact',
    grade: 'L3',
    type: 'text',
    kinds: ALL,
    mask: 'address',
  }),
  f('wechat', '微信', 'WeChat', { category: 'contact', grade: 'L3', type: 'text', kinds: PERSON }),
  f('qq', 'QQ', 'QQ', { category: 'contact', grade: 'L3', type: 'text', kinds: PERSON }),
  f('birthday', '生日', 'Birthday', {
    category: 'identity',
    grade: 'L3',
    type: 'date',
    kinds: PERSON,
    mask: 'birthday',
  }),
  f('notes', '备注', 'Notes', {
    category: 'business',
    grade: 'L3',
    type: 'text',
    kinds: ALL,
    mask: 'hidden',
  }),
  f('orders', '订单记录', 'Orders', {
    category: 'transaction',
    grade: 'L3',
    type: 'list',
    kinds: ALL,
    mask: 'hidden',
  }),
  f('amount', '累计消费', 'Total spend', {
    category: 'transaction',
    grade: 'L3',
    type: 'money',
    kinds: ALL,
    mask: 'amount',
  }),
  f('creditLimit', '信用额度', 'Credit limit', {
    category: 'transaction',
    grade: 'L3',
    type: 'money',
    kinds: ['company'],
    mask: 'amount',
  }),
  f('invoiceInfo', '开票信息', 'Invoice details', {
    category: 'transaction',
    grade: 'L3',
    type: 'text',
    kinds: ['company'],
    mask: 'hidden',
  }),
  // L4 高敏: sensitive PI, PIPL Art. 28
  f('idNumber', '身份证号', 'ID number', {
    category: 'sensitive',
    grade: 'L4',
    type: 'idNumber',
    kinds: PERSON,
    searchable: true,
    sensitive: true,
    mask: 'idNumber',
  }),
  f('bankAccount', '银行卡号', 'Bank card', {
    category: 'sensitive',
    grade: 'L4',
    type: 'bankCard',
    kinds: ALL,
    sensitive: true,
    mask: 'bankCard',
  }),
  f('passport', '护照号', 'Passport', {
    category: 'sensitive',
    grade: 'L4',
    type: 'text',
    kinds: PERSON,
    sensitive: true,
    mask: 'partial',
  }),
  f('location', '精确定位', 'Precise location', {
    category: 'sensitive',
    grade: 'L4',
    type: 'text',
    kinds: PERSON,
    sensitive: true,
    mask: 'hidden',
  }),
  f('health', '健康信息', 'Health', {
    category: 'sensitive',
    grade: 'L4',
    type: 'text',
    kinds: PERSON,
    sensitive: true,
    mask: 'hidden',
  }),
  f('isMinor', '未满14周岁', 'Under 14', {
    category: 'sensitive',
    grade: 'L4',
    type: 'boolean',
    kinds: PERSON,
    sensitive: true,
    mask: 'hidden',
  }),
];
