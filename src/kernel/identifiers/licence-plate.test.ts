import { describe, expect, it } from 'vitest';
import { validateLicencePlate } from './licence-plate.js';

describe('validateLicencePlate', () => {
  const plate = (raw: string) => {
    const v = validateLicencePlate(raw);
    return v.ok ? { value: v.value, ...v.info } : v.reason;
  };

  it('accepts ordinary plates and drops separators', () => {
    expect(plate('粤B12345')).toEqual({ value: '粤B12345', province: '粤', newEnergy: false });
    expect(plate('粤B·12345')).toMatchObject({ value: '粤B12345' });
    expect(plate('粤b 1234x')).toMatchObject({ value: '粤B1234X' });
    expect(plate('京A1234学')).toMatchObject({ value: '京A1234学', newEnergy: false });
  });

  it('accepts 8-character new-energy plates, small and large', () => {
    expect(plate('沪AD12345')).toMatchObject({ newEnergy: true });
    expect(plate('沪A·FA1234')).toMatchObject({ value: '沪AFA1234', newEnergy: true });
    expect(plate('粤B12345D')).toMatchObject({ newEnergy: true });
  });

  it('PLATE_FORMAT for I/O, unknown provinces and wrong lengths', () => {
    for (const raw of ['粤I12345', '粤B1234O', 'XB12345', '粤B1234', '粤B123456', '沪AD1234A']) {
      expect(plate(raw), raw).toBe('PLATE_FORMAT');
    }
  });
});
