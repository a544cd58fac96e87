import { orgCodeCheckChar, usccCheckChar } from './checksums.js';
import { codeText, normaliseText } from './normalise.js';
import { invalid } from './reasons.js';
import type { ValidationWithInfo } from './types.js';

export interface UsccInfo {
  /** Position 1: 1 机构编制, 5 民政, 9 工商/市场监管, Y other… The list is extensible, so it is not checked. */
  registrationAuthority: string;
  /** Position 2: for authority 9, 1 enterprise, 2 individual business (个体工商户), 3 farmers' cooperative. */
  entityType: string;
  /** Positions 3–8: administrative division of the registering authority. */
  regionCode: string;
  /** Positions 9–17: the embedded GB 11714 organisation code. */
  orgCode: string;
  /**
   * Whether the embedded organisation code carries a valid GB 11714 check character. Reported, not
   * enforced: codes assigned to individual businesses are not reliably GB 11714 codes.
   */
  orgCodeValid: boolean;
  /** 个体工商户: the code can map to one natural person, so it is personal information (see classification). */
  soleProprietor: boolean;
}

/** GB 32100 layout: 2 characters of the charset, 6 digits, 10 characters of the charset. */
const USCC_PATTERN = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** Validates a unified social credit code (GB 32100-2015). The canonical value is upper case. */
export function validateUscc(raw: string): ValidationWithInfo<UsccInfo> {
  const typed = codeText(normaliseText(raw)).replace(/[\s-]/g, '').toUpperCase();
  if (typed === '') return invalid('EMPTY');
  // O and I are not in the code's alphabet: typed for 0 and 1, they are read as those digits (the check
  // character still has to agree).
  const s = /[OI]/.test(typed) ? typed.replace(/O/g, '0').replace(/I/g, '1') : typed;
  if (!USCC_PATTERN.test(s)) return invalid('USCC_FORMAT');
  if (usccCheckChar(s.slice(0, 17)) !== s[17]) return invalid('USCC_CHECKSUM');
  const orgCode = s.slice(8, 17);
  return {
    ok: true,
    value: s,
    info: {
      registrationAuthority: s.slice(0, 1),
      entityType: s.slice(1, 2),
      regionCode: s.slice(2, 8),
      orgCode,
      orgCodeValid: orgCodeCheckChar(orgCode.slice(0, 8)) === orgCode[8],
      soleProprietor: s.startsWith('92'),
    },
  };
}
