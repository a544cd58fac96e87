/**
 * Mainland mobile number segments. No consolidated MIIT list was found and segments keep being added
 * (190/192/196/197 are recent), so this is configuration: callers may pass their own table.
 */

export type MobileCarrier = 'china-mobile' | 'china-unicom' | 'china-telecom' | 'china-broadnet' | 'mvno';

export type MobileSegmentTable = Readonly<Record<MobileCarrier, readonly string[]>>;

/** 3-digit prefixes per carrier (non-exhaustive; see PIPL-REQUIREMENTS §3). */
export const MOBILE_SEGMENTS: MobileSegmentTable = {
  'china-mobile': [
    '134',
    '135',
    '136',
    '137',
    '138',
    '139',
    '147',
    '150',
    '151',
    '152',
    '157',
    '158',
    '159',
    '172',
    '178',
    '182',
    '183',
    '184',
    '187',
    '188',
    '195',
    '197',
    '198',
  ],
  'china-unicom': ['130', '131', '132', '145', '155', '156', '166', '175', '176', '185', '186', '196'],
  'china-telecom': ['133', '149', '153', '173', '177', '180', '181', '189', '190', '191', '193', '199'],
  'china-broadnet': ['192'],
  mvno: ['162', '165', '167', '170', '171'],
};

/**
 * The strict national-number pattern, adapted from the widely used "any-rule" pattern with 9x widened
 * to 190–193 and 195–199. A number passes when it matches this pattern or its prefix is in the table,
 * so adding a segment to the table is enough to accept it.
 */
export const MOBILE_STRICT_PATTERN = /^1(?:3\d|4[5-79]|5[0-35-9]|6[5-7]|7[0-8]|8\d|9[0-35-9])\d{8}$/;
