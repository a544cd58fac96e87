import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { KeyRing } from '../../kernel/crypto/key-ring.js';
import { AppError } from '../../kernel/errors/app-error.js';
import { validateMobileField } from '../../kernel/identifiers/index.js';
import { orgIndexNumber } from '../../kernel/store/org-index-number.js';
import type { Db, Trx } from '../../kernel/store/store.js';
import { decodeGrades } from '../customers/customer-codec.js';
import type { NoticeChannel } from './notice-types.js';

/**
 * Where notices touch the vault: destination hashes from the blind index (no decryption), addresses
 * decrypted at send time only, and link secrets sealed under the customer's data key so that erasing
 * the customer shreds them too.
 */
const FIELD_OF: Record<NoticeChannel, 'email' | 'mobile'> = { email: 'email', sms: 'mobile' };

/** Short codes avoid look-alikes (0/O, 1/I/L) so they survive being read out on the phone. */
export const SHORT_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export function newShortCode(): string {
  let s = '';
  for (let i = 0; i < 8; i += 1) s += SHORT_CODE_ALPHABET[randomInt(SHORT_CODE_ALPHABET.length)];
  return s;
}

/** A 256-bit link token (base64url); only its SHA-256 is stored for lookup. */
export function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function normaliseShortCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

export interface LinkSecret {
  token: string;
  code: string;
}

export function createNoticeVault(keys: KeyRing, orgId: string) {
  function codeHash(code: string): string {
    return keys.blindIndex('noticeShortCode', normaliseShortCode(code)).toString('hex');
  }

  /** Blind-index hash of an address as the vault indexes it (email lower-case; a mobile as the mobile field holds it). */
  function destHash(channel: NoticeChannel, address: string): string | null {
    if (channel === 'email') return keys.blindIndex('email', address.trim().toLowerCase()).toString('hex');
    const v = validateMobileField(address);
    return v.ok ? keys.blindIndex('mobile', v.value).toString('hex') : null;
  }

  /** Per customer, the hash of each channel's destination, read from the blind index (no decryption). */
  async function destinations(
    db: Db | Trx,
    customerIds: readonly string[],
  ): Promise<Map<string, Partial<Record<NoticeChannel, string>>>> {
    const out = new Map<string, Partial<Record<NoticeChannel, string>>>();
    for (let i = 0; i < customerIds.length; i += 500) {
      const rows = await db
        .selectFrom('blind_index')
        .select(['customer_id', 'field', 'hash'])
        .where('org_no', '=', orgIndexNumber(orgId))
        .where('field', 'in', ['email', 'mobile'])
        .where('customer_id', 'in', customerIds.slice(i, i + 500))
        .execute();
      for (const r of rows) {
        const entry = out.get(r.customer_id) ?? {};
        entry[r.field === 'email' ? 'email' : 'sms'] = Buffer.from(r.hash).toString('hex');
        out.set(r.customer_id, entry);
      }
    }
    return out;
  }

  async function customerKey(db: Db | Trx, customerId: string): Promise<{ dek: Buffer; row: CustomerRow }> {
    const row = await db
      .selectFrom('customers')
      .select(['id', 'kind', 'status', 'wrapped_dek', 'blob_l2', 'blob_l3', 'blob_l4'])
      .where('org_id', '=', orgId)
      .where('id', '=', customerId)
      .executeTakeFirst();
    if (!row || row.status === 'erased' || !row.wrapped_dek)
      throw new AppError('CUSTOMER_NOT_FOUND', { id: customerId });
    return { dek: keys.unwrapCustomerKey(customerId, row.wrapped_dek), row };
  }

  function sealLink(customerId: string, deliveryId: string, dek: Buffer, secret: LinkSecret): Buffer {
    return keys.sealDocument(`notice-link:${customerId}:${deliveryId}`, dek, secret);
  }

  async function openLink(
    db: Db | Trx,
    customerId: string,
    deliveryId: string,
    sealed: Buffer,
  ): Promise<LinkSecret> {
    const { dek } = await customerKey(db, customerId);
    return keys.openDocument(`notice-link:${customerId}:${deliveryId}`, dek, sealed) as LinkSecret;
  }

  /**
   * The customer's address for a channel, decrypted now (the caller has committed the audit record).
   * Null when the vault holds none.
   */
  async function address(db: Db | Trx, customerId: string, channel: NoticeChannel): Promise<string | null> {
    const { row } = await customerKey(db, customerId);
    const { values } = decodeGrades(keys, row, ['L3']);
    const v = values[FIELD_OF[channel]];
    return typeof v === 'string' && v.length > 0 ? v : null;
  }

  /** Name and postal address for a printed letter (decrypted at print time, never stored). */
  async function letterAddressee(
    db: Db | Trx,
    customerId: string,
  ): Promise<{ name?: string; address?: string }> {
    const { row } = await customerKey(db, customerId);
    const { values } = decodeGrades(keys, row, ['L3']);
    const pick = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
    const out: { name?: string; address?: string } = {};
    const name = pick('name');
    const addr = pick('address');
    if (name) out.name = name;
    if (addr) out.address = addr;
    return out;
  }

  return { codeHash, destHash, destinations, customerKey, sealLink, openLink, address, letterAddressee };
}

type CustomerRow = {
  id: string;
  kind: 'individual' | 'company' | 'contact';
  wrapped_dek: Buffer | null;
  blob_l2: Buffer | null;
  blob_l3: Buffer | null;
  blob_l4: Buffer | null;
};

export type NoticeVault = ReturnType<typeof createNoticeVault>;
