/**
 * Real GB/T 2260 county-level division codes, grouped by prefecture-level city. ID numbers and USCCs start
 * with these codes, and validators check them against the official table, so every code here must exist;
 * a few prefecture cities without counties (东莞, 中山) use their own code as real ID numbers do.
 */

export interface County {
  readonly code: string;
  readonly name: string;
}

export interface City {
  readonly province: string;
  /** Full city name, e.g. 杭州市. */
  readonly name: string;
  /** The short form used in company names, e.g. 杭州. */
  readonly short: string;
  /** Pinyin initials, used in company web domains; no abbreviation is a prefix of another. */
  readonly abbr: string;
  /** Telephone area code (区号). */
  readonly areaCode: string;
  readonly counties: readonly County[];
}

const c = (code: string, name: string): County => ({ code, name });

export const CITIES: readonly City[] = [
  {
    province: '北京市',
    name: '北京市',
    short: '北京',
    abbr: 'bj',
    areaCode: '010',
    counties: [
      c('110101', '东城区'),
      c('110102', '西城区'),
      c('110105', '朝阳区'),
      c('110106', '丰台区'),
      c('110108', '海淀区'),
      c('110114', '昌平区'),
    ],
  },
  {
    province: '天津市',
    name: '天津市',
    short: '天津',
    abbr: 'tj',
    areaCode: '022',
    counties: [c('120101', '和平区'), c('120103', '河西区'), c('120104', '南开区'), c('120116', '滨海新区')],
  },
  {
    province: '河北省',
    name: '石家庄市',
    short: '石家庄',
    abbr: 'sjz',
    areaCode: '0311',
    counties: [c('130102', '长安区'), c('130104', '桥西区')],
  },
  {
    province: '河北省',
    name: '唐山市',
    short: '唐山',
    abbr: 'ts',
    areaCode: '0315',
    counties: [c('130202', '路南区'), c('130203', '路北区')],
  },
  {
    province: '山西省',
    name: '太原市',
    short: '太原',
    abbr: 'ty',
    areaCode: '0351',
    counties: [c('140105', '小店区'), c('140106', '迎泽区')],
  },
  {
    province: '内蒙古自治区',
    name: '呼和浩特市',
    short: '呼和浩特',
    abbr: 'hhht',
    areaCode: '0471',
    counties: [c('150102', '新城区')],
  },
  {
    province: '辽宁省',
    name: '沈阳市',
    short: '沈阳',
    abbr: 'sy',
    areaCode: '024',
    counties: [c('210102', '和平区'), c('210103', '沈河区')],
  },
  {
    province: '辽宁省',
    name: '大连市',
    short: '大连',
    abbr: 'dl',
    areaCode: '0411',
    counties: [c('210202', '中山区'), c('210203', '西岗区')],
  },
  {
    province: '吉林省',
    name: '长春市',
    short: '长春',
    abbr: 'cc',
    areaCode: '0431',
    counties: [c('220102', '南关区'), c('220104', '朝阳区')],
  },
  {
    province: '黑龙江省',
    name: '哈尔滨市',
    short: '哈尔滨',
    abbr: 'heb',
    areaCode: '0451',
    counties: [c('230102', '道里区'), c('230103', '南岗区')],
  },
  {
    province: '上海市',
    name: '上海市',
    short: '上海',
    abbr: 'sh',
    areaCode: '021',
    counties: [
      c('310101', '黄浦区'),
      c('310104', '徐汇区'),
      c('310105', '长宁区'),
      c('310106', '静安区'),
      c('310107', '普陀区'),
      c('310110', '杨浦区'),
      c('310112', '闵行区'),
      c('310115', '浦东新区'),
    ],
  },
  {
    province: '江苏省',
    name: '南京市',
    short: '南京',
    abbr: 'nj',
    areaCode: '025',
    counties: [c('320102', '玄武区'), c('320104', '秦淮区'), c('320105', '建邺区'), c('320106', '鼓楼区')],
  },
  {
    province: '江苏省',
    name: '无锡市',
    short: '无锡',
    abbr: 'wx',
    areaCode: '0510',
    counties: [c('320211', '滨湖区'), c('320213', '梁溪区')],
  },
  {
    province: '江苏省',
    name: '常州市',
    short: '常州',
    abbr: 'cz',
    areaCode: '0519',
    counties: [c('320402', '天宁区')],
  },
  {
    province: '江苏省',
    name: '苏州市',
    short: '苏州',
    abbr: 'suz',
    areaCode: '0512',
    counties: [c('320505', '虎丘区'), c('320506', '吴中区'), c('320508', '姑苏区'), c('320583', '昆山市')],
  },
  {
    province: '浙江省',
    name: '杭州市',
    short: '杭州',
    abbr: 'hz',
    areaCode: '0571',
    counties: [
      c('330102', '上城区'),
      c('330105', '拱墅区'),
      c('330106', '西湖区'),
      c('330108', '滨江区'),
      c('330109', '萧山区'),
      c('330110', '余杭区'),
    ],
  },
  {
    province: '浙江省',
    name: '宁波市',
    short: '宁波',
    abbr: 'nb',
    areaCode: '0574',
    counties: [c('330203', '海曙区'), c('330212', '鄞州区')],
  },
  {
    province: '浙江省',
    name: '温州市',
    short: '温州',
    abbr: 'wz',
    areaCode: '0577',
    counties: [c('330302', '鹿城区')],
  },
  {
    province: '浙江省',
    name: '绍兴市',
    short: '绍兴',
    abbr: 'sx',
    areaCode: '0575',
    counties: [c('330602', '越城区')],
  },
  {
    province: '浙江省',
    name: '金华市',
    short: '金华',
    abbr: 'jh',
    areaCode: '0579',
    counties: [c('330702', '婺城区'), c('330782', '义乌市')],
  },
  {
    province: '安徽省',
    name: '合肥市',
    short: '合肥',
    abbr: 'hf',
    areaCode: '0551',
    counties: [c('340102', '瑶海区'), c('340104', '蜀山区'), c('340111', '包河区')],
  },
  {
    province: '福建省',
    name: '福州市',
    short: '福州',
    abbr: 'fz',
    areaCode: '0591',
    counties: [c('350102', '鼓楼区'), c('350103', '台江区')],
  },
  {
    province: '福建省',
    name: '厦门市',
    short: '厦门',
    abbr: 'xm',
    areaCode: '0592',
    counties: [c('350203', '思明区'), c('350206', '湖里区')],
  },
  {
    province: '福建省',
    name: '泉州市',
    short: '泉州',
    abbr: 'qz',
    areaCode: '0595',
    counties: [c('350582', '晋江市')],
  },
  {
    province: '江西省',
    name: '南昌市',
    short: '南昌',
    abbr: 'nc',
    areaCode: '0791',
    counties: [c('360102', '东湖区'), c('360103', '西湖区')],
  },
  {
    province: '山东省',
    name: '济南市',
    short: '济南',
    abbr: 'jn',
    areaCode: '0531',
    counties: [c('370102', '历下区'), c('370103', '市中区')],
  },
  {
    province: '山东省',
    name: '青岛市',
    short: '青岛',
    abbr: 'qd',
    areaCode: '0532',
    counties: [c('370202', '市南区'), c('370203', '市北区'), c('370212', '崂山区')],
  },
  {
    province: '河南省',
    name: '郑州市',
    short: '郑州',
    abbr: 'zz',
    areaCode: '0371',
    counties: [c('410102', '中原区'), c('410103', '二七区'), c('410105', '金水区')],
  },
  {
    province: '河南省',
    name: '洛阳市',
    short: '洛阳',
    abbr: 'ly',
    areaCode: '0379',
    counties: [c('410302', '老城区')],
  },
  {
    province: '湖北省',
    name: '武汉市',
    short: '武汉',
    abbr: 'wh',
    areaCode: '027',
    counties: [c('420102', '江岸区'), c('420103', '江汉区'), c('420106', '武昌区'), c('420111', '洪山区')],
  },
  {
    province: '湖南省',
    name: '长沙市',
    short: '长沙',
    abbr: 'cs',
    areaCode: '0731',
    counties: [c('430102', '芙蓉区'), c('430103', '天心区'), c('430104', '岳麓区'), c('430105', '开福区')],
  },
  {
    province: '广东省',
    name: '广州市',
    short: '广州',
    abbr: 'gz',
    areaCode: '020',
    counties: [
      c('440103', '荔湾区'),
      c('440104', '越秀区'),
      c('440105', '海珠区'),
      c('440106', '天河区'),
      c('440111', '白云区'),
    ],
  },
  {
    province: '广东省',
    name: '深圳市',
    short: '深圳',
    abbr: 'sz',
    areaCode: '0755',
    counties: [
      c('440303', '罗湖区'),
      c('440304', '福田区'),
      c('440305', '南山区'),
      c('440306', '宝安区'),
      c('440307', '龙岗区'),
    ],
  },
  {
    province: '广东省',
    name: '佛山市',
    short: '佛山',
    abbr: 'fs',
    areaCode: '0757',
    counties: [c('440604', '禅城区'), c('440605', '南海区'), c('440606', '顺德区')],
  },
  {
    province: '广东省',
    name: '东莞市',
    short: '东莞',
    abbr: 'dg',
    areaCode: '0769',
    counties: [c('441900', '')],
  },
  {
    province: '广东省',
    name: '中山市',
    short: '中山',
    abbr: 'zs',
    areaCode: '0760',
    counties: [c('442000', '')],
  },
  {
    province: '广西壮族自治区',
    name: '南宁市',
    short: '南宁',
    abbr: 'nn',
    areaCode: '0771',
    counties: [c('450102', '兴宁区'), c('450103', '青秀区')],
  },
  {
    province: '海南省',
    name: '海口市',
    short: '海口',
    abbr: 'hk',
    areaCode: '0898',
    counties: [c('460105', '秀英区'), c('460106', '龙华区')],
  },
  {
    province: '重庆市',
    name: '重庆市',
    short: '重庆',
    abbr: 'cq',
    areaCode: '023',
    counties: [c('500101', '万州区'), c('500103', '渝中区'), c('500105', '江北区'), c('500106', '沙坪坝区')],
  },
  {
    province: '四川省',
    name: '成都市',
    short: '成都',
    abbr: 'cd',
    areaCode: '028',
    counties: [
      c('510104', '锦江区'),
      c('510105', '青羊区'),
      c('510106', '金牛区'),
      c('510107', '武侯区'),
      c('510108', '成华区'),
    ],
  },
  {
    province: '贵州省',
    name: '贵阳市',
    short: '贵阳',
    abbr: 'gy',
    areaCode: '0851',
    counties: [c('520102', '南明区'), c('520103', '云岩区')],
  },
  {
    province: '云南省',
    name: '昆明市',
    short: '昆明',
    abbr: 'km',
    areaCode: '0871',
    counties: [c('530102', '五华区'), c('530103', '盘龙区')],
  },
  {
    province: '西藏自治区',
    name: '拉萨市',
    short: '拉萨',
    abbr: 'ls',
    areaCode: '0891',
    counties: [c('540102', '城关区')],
  },
  {
    province: '陕西省',
    name: '西安市',
    short: '西安',
    abbr: 'xa',
    areaCode: '029',
    counties: [c('610102', '新城区'), c('610103', '碑林区'), c('610104', '莲湖区'), c('610113', '雁塔区')],
  },
  {
    province: '甘肃省',
    name: '兰州市',
    short: '兰州',
    abbr: 'lz',
    areaCode: '0931',
    counties: [c('620102', '城关区')],
  },
  {
    province: '青海省',
    name: '西宁市',
    short: '西宁',
    abbr: 'xn',
    areaCode: '0971',
    counties: [c('630102', '城东区')],
  },
  {
    province: '宁夏回族自治区',
    name: '银川市',
    short: '银川',
    abbr: 'yc',
    areaCode: '0951',
    counties: [c('640104', '兴庆区')],
  },
  {
    province: '新疆维吾尔自治区',
    name: '乌鲁木齐市',
    short: '乌鲁木齐',
    abbr: 'wlmq',
    areaCode: '0991',
    counties: [c('650102', '天山区'), c('650103', '沙依巴克区')],
  },
];

/** One county with its city, the unit an ID number or USCC refers to. */
export interface Region {
  readonly code: string;
  readonly city: City;
  readonly county: County;
  /** 浙江省杭州市西湖区; municipalities are not repeated (北京市朝阳区). */
  readonly label: string;
}

export function regionLabel(city: City, county: County): string {
  const prefix = city.province === city.name ? city.name : `${city.province}${city.name}`;
  return `${prefix}${county.name}`;
}

export const REGIONS: readonly Region[] = CITIES.flatMap((city) =>
  city.counties.map((county) => ({ code: county.code, city, county, label: regionLabel(city, county) })),
);
