import {
  createHash,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import { open, seal } from './aead.js';
import { HmacSha256Key, hmacSha256 } from './hmac-sha256.js';
import { RandomPool } from './random-pool.js';

/** The org-level secrets the root key wraps (ARCHITECTURE §2). */
export type OrgKeyPurpose = 'dek-wrap' | 'blind-index' | 'audit-signing';
export type Grade = 'L1' | 'L2' | 'L3' | 'L4';

export interface WrappedOrgKeyRow {
  purpose: OrgKeyPurpose;
  version: number;
  wrapped: Buffer;
  status: 'active' | 'retiring' | 'retired';
}

const DEK_FORMAT_V1 = 0x01;
const GRADE_INFO: Record<Grade, Buffer> = {
  L1: Buffer.from('custodian/grade/v1|L1\x01', 'latin1'),
  L2: Buffer.from('custodian/grade/v1|L2\x01', 'latin1'),
  L3: Buffer.from('custodian/grade/v1|L3\x01', 'latin1'),
  L4: Buffer.from('custodian/grade/v1|L4\x01', 'latin1'),
};
const BLIND_INDEX_BYTES = 16;

function orgKeyAad(orgId: string, purpose: OrgKeyPurpose, version: number): Buffer {
  return Buffer.from(`custodian/orgkey/v1|${orgId}|${purpose}|${version}`);
}

/** Wraps org key material under the root key (KEK), bound to org, purpose and version. */
export function wrapOrgKey(
  kek: Buffer,
  orgId: string,
  purpose: OrgKeyPurpose,
  version: number,
  material: Buffer,
  pool: RandomPool,
): Buffer {
  return seal(createSecretKey(kek), material, orgKeyAad(orgId, purpose, version), pool);
}

/** Opens one wrapped org key row with the root key (throws CIPHERTEXT_MISMATCH on a wrong key). */
export function unwrapOrgKey(
  kek: Buffer,
  orgId: string,
  row: Pick<WrappedOrgKeyRow, 'purpose' | 'version' | 'wrapped'>,
): Buffer {
  return open(createSecretKey(kek), row.wrapped, orgKeyAad(orgId, row.purpose, row.version), 'org key');
}

/** New random material for an org key of the given purpose. */
export function newOrgKeyMaterial(purpose: OrgKeyPurpose, pool: RandomPool): Buffer {
  if (purpose === 'audit-signing') {
    const { privateKey } = generateKeyPairSync('ed25519');
    return privateKey.export({ format: 'der', type: 'pkcs8' });
  }
  return Buffer.from(pool.take(32));
}

/** Hex SHA-256 fingerprint of an Ed25519 public key (raw SPKI DER), shown to people who compare it. */
export function keyFingerprint(publicKey: KeyObject): string {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return createHash('sha256').update(der).digest('hex');
}

/**
 * What a sealing worker thread needs to seal new customers exactly as the org's KeyRing does: the
 * active dek-wrap key and the blind-index root, never the root key or the signing key. Held in memory
 * only (crosses to a worker by message).
 */
export interface SealingMaterial {
  orgId: string;
  activeVersion: number;
  dekWrap: Buffer;
  blindIndexRoot: Buffer;
}

/**
 * The org's data keys: wraps customer keys, seals and opens grade blobs and documents, computes blind
 * indexes. A KeyRing is these plus the signing key; a worker thread that only seals gets these alone.
 */
export class SealingKeys {
  protected readonly dekWrapKeys = new Map<number, KeyObject>();
  private readonly blindIndexKeys = new Map<string, HmacSha256Key>();
  readonly pool = new RandomPool();

  protected constructor(
    readonly orgId: string,
    dekWrap: Map<number, Buffer>,
    public activeVersion: number,
    private readonly blindIndexRoot: Buffer,
  ) {
    for (const [version, material] of dekWrap) this.dekWrapKeys.set(version, createSecretKey(material));
  }

  static fromMaterial(m: SealingMaterial): SealingKeys {
    return new SealingKeys(
      m.orgId,
      new Map([[m.activeVersion, m.dekWrap]]),
      m.activeVersion,
      m.blindIndexRoot,
    );
  }

  /** The material a sealing worker needs (see SealingMaterial). */
  sealingMaterial(): SealingMaterial {
    const key = this.dekWrapKeys.get(this.activeVersion);
    if (!key) throw new AppError('KEY_VERSION_UNKNOWN', { version: this.activeVersion });
    return {
      orgId: this.orgId,
      activeVersion: this.activeVersion,
      dekWrap: key.export(),
      blindIndexRoot: this.blindIndexRoot,
    };
  }

  /** Adds a freshly created dek-wrap version and makes it the one new wraps use. */
  activateVersion(version: number, material: Buffer): void {
    this.dekWrapKeys.set(version, createSecretKey(material));
    this.activeVersion = version;
  }

  hasVersion(version: number): boolean {
    return this.dekWrapKeys.has(version);
  }

  private dekAad(customerId: string, version: number): Buffer {
    return Buffer.from(`custodian/dek/v1|${this.orgId}|${customerId}|${version}`);
  }

  newCustomerKey(): Buffer {
    return Buffer.from(this.pool.take(32));
  }

  /** Wrapped DEK layout: [format][org-key version u32 BE][sealed DEK]. */
  wrapCustomerKey(customerId: string, dek: Buffer, version = this.activeVersion): Buffer {
    const key = this.dekWrapKeys.get(version);
    if (!key) throw new AppError('KEY_VERSION_UNKNOWN', { version });
    const header = Buffer.allocUnsafe(5);
    header[0] = DEK_FORMAT_V1;
    header.writeUInt32BE(version, 1);
    return Buffer.concat([header, seal(key, dek, this.dekAad(customerId, version), this.pool)]);
  }

  /** The org-key version a wrapped DEK was made with. */
  static wrappedVersion(wrapped: Buffer): number {
    if (wrapped[0] !== DEK_FORMAT_V1) throw new AppError('CIPHERTEXT_FORMAT', { version: wrapped[0] });
    return wrapped.readUInt32BE(1);
  }

  unwrapCustomerKey(customerId: string, wrapped: Buffer): Buffer {
    const version = KeyRing.wrappedVersion(wrapped);
    const key = this.dekWrapKeys.get(version);
    if (!key) throw new AppError('KEY_VERSION_UNKNOWN', { version });
    return open(key, wrapped.subarray(5), this.dekAad(customerId, version), `customer ${customerId} key`);
  }

  /**
   * Per-grade subkey: HKDF-Expand (RFC 5869 §2.3, one block = HMAC(DEK, info || 0x01)). The DEK is
   * already uniformly random, so the Extract step adds nothing (RFC 5869 §3.3) and costs a second HMAC.
   */
  private gradeKey(dek: Buffer, grade: Grade): Buffer {
    return hmacSha256(dek, GRADE_INFO[grade]);
  }

  private blobAad(customerId: string, grade: Grade): Buffer {
    return Buffer.from(`custodian/blob/v1|${this.orgId}|${customerId}|${grade}`);
  }

  /** Seals one grade's fields of one customer as a single blob under a per-grade subkey of its DEK. */
  sealGradeBlob(customerId: string, grade: Grade, dek: Buffer, fields: Record<string, unknown>): Buffer {
    const plaintext = Buffer.from(JSON.stringify(fields));
    return seal(this.gradeKey(dek, grade), plaintext, this.blobAad(customerId, grade), this.pool);
  }

  openGradeBlob(customerId: string, grade: Grade, dek: Buffer, blob: Buffer): Record<string, unknown> {
    const plain = open(
      this.gradeKey(dek, grade),
      blob,
      this.blobAad(customerId, grade),
      `customer ${customerId} ${grade}`,
    );
    return JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
  }

  /**
   * Seals a document that is not a customer record (a quarantined import row, a package part) under a
   * data key of its own scope; `scope` (e.g. `import:<batch>:row:<n>`) is bound into the AAD.
   */
  sealDocument(scope: string, dek: Buffer, value: unknown): Buffer {
    return seal(
      dek,
      Buffer.from(JSON.stringify(value)),
      Buffer.from(`custodian/doc/v1|${this.orgId}|${scope}`),
      this.pool,
    );
  }

  openDocument(scope: string, dek: Buffer, blob: Buffer): unknown {
    const plain = open(dek, blob, Buffer.from(`custodian/doc/v1|${this.orgId}|${scope}`), scope);
    return JSON.parse(plain.toString('utf8')) as unknown;
  }

  /** Keyed blind index of a normalised value (never an unkeyed hash: phone numbers are brute-forceable). */
  blindIndex(field: string, normalisedValue: string): Buffer {
    let key = this.blindIndexKeys.get(field);
    if (!key) {
      const material = hkdfSync(
        'sha256',
        this.blindIndexRoot,
        Buffer.alloc(0),
        `custodian/bi/v1|${field}`,
        32,
      );
      key = new HmacSha256Key(new Uint8Array(material));
      new Uint8Array(material).fill(0);
      this.blindIndexKeys.set(field, key);
    }
    return key.digest(normalisedValue, BLIND_INDEX_BYTES);
  }
}

/**
 * The unwrapped keys of one org, held in memory by a running process. Everything that encrypts,
 * indexes or signs for the org goes through here.
 */
export class KeyRing extends SealingKeys {
  private readonly signingKey: KeyObject;
  readonly verifyKey: KeyObject;

  private constructor(
    orgId: string,
    dekWrap: Map<number, Buffer>,
    activeVersion: number,
    blindIndexRoot: Buffer,
    signingDer: Buffer,
  ) {
    super(orgId, dekWrap, activeVersion, blindIndexRoot);
    this.signingKey = createPrivateKey({ key: signingDer, format: 'der', type: 'pkcs8' });
    this.verifyKey = createPublicKey(this.signingKey);
  }

  /**
   * Unwraps the org's key rows with the root key. A row that fails to open means the root key is not
   * this database's (wrong key file or passphrase): `mismatch` says which error to raise.
   */
  static unwrap(
    orgId: string,
    kek: Buffer,
    rows: WrappedOrgKeyRow[],
    mismatch: 'ROOT_KEY_MISMATCH' | 'PASSPHRASE_WRONG',
  ): KeyRing {
    const openRow = (row: WrappedOrgKeyRow): Buffer => {
      try {
        return unwrapOrgKey(kek, orgId, row);
      } catch {
        throw new AppError(mismatch);
      }
    };
    const dekWrap = new Map<number, Buffer>();
    let active = 0;
    let blindRoot: Buffer | undefined;
    let signing: Buffer | undefined;
    for (const row of rows) {
      if (row.purpose === 'dek-wrap') {
        if (row.status === 'retired') continue;
        dekWrap.set(row.version, openRow(row));
        if (row.status === 'active') active = Math.max(active, row.version);
      } else if (row.purpose === 'blind-index' && row.status === 'active') {
        blindRoot = openRow(row);
      } else if (row.purpose === 'audit-signing' && row.status === 'active') {
        signing = openRow(row);
      }
    }
    if (!blindRoot || !signing || active === 0) {
      throw new AppError('KEY_FILE_INVALID', { path: 'org_keys', detail: 'org key set incomplete' });
    }
    return new KeyRing(orgId, dekWrap, active, blindRoot, signing);
  }

  sign(data: Buffer): Buffer {
    return sign(null, data, this.signingKey);
  }

  verify(data: Buffer, signature: Buffer): boolean {
    return verify(null, data, this.verifyKey, signature);
  }

  get signingFingerprint(): string {
    return keyFingerprint(this.verifyKey);
  }
}
