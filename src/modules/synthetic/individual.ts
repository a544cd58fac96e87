import { type BuilderContext, nextMobile } from './builder-context.js';
import { dateAfter, groupThousands, isoDate } from './format.js';
import { buildBankCard, buildIdNumber } from './identifiers.js';
import { pickPersonName } from './person-name.js';
import { cumulativeWeights, type Rng } from './rng.js';
import { RESIDENTIAL_SUFFIXES, STREETS } from './tables/addresses.js';
import {
  LEVEL_WEIGHTS,
  LEVELS,
  MOBILE_MAIL_DOMAINS,
  PERSONAL_MAIL_DOMAINS,
  SOURCES,
} from './tables/customer-attributes.js';
import { PRODUCTS } from './tables/products.js';
import { REGIONS, type Region } from './tables/regions.js';
import type { SyntheticCustomer } from './types.js';

const LEVEL_CUMULATIVE = cumulativeWeights(LEVEL_WEIGHTS);
/** Orders per customer: 0..5, most customers bought once or twice. */
const ORDER_COUNT_CUMULATIVE = cumulativeWeights([10, 30, 25, 20, 10, 5]);
const QUANTITY_CUMULATIVE = cumulativeWeights([60, 25, 10, 5]);
const ORDER_EPOCH = Date.UTC(2021, 0, 1);
/** 2021-01-01 through 2025-08-31. */
const ORDER_DAYS = (Date.UTC(2025, 8, 1) - ORDER_EPOCH) / 86_400_000;
/** Share of people living in the county their ID number was issued in. */
const STAY_AT_HOME_SHARE = 0.7;

function personalEmail(ctx: BuilderContext, pinyin: string, mobile: string): string {
  const { rng, spaces, serials } = ctx;
  const style = rng.float();
  // Each style is unique on its own (QQ numbers and mailbox digits come from permutations, mobiles are
  // unique) and the styles cannot collide: only QQ style uses qq.com, only pinyin style starts with a letter.
  if (style < 0.4) return `${spaces.qqNumber(serials.qq++)}@qq.com`;
  if (style < 0.6) return `${mobile}@${rng.pick(MOBILE_MAIL_DOMAINS)}`;
  return `${pinyin}${spaces.mailboxNumber(serials.mailbox++)}@${rng.pick(PERSONAL_MAIL_DOMAINS)}`;
}

function residentialAddress(rng: Rng, region: Region): string {
  const street = rng.pick(STREETS);
  const estate = rng.pick(STREETS).slice(0, 2) + rng.pick(RESIDENTIAL_SUFFIXES);
  return `${region.label}${street}${rng.int(1, 999)}号${estate}${rng.int(1, 30)}幢${rng.int(1, 6)}单元${rng.int(1, 33)}0${rng.int(1, 4)}室`;
}

/** Purchase history `2024-03-01 人体工学椅×2 ¥2,560;…` in date order, and its total in yuan. */
function purchaseHistory(rng: Rng): { orders: string; amount: string } {
  const n = rng.weightedIndex(ORDER_COUNT_CUMULATIVE);
  const days: number[] = [];
  for (let i = 0; i < n; i++) days.push(rng.int(0, ORDER_DAYS - 1));
  days.sort((a, b) => a - b);
  let total = 0;
  const parts: string[] = [];
  for (const day of days) {
    const [product, price] = rng.pick(PRODUCTS);
    const quantity = [1, 2, 3, 5][rng.weightedIndex(QUANTITY_CUMULATIVE)] as number;
    const lineTotal = price * quantity;
    total += lineTotal;
    parts.push(
      `${isoDate(dateAfter(ORDER_EPOCH, day))} ${product}×${quantity} ¥${groupThousands(lineTotal)}`,
    );
  }
  return { orders: parts.join(';'), amount: `${total}.00` };
}

export function buildIndividual(ctx: BuilderContext): SyntheticCustomer {
  const { rng, spaces, serials } = ctx;
  const identity = spaces.idIdentity(serials.individual++);
  // GB 11643: an odd sequence number is a man.
  const male = identity.sequence % 2 === 1;
  const person = pickPersonName(rng, male);
  const mobile = nextMobile(ctx);
  const email = personalEmail(ctx, person.pinyin, mobile);
  const home = rng.chance(STAY_AT_HOME_SHARE) ? identity.region : rng.pick(REGIONS);
  const { orders, amount } = purchaseHistory(rng);
  return {
    kind: 'individual',
    fields: {
      name: person.name,
      mobile,
      idNumber: buildIdNumber(identity.region.code, identity.birth, identity.sequence),
      email,
      address: residentialAddress(rng, home),
      gender: male ? '男' : '女',
      birthday: isoDate(identity.birth),
      region: home.label,
      level: LEVELS[rng.weightedIndex(LEVEL_CUMULATIVE)] as string,
      source: rng.pick(SOURCES),
      orders,
      amount,
      bankCard: buildBankCard(rng),
    },
  };
}
