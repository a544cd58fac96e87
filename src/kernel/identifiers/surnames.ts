/**
 * Chinese surnames for the person-name heuristic and for masking (`欧阳**` keeps the whole compound
 * surname). Single surnames follow the 百家姓 plus common modern ones absent from it (付, 代, 覃…) and
 * traditional forms of the most frequent ones for Hong Kong, Macau and Taiwan customers.
 * 区 (Ou) is left out on purpose: as a first character it mostly starts an address, not a name.
 */

const SINGLE = `
赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎
鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康伍余元卜顾孟平黄
和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾路娄危江童颜郭
梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗丁宣贲邓郁单杭洪包诸左石崔吉钮龚
程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫
宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙池乔阴郁胥能苍双
闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍郤璩桑桂濮牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容
向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空
曾毋沙乜养鞠须丰巢关蒯相查后荆红游竺权逯盖益桓公晋楚闫法汝鄢涂钦岳帅缑亢况郈佘佴墨哈谯笪年爱阳佟
言福付代覃练邝冼粟甯揭苟芦雒栗种豆侍邸禤檀麦隋随展凡兰仝银敬原来玉植
陳張黃劉楊趙吳鄭馮韓蔣許呂孫葉蕭鍾羅蘇盧譚鄧馬賴謝錢顧龔嚴歐
`;

const COMPOUND = `
万俟 司马 上官 欧阳 夏侯 诸葛 闻人 东方 赫连 皇甫 尉迟 公羊 澹台 公冶 宗政 濮阳 淳于 单于 太叔 申屠
公孙 仲孙 轩辕 令狐 钟离 宇文 长孙 慕容 鲜于 闾丘 司徒 司空 亓官 司寇 仉督 子车 颛孙 端木 巫马 公西
漆雕 乐正 壤驷 公良 拓跋 夹谷 宰父 谷梁 段干 百里 东郭 南门 呼延 归海 羊舌 微生 梁丘 左丘 东门 西门
商牟 伯赏 南宫 第五 歐陽 司馬 諸葛 上官
`;

/** Single-character surnames. */
export const SINGLE_SURNAMES: ReadonlySet<string> = new Set(Array.from(SINGLE.replace(/\s/g, '')));

/** Two-character (compound) surnames such as 欧阳, 司马, 诸葛. */
export const COMPOUND_SURNAMES: ReadonlySet<string> = new Set(COMPOUND.split(/\s+/).filter((s) => s !== ''));

/** The surname that `name` starts with, compound surnames first, or undefined. */
export function surnameOf(name: string): string | undefined {
  const two = name.slice(0, 2);
  if (COMPOUND_SURNAMES.has(two)) return two;
  const one = name.slice(0, 1);
  return SINGLE_SURNAMES.has(one) ? one : undefined;
}
