import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/main.js';

// biome-ignore lint/suspicious/noExplicitAny: CLI JSON output is probed field by field in these tests
type Json = any;

const root = mkdtempSync(join(tmpdir(), 'custodian-transfer-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cli(
  data: string,
  ...args: string[]
): Promise<{ code: number; out: string; err: string; json: () => Json }> {
  let out = '';
  let err = '';
  const code = await runCli(['node', 'custodian', '--data', data, ...args], {
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
    stderrIsTty: false,
  });
  return { code, out, err, json: () => JSON.parse(out) };
}

/** `purpose add` with a 3-year retention; the exit code must be 0. */
async function addPurpose(dir: string, key: string, name: string, basis: string): Promise<void> {
  const r = await cli(
    dir,
    'purpose',
    'add',
    '--key',
    key,
    '--name',
    name,
    '--basis',
    basis,
    '--retention',
    '3y',
  );
  expect(r.code).toBe(0);
}

/** `customer add` of an individual held for `purpose`; returns its id. */
async function addIndividual(dir: string, purpose: string, name: string, mobile: string): Promise<string> {
  const r = await cli(
    dir,
    'customer',
    'add',
    '--kind',
    'individual',
    '--purpose',
    purpose,
    '--field',
    `name=${name}`,
    '--field',
    `mobile=${mobile}`,
    '--json',
  );
  expect(r.code).toBe(0);
  return r.json().id as string;
}

describe('transfer through the CLI (seller and acquirer data directories)', () => {
  it('identity exchange -> create -> readiness -> notice -> package -> receive -> complete -> dossier', async () => {
    const S = join(root, 'seller');
    const B = join(root, 'buyer');
    const f = (name: string) => join(root, name);
    expect((await cli(S, 'init', '--org-name', '卖方公司', '--json')).code).toBe(0);
    expect((await cli(B, 'init', '--org-name', '买方公司', '--json')).code).toBe(0);
    await addPurpose(S, 'sales', '销售服务', 'consent');
    for (const m of ['13912345678', '18698765432', '13700001111']) await addIndividual(S, 'sales', '张三', m);

    expect((await cli(S, 'org', 'identity', 'export', '--out', f('seller.id.json'))).code).toBe(0);
    expect((await cli(B, 'org', 'identity', 'export', '--out', f('buyer.id.json'))).code).toBe(0);
    const imp = await cli(
      S,
      'org',
      'identity',
      'import',
      f('buyer.id.json'),
      '--name',
      '买方公司',
      '--contact',
      'dpo@buyer.example.cn',
      '--uscc',
      '91350100M000100Y43',
      '--json',
    );
    expect(imp.code).toBe(0);
    const buyerCp = imp.json().id as string;
    expect(imp.json().fingerprint).toBe(JSON.parse(readFileSync(f('buyer.id.json'), 'utf8')).fingerprint);
    const imp2 = await cli(B, 'org', 'identity', 'import', f('seller.id.json'), '--name', '卖方公司');
    expect(imp2.code).toBe(0);
    expect(imp2.out).toContain(JSON.parse(readFileSync(f('seller.id.json'), 'utf8')).fingerprint);

    const created = await cli(
      S,
      'transfer',
      'create',
      '--path',
      'B',
      '--counterparty',
      buyerCp,
      '--name',
      '吸收合并',
      '--fields',
      'name,mobile',
      '--planned-date',
      '2027-01-31',
      '--json',
    );
    expect(created.code).toBe(0);
    const id = created.json().id as string;
    const ready = await cli(S, 'transfer', 'readiness', id, '--html', f('readiness.html'), '--json');
    expect(ready.code).toBe(0);
    expect(ready.json().inScope).toBe(3);
    expect(readFileSync(f('readiness.html'), 'utf8')).toContain('转让准备度审计');
    // --last reads the stored report back without running the audit again.
    const last = await cli(S, 'transfer', 'readiness', id, '--last', '--json');
    expect(last.code).toBe(0);
    expect(last.json()).toEqual(ready.json());
    expect((await cli(S, 'transfer', 'notice-start', id)).code).toBe(0);
    expect((await cli(S, 'transfer', 'close-answers', id)).code).toBe(5);
    expect((await cli(S, 'transfer', 'close-answers', id, '--reason', '全部客户已书面确认')).code).toBe(0);
    const dd = await cli(S, 'transfer', 'dd', id, '--out', f('dd.json'), '--k', '2', '--json');
    expect(dd.code).toBe(0);
    expect(readFileSync(f('dd.json'), 'utf8')).not.toContain('13912345678');
    const pkg = await cli(S, 'transfer', 'package', id, '--out', f('merger.age'), '--json');
    expect(pkg.code).toBe(0);
    expect(pkg.json().records).toBe(3);
    expect(existsSync(f('merger.manifest.json'))).toBe(true);

    // Tampered package: refused with the integrity exit code, nothing imported.
    const bytes = readFileSync(f('merger.age'));
    bytes[200] = (bytes[200] as number) ^ 0xff;
    writeFileSync(f('bad.age'), bytes);
    const bad = await cli(
      B,
      'transfer',
      'receive',
      f('bad.age'),
      '--manifest',
      f('merger.manifest.json'),
      '--json',
    );
    expect(bad.code).toBe(8);
    expect(bad.json().error.code).toBe('TRANSFER_PACKAGE_MISMATCH');

    const rec = await cli(B, 'transfer', 'receive', f('merger.age'), '--json');
    expect(rec.code).toBe(0);
    expect(rec.json().imported).toBe(3);
    expect(existsSync(f('merger.receipt.json'))).toBe(true);
    expect((await cli(B, 'transfer', 'receive', f('merger.age'))).code).toBe(5);
    // The received packages and the signed receipt, again.
    const inbound = await cli(B, 'transfer', 'inbound', '--json');
    expect(inbound.code).toBe(0);
    expect(inbound.json()).toHaveLength(1);
    expect(inbound.json()[0]).toMatchObject({
      id: rec.json().inboundId,
      transferId: id,
      seller: { name: '卖方公司' },
      count: 3,
      merkleRoot: pkg.json().merkleRoot,
    });
    const again = await cli(
      B,
      'transfer',
      'receipt',
      rec.json().inboundId,
      '--out',
      f('again.json'),
      '--json',
    );
    expect(again.code).toBe(0);
    expect(JSON.parse(readFileSync(f('again.json'), 'utf8'))).toEqual(rec.json().receipt);
    expect((await cli(B, 'transfer', 'receipt', 'no-such-id', '--json')).code).toBe(4);
    const found = await cli(B, 'customer', 'find', '--mobile', '13912345678', '--json');
    expect(found.json()).toHaveLength(1);

    const done = await cli(
      S,
      'transfer',
      'complete',
      id,
      '--receipt',
      f('merger.receipt.json'),
      '--approver',
      '董事会',
      '--certificate-out',
      f('cert.json'),
      '--html',
      f('cert.html'),
      '--json',
    );
    expect(done.code).toBe(0);
    expect(done.json().certificate.counts.erased).toBe(3);
    expect(readFileSync(f('cert.html'), 'utf8')).toContain('个人信息销毁证明');
    expect((await cli(S, 'customer', 'find', '--mobile', '13912345678', '--json')).json()).toHaveLength(0);
    const dossier = await cli(S, 'transfer', 'dossier', id, '--out', f('dossier.html'), '--json');
    expect(dossier.code).toBe(0);
    const html = readFileSync(f('dossier.html'), 'utf8');
    expect(html).toContain('公司转让档案');
    expect(html).not.toContain('13912345678');
    writeFileSync(f('cp.json'), JSON.stringify(dossier.json().checkpoint));
    expect((await cli(S, 'audit', 'verify', '--checkpoint', f('cp.json'))).code).toBe(0);
    const timeline = await cli(S, 'transfer', 'timeline', id, '--json');
    expect(timeline.json().map((e: { action: string }) => e.action)).toContain('transfer.complete');
  });

  it('transfer campaign: starts the notice period and notifies exactly the case scope', async () => {
    const S = join(root, 'campaign');
    expect((await cli(S, 'init', '--org-name', '卖方公司', '--json')).code).toBe(0);
    for (const key of ['sales', 'other']) await addPurpose(S, key, key, 'contract');
    const add = (purpose: string, mobile: string) => addIndividual(S, purpose, '李四', mobile);
    await add('sales', '13912340001');
    await add('sales', '13912340002');
    await add('other', '13912340003');
    const created = await cli(
      S,
      'transfer',
      'create',
      '--path',
      'D',
      '--name',
      '解散清算',
      '--scope-purpose',
      'sales',
      '--fields',
      'name,mobile',
      '--json',
    );
    const id = created.json().id as string;
    expect((await cli(S, 'transfer', 'readiness', id, '--json')).json().inScope).toBe(2);
    const r = await cli(
      S,
      'transfer',
      'campaign',
      id,
      '--channel',
      'sms',
      '--recipient-name',
      '清算组',
      '--recipient-contact',
      '010-12345678',
      '--planned-date',
      '2099-01-31',
      '--json',
    );
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.json()).toMatchObject({ noticeStarted: true, customers: 2, queued: 2, unreachable: 0 });
    expect(r.json().transfer.status).toBe('noticing');
    const again = await cli(S, 'transfer', 'campaign', id, '--planned-date', '2099-01-31', '--json');
    expect(again.code).toBe(5);
    expect(again.json().error.code).toBe('TRANSFER_CAMPAIGN_EXISTS');
    const tally = await cli(S, 'notices', 'tally', r.json().campaign.id, '--json');
    expect(tally.json().customers).toBe(2);
  });

  it('path D: complete --no-recipient erases without a receipt', async () => {
    const D = join(root, 'dissolve');
    expect((await cli(D, 'init', '--json')).code).toBe(0);
    await addPurpose(D, 'sales', '销售服务', 'consent');
    await addIndividual(D, 'sales', '李四', '13912340000');
    const id = (await cli(D, 'transfer', 'create', '--path', 'D', '--name', '清算注销', '--json')).json()
      .id as string;
    expect((await cli(D, 'transfer', 'readiness', id)).code).toBe(0);
    expect((await cli(D, 'transfer', 'notice-start', id)).code).toBe(0);
    expect((await cli(D, 'transfer', 'close-answers', id, '--reason', '清算组决定')).code).toBe(0);
    expect((await cli(D, 'transfer', 'complete', id)).code).toBe(3);
    const done = await cli(
      D,
      'transfer',
      'complete',
      id,
      '--no-recipient',
      '--certificate-out',
      join(root, 'd.json'),
      '--json',
    );
    expect(done.code).toBe(0);
    expect(done.json().certificate.counts.erased).toBe(1);
    expect(done.json().certificate.receiptSha256).toBeNull();
  });
});
