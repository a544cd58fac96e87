/** Titles and the departments they sit in, for the contacts (联系人) of company customers. */
export const CONTACT_ROLES: readonly (readonly [title: string, dept: string])[] = [
  ['总经理', '总经办'],
  ['副总经理', '总经办'],
  ['采购经理', '采购部'],
  ['采购专员', '采购部'],
  ['销售总监', '销售部'],
  ['行政主管', '行政部'],
  ['财务经理', '财务部'],
  ['会计', '财务部'],
  ['技术总监', '技术部'],
  ['人事专员', '人力资源部'],
  ['市场经理', '市场部'],
  ['法务专员', '法务部'],
  ['个人信息保护负责人', '法务部'],
];
