import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findPgBin } from './postgres.js';

/** Every byte form a value could take if it were stored in clear: UTF-8, hex of UTF-8, integer forms. */
export function plaintextForms(value: string): Array<{ label: string; bytes: Buffer }> {
  const forms = [
    { label: 'utf8', bytes: Buffer.from(value, 'utf8') },
    { label: 'hex', bytes: Buffer.from(Buffer.from(value, 'utf8').toString('hex'), 'latin1') },
    { label: 'utf16le', bytes: Buffer.from(value, 'utf16le') },
  ];
  if (/^\d{6,18}$/.test(value) && Number.isSafeInteger(Number(value))) {
    const n = BigInt(value);
    const be8 = Buffer.alloc(8);
    be8.writeBigInt64BE(n);
    forms.push({ label: 'int64', bytes: be8 });
    forms.push({ label: 'int48', bytes: be8.subarray(2) });
  }
  return forms;
}

export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** Which of the needles appear in which files (an empty list is the passing answer). */
export function findInFiles(files: string[], needles: Array<{ label: string; bytes: Buffer }>): string[] {
  const hits: string[] = [];
  for (const file of files) {
    const content = readFileSync(file);
    for (const n of needles) if (content.includes(n.bytes)) hits.push(`${file}: ${n.label}`);
  }
  return hits;
}

export function pgDump(url: string): Buffer {
  const bin = findPgBin();
  if (!bin) throw new Error('pg_dump not found');
  return execFileSync(join(bin, 'pg_dump'), ['--dbname', url, '--no-owner'], {
    maxBuffer: 512 * 1024 * 1024,
  });
}
