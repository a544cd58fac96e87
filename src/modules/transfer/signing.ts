import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { keyFingerprint } from '../../kernel/crypto/key-ring.js';

/** JSON with object keys sorted at every level: the byte form that is signed and hashed. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortDeep(value));
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value as Record<string, unknown>).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortDeep(v);
    }
    return out;
  }
  return value;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The bytes a signature covers: the canonical JSON of the document without its `signature`. */
export function signedBytes(doc: object): Buffer {
  const { signature: _omit, ...rest } = doc as Record<string, unknown>;
  return Buffer.from(canonicalJson(rest));
}

export function publicKeyFromBase64(spkiBase64: string): KeyObject {
  return createPublicKey({ key: Buffer.from(spkiBase64, 'base64'), format: 'der', type: 'spki' });
}

/** Whether `doc.signature` is a valid Ed25519 signature over `signedBytes(doc)` by this public key. */
export function verifyDoc(doc: { signature?: unknown }, publicKey: KeyObject): boolean {
  if (typeof doc.signature !== 'string') return false;
  try {
    return verify(null, signedBytes(doc), publicKey, Buffer.from(doc.signature, 'base64'));
  } catch {
    return false;
  }
}

export { keyFingerprint };
