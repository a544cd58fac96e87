import { type BuilderContext, nextMobile } from './builder-context.js';
import { pad } from './format.js';
import { buildEnterpriseUscc, buildOrgCode } from './identifiers.js';
import { pickPersonName } from './person-name.js';
import { cumulativeWeights } from './rng.js';
import { OFFICE_BUILDINGS, STREETS } from './tables/addresses.js';
import { CONTACT_ROLES } from './tables/contact-roles.js';
import { LEVEL_WEIGHTS, LEVELS } from './tables/customer-attributes.js';
import { regionLabel } from './tables/regions.js';
import type { SyntheticCustomer } from './types.js';

const LEVEL_CUMULATIVE = cumulativeWeights(LEVEL_WEIGHTS);
/** Organisation codes issued with a USCC since 2015 start with MA; older companies kept numeric ones. */
const MODERN_ORG_SHARE = 0.55;
const JOINT_STOCK_SHARE = 0.12;

export interface CompanyRecord {
  customer: SyntheticCustomer;
  /** Mail domain shared by its contacts. */
  domain: string;
}

export function buildCompany(ctx: BuilderContext): CompanyRecord {
  const { rng, spaces, serials } = ctx;
  const identity = spaces.companyIdentity(serials.company++);
  const { city, nameWord } = identity;
  const county = rng.pick(city.counties);
  const region = regionLabel(city, county);
  const suffix = rng.chance(JOINT_STOCK_SHARE) ? '股份有限公司' : '有限公司';
  const orgBody = rng.chance(MODERN_ORG_SHARE)
    ? spaces.modernOrgBody(serials.modernOrg++)
    : spaces.legacyOrgBody(serials.legacyOrg++);
  // Unique per company: city abbreviations are prefix-free, trade-name pinyin pairs decode uniquely and
  // the slug after the hyphen names the business-scope word.
  const domain = `${city.abbr}${identity.brandPinyin}-${nameWord.slug}.com`;
  const leadDigit = rng.chance(0.5) ? 8 : rng.int(2, 8);
  const building = rng.pick(OFFICE_BUILDINGS);
  return {
    domain,
    customer: {
      kind: 'company',
      fields: {
        companyName: `${city.short}${identity.brand}${nameWord.word}${suffix}`,
        uscc: buildEnterpriseUscc(county.code, buildOrgCode(orgBody)),
        industry: nameWord.industry.name,
        region,
        address: `${region}${rng.pick(STREETS)}${rng.int(1, 999)}号${building}${rng.int(1, 28)}层${pad(rng.int(1, 30), 2)}室`,
        landline: `${city.areaCode}-${leadDigit}${pad(rng.int(0, 9_999_999), 7)}`,
        website: `www.${domain}`,
        level: LEVELS[rng.weightedIndex(LEVEL_CUMULATIVE)] as string,
      },
    },
  };
}

/**
 * A contact person of `company`. `usedMailboxes` holds the mailbox names already given out in this company,
 * so two contacts called 张伟 get zhangwei@ and zhangwei2@.
 */
export function buildContact(
  ctx: BuilderContext,
  company: CompanyRecord,
  usedMailboxes: string[],
): SyntheticCustomer {
  const { rng } = ctx;
  const person = pickPersonName(rng, rng.chance(0.5));
  let mailbox = person.pinyin;
  for (let n = 2; usedMailboxes.includes(mailbox); n++) mailbox = `${person.pinyin}${n}`;
  usedMailboxes.push(mailbox);
  const [title, dept] = rng.pick(CONTACT_ROLES);
  const companyName = company.customer.fields.companyName as string;
  return {
    kind: 'contact',
    companyRef: companyName,
    fields: {
      name: person.name,
      mobile: nextMobile(ctx),
      email: `${mailbox}@${company.domain}`,
      title,
      dept,
      companyName,
      uscc: company.customer.fields.uscc as string,
    },
  };
}
