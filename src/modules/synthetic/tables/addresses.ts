/** Street and building names common to most Chinese cities, for plausible addresses in any region. */
export const STREETS: readonly string[] = [
  '人民路',
  '解放路',
  '中山路',
  '建设路',
  '和平路',
  '新华路',
  '文化路',
  '胜利路',
  '长江路',
  '黄河路',
  '青年路',
  '朝阳路',
  '光明路',
  '幸福路',
  '友谊路',
  '工业路',
  '学院路',
  '滨江路',
  '湖滨路',
  '东风路',
  '科技路',
  '创业路',
  '环城东路',
  '解放大道',
  '世纪大道',
  '高新大道',
];

export const RESIDENTIAL_SUFFIXES: readonly string[] = ['小区', '花园', '家园', '公寓', '新村', '苑'];

export const OFFICE_BUILDINGS: readonly string[] = [
  '科技园',
  '创业大厦',
  '国际中心',
  '商务中心',
  '金融大厦',
  '软件园',
  '产业园',
  '广场',
];
