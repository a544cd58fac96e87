import { describe, expect, it } from 'vitest';
import { validateBankCard } from './bank-card.js';
import { validateEmail } from './email.js';
import { validateIdNumber } from './id-number.js';
import { validateLandline } from './landline.js';
import { validateLicencePlate } from './licence-plate.js';
import { validateCoordinates, validatePostcode } from './location.js';
import { validateMobile } from './mobile.js';
import { validateIpv4, validateIpv6 } from './network.js';
import { REASON_MESSAGES } from './reasons.js';
import { validateHkMacauPermit, validatePassport, validateTaiwanPermit } from './travel-documents.js';
import type { Validation } from './types.js';
import { validateUscc } from './uscc.js';

const FAILING: [string, (raw: string) => Validation, string][] = [
  ['id', validateIdNumber, '110105194912310021'],
  ['id', validateIdNumber, '11010519900230001X'],
  ['uscc', validateUscc, '91350100M000100Y44'],
  ['mobile', validateMobile, '12012345678'],
  ['mobile', validateMobile, '1380013800'],
  ['landline', validateLandline, '0571-1888888'],
  ['email', validateEmail, 'zhang.san@163'],
  ['bank card', validateBankCard, '622202000012345'],
  ['passport', validatePassport, 'X12345678'],
  ['hk/macau permit', validateHkMacauPermit, 'Z12345678'],
  ['taiwan permit', validateTaiwanPermit, 'Q12345678'],
  ['plate', validateLicencePlate, '粤I12345'],
  ['postcode', validatePostcode, '910000'],
  ['ipv4', validateIpv4, '300.1.1.1'],
  ['ipv6', validateIpv6, '2001:db8::1::1'],
  ['coordinates', validateCoordinates, '120.155070,30.274084'],
];

describe('failure messages', () => {
  it('exist in both languages for every reason', () => {
    for (const [reason, message] of Object.entries(REASON_MESSAGES)) {
      expect(message.zh.length, reason).toBeGreaterThan(0);
      expect(message.en.length, reason).toBeGreaterThan(0);
    }
  });

  it('never quote the rejected value', () => {
    for (const [name, validate, raw] of FAILING) {
      const v = validate(raw);
      expect(v.ok, name).toBe(false);
      if (v.ok) continue;
      expect(v.message, name).toBe(REASON_MESSAGES[v.reason]);
      const text = `${v.message.zh} ${v.message.en}`;
      expect(text, name).not.toContain(raw);
      // Nor a recognisable piece of it: any 6-character run of the input.
      for (let i = 0; i + 6 <= raw.length; i++) expect(text, name).not.toContain(raw.slice(i, i + 6));
    }
  });
});
