/**
 * Traditional characters of the words customer lists from Taiwan and Hong Kong use in their headers and
 * type cells (手機, 公司名稱, 聯絡人, 個人, 企業…), each beside its simplified form. Headers and type
 * words are matched in simplified form; cell values are never converted (a name stays as written).
 * Only characters whose simplified form is unambiguous in this vocabulary are listed.
 */
const PAIRS =
  '機机稱称號号碼码話话電电證证郵邮戶户類类別别業业務务級级註注備备單单統统會会賬账帳账銀银護护職职門门' +
  '區区縣县鄉乡鎮镇聯联絡络齡龄歲岁貨货購购買买額额費费標标籤签簽签來来記记錄录產产訂订週周開开資资訊讯' +
  '與与關关鍵键決决狀状態态後后時时間间傳传網网頁页詳详細细國国學学歷历經经營营範范圍围稅税發发團团體体' +
  '員员負负責责賣卖銷销顧顾層层優优積积餘余隱隐權权屬属聲声應应該该處处請请確确認认為为這这個个說说頭头' +
  '銜衔紀纪際际醫医療疗衛卫況况兒儿親亲車车駕驾駛驶執执場场點点達达過过進进運运輸输導导筆笔談谈調调訪访' +
  '溝沟鄰邻樓楼棟栋舊旧號号碼码簡简稱称編编寫写單单據据匯汇總总計计金金額额幣币價价償偿貸贷帳账戶户識识' +
  '別别碼码臺台灣湾屆届歸归檔档復复聯联繫系係系';

const TO_SIMPLIFIED: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  const chars = [...PAIRS];
  for (let i = 0; i + 1 < chars.length; i += 2) {
    const traditional = chars[i] as string;
    const simplified = chars[i + 1] as string;
    if (traditional !== simplified) map.set(traditional, simplified);
  }
  return map;
})();

/** `text` with the traditional characters of that vocabulary in simplified form (手機 -> 手机). */
export function simplifiedForMatching(text: string): string {
  let out = '';
  for (const ch of text) out += TO_SIMPLIFIED.get(ch) ?? ch;
  return out;
}
