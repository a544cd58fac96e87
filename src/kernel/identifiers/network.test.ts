import { describe, expect, it } from 'vitest';
import { validateIpv4, validateIpv6 } from './network.js';

const ipv6 = (raw: string): string => {
  const v = validateIpv6(raw);
  return v.ok ? v.value : v.reason;
};

describe('validateIpv4', () => {
  it('accepts dotted quads, including full-width input', () => {
    for (const raw of ['192.168.1.1', '0.0.0.0', '255.255.255.255', '１９２．１６８．１．１']) {
      expect(validateIpv4(raw).ok, raw).toBe(true);
    }
  });

  it('IPV4_FORMAT for out-of-range octets, leading zeros and wrong arity', () => {
    for (const raw of ['256.1.1.1', '01.2.3.4', '1.2.3', '1.2.3.4.5', '1.2.3.a']) {
      const v = validateIpv4(raw);
      expect(v.ok ? 'ok' : v.reason, raw).toBe('IPV4_FORMAT');
    }
  });
});

describe('validateIpv6', () => {
  it('returns the RFC 5952 form', () => {
    expect(ipv6('2001:0DB8:0000:0000:0000:ff00:0042:8329')).toBe('2001:db8::ff00:42:8329');
    expect(ipv6('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(ipv6('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
    expect(ipv6('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(ipv6('::')).toBe('::');
    expect(ipv6('::FFFF:192.0.2.1')).toBe('::ffff:192.0.2.1');
  });

  it('IPV6_FORMAT for malformed addresses', () => {
    for (const raw of [
      '2001:db8::1::1',
      '12345::',
      '1:2:3:4:5:6:7:8:9',
      'fe80::1%eth0',
      '1.2.3.4',
      '1:2:3',
      ':1::',
    ]) {
      expect(ipv6(raw), raw).toBe('IPV6_FORMAT');
    }
  });
});
