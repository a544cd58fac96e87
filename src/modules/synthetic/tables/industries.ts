/**
 * GB/T 4754 industry categories an SME customer base typically spans, each with the business-scope words
 * (行业表述) that appear in company names of that industry, e.g. 杭州恒达科技有限公司 is 软件和信息技术服务业.
 * Every word has a distinct ASCII slug for the company's web domain.
 */
export interface Industry {
  readonly name: string;
  readonly nameWords: readonly (readonly [word: string, slug: string])[];
}

export const INDUSTRIES: readonly Industry[] = [
  {
    name: '软件和信息技术服务业',
    nameWords: [
      ['科技', 'tech'],
      ['信息技术', 'info'],
      ['软件', 'soft'],
    ],
  },
  {
    name: '互联网和相关服务',
    nameWords: [
      ['网络科技', 'net'],
      ['互联网科技', 'web'],
    ],
  },
  {
    name: '批发业',
    nameWords: [
      ['贸易', 'trade'],
      ['商贸', 'sm'],
      ['进出口', 'impex'],
    ],
  },
  {
    name: '零售业',
    nameWords: [
      ['百货', 'bh'],
      ['超市', 'mart'],
      ['电子商务', 'ec'],
    ],
  },
  {
    name: '餐饮业',
    nameWords: [
      ['餐饮管理', 'food'],
      ['餐饮服务', 'catering'],
    ],
  },
  {
    name: '家具制造业',
    nameWords: [
      ['家具', 'furniture'],
      ['家居用品', 'home'],
    ],
  },
  // The enumeration comma (、) is kept: importers meet such names in real exports.
  {
    name: '纺织服装、服饰业',
    nameWords: [
      ['服饰', 'fashion'],
      ['制衣', 'garment'],
    ],
  },
  {
    name: '电气机械和器材制造业',
    nameWords: [
      ['电器', 'elec'],
      ['电气设备', 'electric'],
    ],
  },
  {
    name: '通用设备制造业',
    nameWords: [
      ['机械设备', 'machinery'],
      ['精密机械', 'precision'],
    ],
  },
  {
    name: '专用设备制造业',
    nameWords: [
      ['医疗器械', 'medical'],
      ['环保设备', 'env'],
    ],
  },
  {
    name: '商务服务业',
    nameWords: [
      ['企业管理咨询', 'consulting'],
      ['广告', 'ad'],
      ['会展服务', 'expo'],
    ],
  },
  {
    name: '建筑装饰、装修和其他建筑业',
    nameWords: [
      ['装饰工程', 'deco'],
      ['建筑装饰', 'design'],
    ],
  },
  {
    name: '道路运输业',
    nameWords: [
      ['物流', 'logistics'],
      ['货运', 'freight'],
    ],
  },
  {
    name: '教育',
    nameWords: [
      ['教育科技', 'edu'],
      ['培训', 'training'],
    ],
  },
  {
    name: '文化艺术业',
    nameWords: [
      ['文化传媒', 'media'],
      ['文化创意', 'culture'],
    ],
  },
  {
    name: '房地产业',
    nameWords: [
      ['物业管理', 'property'],
      ['房地产开发', 'realty'],
    ],
  },
  {
    name: '农业',
    nameWords: [
      ['农业开发', 'agri'],
      ['生态农业', 'eco'],
    ],
  },
];

export interface IndustryNameWord {
  readonly industry: Industry;
  readonly word: string;
  readonly slug: string;
}

/** Every (industry, name word) pair, the unit a company name is built from. */
export const INDUSTRY_NAME_WORDS: readonly IndustryNameWord[] = INDUSTRIES.flatMap((industry) =>
  industry.nameWords.map(([word, slug]) => ({ industry, word, slug })),
);
