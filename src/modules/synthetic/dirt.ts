import { idNumberCheckChar, USCC_CHARSET } from '../../kernel/identifiers/checksums.js';
import { toFullWidthDigits } from './format.js';
import type { Rng } from './rng.js';
import type { CustomerKind, DirtKind, RejectReason } from './types.js';

/**
 * The defects a dirty export contains and how an importer with the default policy must count them. Each
 * defect spoils exactly one cell, so the reason an importer gives for a rejected row is unambiguous.
 */

export const REJECT_REASON: Partial<Record<DirtKind, RejectReason>> = {
  badIdCheck: 'ID_CHECKSUM',
  impossibleBirthDate: 'ID_BIRTHDATE',
  badMobile: 'MOBILE_FORMAT',
  badEmail: 'EMAIL_FORMAT',
  badUsccCheck: 'USCC_CHECKSUM',
};

const INDIVIDUAL_DIRT: readonly DirtKind[] = [
  'badIdCheck',
  'impossibleBirthDate',
  'badMobile',
  'badEmail',
  'fullWidthDigits',
  'reformattedDuplicate',
  'blankRow',
];
// No blank row before a contact: a company and its contacts stay one unbroken block of rows.
const CONTACT_DIRT: readonly DirtKind[] = ['badMobile', 'badEmail', 'fullWidthDigits'];
const LONE_COMPANY_DIRT: readonly DirtKind[] = ['badUsccCheck', 'blankRow'];
// A company with contacts must import cleanly or its contacts have nothing to attach to; a blank row
// before it leaves the company row itself untouched.
const PARENT_COMPANY_DIRT: readonly DirtKind[] = ['blankRow'];

/** The defects a record may receive. */
export function dirtChoices(kind: CustomerKind, contactCount: number): readonly DirtKind[] {
  if (kind === 'individual') return INDIVIDUAL_DIRT;
  if (kind === 'contact') return CONTACT_DIRT;
  return contactCount > 0 ? PARENT_COMPANY_DIRT : LONE_COMPANY_DIRT;
}

/** Month-day pairs no calendar has: month 13 or 00, day 00, 30 February, 31 April… */
const IMPOSSIBLE_MONTH_DAYS: readonly string[] = [
  '1301',
  '1315',
  '0012',
  '0100',
  '0230',
  '0231',
  '0431',
  '0631',
  '0931',
  '1131',
  '0132',
];

function otherChar(rng: Rng, alphabet: string, current: string): string {
  const options = alphabet.replace(current, '');
  return options[rng.int(0, options.length - 1)] as string;
}

/**
 * Only malformations that no normaliser can repair, so importers answer MOBILE_FORMAT. An unallocated
 * segment such as 12x is deliberately not used: it is well-formed and validators report MOBILE_SEGMENT.
 */
function spoilMobile(rng: Rng, mobile: string): string {
  const variant = rng.int(0, 2);
  if (variant === 0) return mobile.slice(0, 10); // a digit lost when typing
  if (variant === 1) return mobile + String(rng.int(0, 9)); // one digit too many
  const at = rng.int(3, 10);
  return `${mobile.slice(0, at)}O${mobile.slice(at + 1)}`; // letter O typed for a zero
}

function spoilEmail(rng: Rng, email: string): string {
  const at = email.indexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const variant = rng.int(0, 3);
  if (variant === 0) return `${local}@@${domain}`;
  if (variant === 1) return `${local}@`;
  if (variant === 2) return `${local}${domain}`;
  return `@${domain}`;
}

/** `fields` with the one in-row defect `kind` applied; other cells stay valid. */
export function applyDefect(
  kind: DirtKind,
  fields: Record<string, string>,
  customerKind: CustomerKind,
  rng: Rng,
): Record<string, string> {
  const out = { ...fields };
  const id = fields.idNumber ?? '';
  switch (kind) {
    case 'badIdCheck':
      // Never ...000: validators read that as Excel's lost digits (ID_PRECISION_LOST), not a typo.
      out.idNumber =
        id.slice(0, 17) +
        otherChar(rng, id.slice(15, 17) === '00' ? '123456789X' : '0123456789X', id.charAt(17));
      break;
    case 'impossibleBirthDate': {
      // The check character is recomputed so only the date is wrong, not the checksum.
      const first17 = `${id.slice(0, 10)}${rng.pick(IMPOSSIBLE_MONTH_DAYS)}${id.slice(14, 17)}`;
      out.idNumber = first17 + idNumberCheckChar(first17);
      break;
    }
    case 'badMobile':
      out.mobile = spoilMobile(rng, fields.mobile ?? '');
      break;
    case 'badEmail':
      out.email = spoilEmail(rng, fields.email ?? '');
      break;
    case 'badUsccCheck': {
      const uscc = fields.uscc ?? '';
      out.uscc = uscc.slice(0, 17) + otherChar(rng, USCC_CHARSET, uscc.charAt(17));
      break;
    }
    case 'fullWidthDigits':
      if (customerKind === 'individual' && rng.chance(0.5)) out.idNumber = toFullWidthDigits(id);
      else out.mobile = toFullWidthDigits(fields.mobile ?? '');
      break;
    default:
      throw new RangeError(`${kind} adds a row; it is not applied to one`);
  }
  return out;
}

/**
 * The same individual as typed again by someone else, or passed through other software: a padded name
 * (张  三 lined up with three-character names), a formatted mobile (+86, separators, the apostrophe that
 * keeps Excel from converting it, a float's .0, the long-distance 0), an ID number in lower case, after
 * an apostrophe, or with × for its X. Every variant is the same customer once normalised.
 */
export function reformatDuplicate(fields: Record<string, string>, rng: Rng): Record<string, string> {
  const name = fields.name ?? '';
  const m = fields.mobile ?? '';
  const id = fields.idNumber ?? '';
  const [a, b, c] = [m.slice(0, 3), m.slice(3, 7), m.slice(7)];
  const spaced = name.length === 2 ? `${name[0]}  ${name[1]}` : ` ${name}`;
  const mobiles = [`+86 ${a}-${b}-${c}`, `${a} ${b} ${c}`, `${a}-${b}-${c}`, `'${m}`, `${m}.0`, `0${m}`];
  const ids = [id.toLowerCase(), `'${id}`, id.endsWith('X') ? `${id.slice(0, 17)}×` : id.toLowerCase()];
  return {
    ...fields,
    name: rng.pick([` ${name} `, `${name}  `, `  ${name}`, spaced]),
    mobile: rng.pick(mobiles),
    idNumber: rng.pick(ids),
  };
}
