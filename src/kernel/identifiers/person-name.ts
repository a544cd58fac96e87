import { normaliseText } from './normalise.js';
import { COMPOUND_SURNAMES, surnameOf } from './surnames.js';

/** Han ideographs of the basic and extension-A blocks, plus compatibility ideographs. */
const HAN = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$/;
/** Middle dots people type between the parts of minority and transliterated names (阿沛·阿旺晋美). */
const NAME_DOTS = /[·•・‧]/g;

/**
 * Characters that almost never appear in a given name but often in place names, products and
 * sentences: their presence after the surname means the value is probably not a name (王府井, 高新区).
 */
const NON_NAME_CHARS = new Set(
  Array.from(
    '省市区县镇乡村路街巷号楼室栋府厂店司局院校处科部厅站库馆所件个台套箱盒瓶袋吨的了么吗呢吧啊在是有无不没这那哪什元角',
  ),
);

/**
 * Confidence 0..1 that `s` is a Chinese personal name: 2–4 Han characters starting with a known
 * surname, or dot-separated parts for minority and transliterated names. A heuristic for classifying
 * columns, never for free text, where any two-character word after a surname-like character would match.
 */
export function isLikelyChineseName(s: string): number {
  const text = normaliseText(s).replace(/\s/g, '');
  if (text === '') return 0;

  const dotted = text.replace(NAME_DOTS, '·');
  if (dotted.includes('·')) {
    const parts = dotted.split('·');
    if (parts.length > 4 || !parts.every((p) => p !== '' && HAN.test(p))) return 0;
    const length = parts.join('').length;
    return length >= 3 && length <= 16 ? 0.7 : 0;
  }

  if (!HAN.test(text) || text.length < 2 || text.length > 4) return 0;
  const surname = surnameOf(text);
  const given = surname === undefined ? text.slice(1) : text.slice(surname.length);
  if (given === '' || Array.from(given).some((ch) => NON_NAME_CHARS.has(ch))) return 0.05;
  if (surname === undefined) return text.length <= 3 ? 0.2 : 0.1;
  if (COMPOUND_SURNAMES.has(surname)) return 0.95;
  // Four characters after a single surname are usually 双姓 (张王丽华) or not a name at all.
  return text.length <= 3 ? 0.9 : 0.55;
}
