import { describe, expect, it } from 'vitest';
import { idNumberCheckChar } from './checksums.js';
import { validateIdNumber } from './id-number.js';

const today = new Date('2025-06-01T00:00:00Z');

/** Completes 17 characters with their MOD 11-2 check character, so each case fails only where intended. */
function withCheck(first17: string): string {
  return first17 + idNumberCheckChar(first17);
}

function infoOf(raw: string, opts = { today }) {
  const v = validateIdNumber(raw, opts);
  if (!v.ok) throw new Error(`expected ${raw} to validate, got ${v.reason}`);
  return { value: v.value, info: v.info };
}

describe('validateIdNumber: reference vectors', () => {
  it('accepts 11010519491231002X and decodes it', () => {
    const { value, info } = infoOf('11010519491231002X');
    expect(value).toBe('11010519491231002X');
    expect(info).toMatchObject({
      kind: 'resident',
      birthDate: '1949-12-31',
      sex: 'F',
      regionCode: '110105',
      regionName: '北京市',
      regionPrecision: 'prefecture',
      ageYears: 75,
      isMinorUnder14: false,
    });
    expect(info.upgradedFrom15).toBeUndefined();
  });

  it('accepts 440524188001010014 (born 1880, male, 汕头)', () => {
    const { info } = infoOf('440524188001010014');
    expect(info).toMatchObject({ birthDate: '1880-01-01', sex: 'M', regionName: '广东省汕头市' });
  });

  it('rejects the 1880 vector when the caller raises the earliest birth year', () => {
    const v = validateIdNumber('440524188001010014', { today, earliestBirthYear: 1890 });
    expect(v.ok ? 'ok' : v.reason).toBe('ID_BIRTHDATE');
  });
});

describe('validateIdNumber: normalisation', () => {
  it('upper-cases a lower-case x and strips spaces and dashes', () => {
    expect(infoOf('110105 19491231 002x').value).toBe('11010519491231002X');
    expect(infoOf('110105-19491231-002X').value).toBe('11010519491231002X');
  });

  it('accepts full-width digits and letters', () => {
    expect(infoOf('１１０１０５１９４９１２３１００２Ｘ').value).toBe('11010519491231002X');
  });
});

describe('validateIdNumber: failure reasons', () => {
  const reasonOf = (raw: string): string => {
    const v = validateIdNumber(raw, { today });
    return v.ok ? 'ok' : v.reason;
  };

  it('EMPTY for blank input', () => {
    expect(reasonOf('   ')).toBe('EMPTY');
  });

  it('ID_FORMAT for wrong length, letters inside, X not last', () => {
    expect(reasonOf('1101051949123100')).toBe('ID_FORMAT');
    expect(reasonOf('11010519491231002XX')).toBe('ID_FORMAT');
    expect(reasonOf('1101051949123A002X')).toBe('ID_FORMAT');
    expect(reasonOf('1101051949123100X2')).toBe('ID_FORMAT');
  });

  it('ID_CHECKSUM when the check character is wrong', () => {
    expect(reasonOf('110105194912310021')).toBe('ID_CHECKSUM');
    expect(reasonOf('440524188001010015')).toBe('ID_CHECKSUM');
  });

  it('ID_PRECISION_LOST for the shapes Excel leaves of a number typed into a numeric cell', () => {
    // 11010519491231002X as Excel keeps it: 15 significant digits, then zeros; or in exponent form.
    expect(reasonOf('110105194912310000')).toBe('ID_PRECISION_LOST');
    expect(reasonOf('1.10105E+17')).toBe('ID_PRECISION_LOST');
    expect(reasonOf('1.10105194912310e17')).toBe('ID_PRECISION_LOST');
    // A number ending 000 whose check character is right is a real one.
    expect(infoOf('110105198511206000').value).toBe('110105198511206000');
    // Other wrong check characters and other exponents stay what they are.
    expect(reasonOf('110105194912310001')).toBe('ID_CHECKSUM');
    expect(reasonOf('1.1E+5')).toBe('ID_FORMAT');
  });

  it('ID_BIRTHDATE for a future birth date', () => {
    expect(reasonOf(withCheck('11010520300101001'))).toBe('ID_BIRTHDATE');
    // One day after "today" in China.
    expect(reasonOf(withCheck('11010520250602001'))).toBe('ID_BIRTHDATE');
  });

  it('ID_BIRTHDATE for 30 February and other impossible dates', () => {
    expect(reasonOf(withCheck('11010519900230001'))).toBe('ID_BIRTHDATE');
    expect(reasonOf(withCheck('11010519900431001'))).toBe('ID_BIRTHDATE');
    expect(reasonOf(withCheck('11010519901301001'))).toBe('ID_BIRTHDATE');
    expect(reasonOf(withCheck('11010519000229001'))).toBe('ID_BIRTHDATE');
  });

  it('accepts 29 February of a leap year', () => {
    expect(reasonOf(withCheck('11010520000229001'))).toBe('ok');
  });

  it('ID_BIRTHDATE before the earliest plausible year', () => {
    expect(reasonOf(withCheck('11010518700101001'))).toBe('ID_BIRTHDATE');
  });

  it('ID_REGION for an unknown province', () => {
    expect(reasonOf(withCheck('00010519900101001'))).toBe('ID_REGION');
    expect(reasonOf(withCheck('20010519900101001'))).toBe('ID_REGION');
    expect(reasonOf(withCheck('99010519900101001'))).toBe('ID_REGION');
  });

  it('ID_REGION for 81/82/83 codes other than the residence-permit codes', () => {
    expect(reasonOf(withCheck('81010119900101001'))).toBe('ID_REGION');
  });
});

