import { describe, expect, it } from 'vitest';
import { validateCoordinates, validatePostcode } from './location.js';

describe('validatePostcode', () => {
  it('accepts 6-digit mainland postcodes and the HK/Macau convention', () => {
    for (const raw of ['310000', '010010', '999077', '３１００００'])
      expect(validatePostcode(raw).ok, raw).toBe(true);
  });

  it('POSTCODE_FORMAT otherwise', () => {
    for (const raw of ['31000', '3100000', '910000', '31000a']) {
      const v = validatePostcode(raw);
      expect(v.ok ? 'ok' : v.reason, raw).toBe('POSTCODE_FORMAT');
    }
  });
});

describe('validateCoordinates', () => {
  it('marks 4 or more decimals as precise', () => {
    const precise = validateCoordinates('30.274084,120.155070');
    expect(precise.ok && precise.info).toEqual({
      lat: 30.274084,
      lng: 120.15507,
      decimals: 6,
      precise: true,
    });
    const coarse = validateCoordinates('30.27, 120.15');
    expect(coarse.ok && coarse.info.precise).toBe(false);
    const edge = validateCoordinates('30.2741,120.15512');
    expect(edge.ok && edge.info.precise).toBe(true);
  });

  it('accepts a full-width comma and strips a leading plus', () => {
    const v = validateCoordinates('+30.2741，-120.1551');
    expect(v.ok && v.value).toBe('30.2741,-120.1551');
  });

  it('COORDINATES_RANGE for lng,lat order and out-of-range values', () => {
    for (const raw of ['120.155070,30.274084', '91.0000,10.0000', '10.0000,181.0000']) {
      const v = validateCoordinates(raw);
      expect(v.ok ? 'ok' : v.reason, raw).toBe('COORDINATES_RANGE');
    }
  });

  it('COORDINATES_FORMAT for anything else', () => {
    for (const raw of ['30.27', 'abc,def', '30.27;120.15', '1234.5,1.0']) {
      const v = validateCoordinates(raw);
      expect(v.ok ? 'ok' : v.reason, raw).toBe('COORDINATES_FORMAT');
    }
  });
});