describe('validateIdNumber: regions', () => {
  it('accepts an unknown prefecture under a known province at province precision', () => {
    const { info } = infoOf(withCheck('33990119900101001'));
    expect(info.regionPrecision).toBe('province');
    expect(info.regionName).toBe('浙江省');
  });

  it('knows retired prefecture codes (黄冈地区, 1985)', () => {
    const { info } = infoOf(withCheck('42212119700101001'));
    expect(info.regionPrecision).toBe('prefecture');
    expect(info.regionName).toBe('湖北省黄冈地区');
  });

  it('names province-directed prefixes after the province alone', () => {
    expect(infoOf(withCheck('42900419900101001')).info.regionName).toBe('湖北省');
  });
});

describe('validateIdNumber: legacy 15-digit numbers', () => {
  it('upgrades to 18 characters by inserting 19 and appending the check character', () => {
    const { value, info } = infoOf('110105491231002');
    expect(value).toBe('11010519491231002X');
    expect(info.upgradedFrom15).toBe(true);
    expect(info.birthDate).toBe('1949-12-31');
    expect(info.sex).toBe('F');
  });

  it('still checks the date of a 15-digit number', () => {
    const v = validateIdNumber('110105491331002', { today });
    expect(v.ok ? 'ok' : v.reason).toBe('ID_BIRTHDATE');
  });
});

describe('validateIdNumber: numbers sharing the layout', () => {
  it('classifies a number starting with 9 as a foreign permanent-resident card', () => {
    // 9, issuing province 11, nationality 840, born 1985-03-12, sequence 00, sex digit 1.
    const { info } = infoOf(withCheck('91184019850312001'));
    expect(info).toMatchObject({
      kind: 'foreign-pr',
      regionCode: '110000',
      regionName: '北京市',
      regionPrecision: 'province',
      nationalityCode: '840',
      birthDate: '1985-03-12',
      sex: 'M',
    });
  });

  it('applies the MOD 11-2 check to foreign permanent-resident numbers', () => {
    const good = withCheck('91184019850312001');
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const v = validateIdNumber(bad, { today });
    expect(v.ok ? 'ok' : v.reason).toBe('ID_CHECKSUM');
  });

  it('classifies 810000/820000/830000 as HK, Macau and Taiwan residence permits', () => {
    expect(infoOf(withCheck('81000019900101001')).info.kind).toBe('hk-residence-permit');
    expect(infoOf(withCheck('82000019900101001')).info.kind).toBe('macau-residence-permit');
    expect(infoOf(withCheck('83000019900101001')).info.kind).toBe('taiwan-residence-permit');
  });
});

describe('validateIdNumber: age', () => {
  it('flags children under 14 and stops on the 14th birthday', () => {
    expect(infoOf(withCheck('11010520150602001')).info).toMatchObject({ ageYears: 9, isMinorUnder14: true });
    expect(infoOf(withCheck('11010520110602001')).info).toMatchObject({ ageYears: 13, isMinorUnder14: true });
    expect(infoOf(withCheck('11010520110601001')).info).toMatchObject({
      ageYears: 14,
      isMinorUnder14: false,
    });
  });

  it('counts the birthday in China time, not UTC', () => {
    // 2025-05-31T16:30Z is already 1 June, 00:30 in Beijing.
    const beijingMidnight = new Date('2025-05-31T16:30:00Z');
    const { info } = infoOf(withCheck('11010520110601001'), { today: beijingMidnight });
    expect(info.ageYears).toBe(14);
  });
});
