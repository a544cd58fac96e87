import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { App } from '../../app.js';
import type { Actor } from '../../kernel/authz/permissions.js';
import { type CliContext, collectList, integerOption } from '../../kernel/cli/cli-runtime.js';
import { AppError } from '../../kernel/errors/app-error.js';
import { formatShanghai } from '../../kernel/time/clock.js';
import { ANSWER_KINDS, type AnswerKind } from './answers-port.js';
import type { CampaignChannel } from './campaign-port.js';
import { manifestPathFor } from './package-builder.js';
import { certificateHtml, dossierHtml, readinessHtml } from './report-html.js';
import type { Transfer, TransferPath } from './transfer-types.js';

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new AppError('FILE_NOT_FOUND', { path });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError('VALIDATION_FAILED', { detail: `${path} is not JSON` });
  }
}

function writeOut(path: string, text: string, mode = 0o644): void {
  writeFileSync(path, text, { mode });
}

const line = (t: Transfer) =>
  `${t.id}  ${t.path}  ${t.status.padEnd(14)} ${t.name}  (${formatShanghai(new Date(t.createdAt))})`;

function registerIdentityCommands(program: Command, ctx: CliContext<App, Actor>): void {
  const org =
    program.commands.find((c) => c.name() === 'org') ??
    program.command('org').description('本组织 / this organisation');
  const identity = org.command('identity').description('转让身份（age 与 Ed25519 公钥）/ transfer identity');
  identity
    .command('export')
    .description('导出本组织身份文件（公钥）/ export this org’s identity file (public keys)')
    .requiredOption('--out <file>', 'output file')
    .action(async (o, cmd: Command) =>
      ctx.run(
        cmd,
        async (app, actor) => {
          const file = await app.transfer.identity.exportIdentity(actor);
          writeOut(o.out, `${JSON.stringify(file, null, 2)}\n`);
          return { out: o.out, fingerprint: file.fingerprint, ageRecipient: file.ageRecipient };
        },
        (r) =>
          `已导出 / exported ${r.out}\n公钥指纹 fingerprint（请线下核对 compare out of band）: ${r.fingerprint}`,
      ),
    );
  identity
    .command('import <file>')
    .description('导入交易对方身份文件 / import a counterparty’s identity file')
    .requiredOption('--name <name>', '对方名称 / counterparty name')
    .option('--contact <text>', '联系方式（PIPL 第二十二条须告知）/ contact details')
    .option('--uscc <code>', '统一社会信用代码 / USCC')
    .action(async (file: string, o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) =>
          app.transfer.identity.importCounterparty(actor, readJson(file), {
            name: o.name,
            contact: o.contact,
            uscc: o.uscc,
          }),
        (c) =>
          `已导入交易对方 / counterparty imported: ${c.id} ${c.name}\n公钥指纹 fingerprint（请与对方线下核对 compare out of band）: ${c.fingerprint}`,
      ),
    );
  identity
    .command('export-secret')
    .description(
      '导出 age 私钥，供 `age -d -i` 离线解密（审计；文件权限 0600）/ export the age secret identity',
    )
    .requiredOption('--out <file>', 'output file (mode 0600)')
    .action(async (o, cmd: Command) =>
      ctx.run(
        cmd,
        async (app, actor) => {
          writeOut(o.out, `${await app.transfer.identity.exportSecret(actor)}\n`, 0o600);
          return { out: o.out };
        },
        (r) => `已导出私钥 / secret identity written to ${r.out} (0600) — 用后请删除 delete after use`,
      ),
    );
  org
    .command('counterparties')
    .description('已导入的交易对方 / imported counterparties')
    .action(async (_o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) => app.transfer.identity.listCounterparties(actor),
        (r) => r.map((c) => `${c.id}  ${c.name}  ${c.fingerprint}`).join('\n') || '（无 / none）',
      ),
    );
}

export function registerTransferCommands(program: Command, ctx: CliContext<App, Actor>): void {
  registerIdentityCommands(program, ctx);
  const transfer = program.command('transfer').description('公司转让 / company transfer (PIPL Art. 22/23)');
  transfer
    .command('create')
    .description('创建转让案件 / create a transfer case')
    .requiredOption('--path <path>', 'A 股权转让 | B 合并分立 | C 资产出售 | D 解散无接收方')
    .requiredOption('--name <name>', '案件名称 / case name')
    .option('--counterparty <id>', '接收方（已导入的交易对方）/ recipient counterparty id')
    .option('--scope-kind <kind>', 'individual | company | contact')
    .option('--scope-purpose <key>', 'only customers held under this purpose')
    .option('--scope-owner <id>', 'only customers of this owner')
    .option('--scope-tag <tag>', 'only customers with this tag')
    .option('--fields <list>', '移交字段（默认 L1–L3）/ fields handed over', collectList)
    .option('--include-l4', '包含 L4 高敏字段（须 --l4-reason）')
    .option('--l4-reason <text>', 'approval reason for L4 fields')
    .option(
      '--notice-days <n>',
      '告知提前天数 / notice lead time in days (0–365)',
      integerOption('--notice-days', { min: 0, max: 365 }),
      30,
    )
    .option('--planned-date <date>', 'YYYY-MM-DD')
    .action(async (o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) =>
          app.transfer.cases.create(actor, {
            path: String(o.path).toUpperCase() as TransferPath,
            name: o.name,
            counterpartyId: o.counterparty,
            scope: { kind: o.scopeKind, purpose: o.scopePurpose, owner: o.scopeOwner, tag: o.scopeTag },
            fields: o.fields,
            includeL4: o.includeL4,
            l4Reason: o.l4Reason,
            noticeDays: o.noticeDays,
            plannedDate: o.plannedDate,
          }),
        line,
      ),
    );
  transfer
    .command('list')
    .description('转让案件列表 / list transfers')
    .action(async (_o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) => app.transfer.cases.list(actor),
        (r) => r.map(line).join('\n') || '（无 / none）',
      ),
    );
  transfer
    .command('show <id>')
    .action(async (id: string, _o, cmd: Command) =>
      ctx.run(cmd, (app, actor) => app.transfer.cases.get(actor, id)),
    );
  transfer
    .command('timeline <id>')
    .description('案件时间线（来自审计日志）/ timeline from the audit trail')
    .action(async (id: string, _o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) => app.transfer.cases.timeline(actor, id),
        (r) =>
          r
            .map((e) => `#${e.seq} ${formatShanghai(new Date(e.at))} ${e.action} ${e.actor} ${e.outcome}`)
            .join('\n'),
      ),
    );
  transfer
    .command('readiness <id>')
    .description('准备度审计 / readiness audit')
    .option('--html <file>', '可打印的 HTML 报告 / printable report')
    .option('--last', '只读取最近一次报告，不重新运行 / the stored report, without running the audit')
    .action(async (id: string, o, cmd: Command) =>
      ctx.run(
        cmd,
        async (app, actor) => {
          const report = o.last
            ? await app.transfer.cases.storedReadiness(actor, id)
            : await app.transfer.cases.readiness(actor, id);
          if (o.html) writeOut(o.html, readinessHtml(await app.transfer.cases.get(actor, id), report));
          return report;
        },
        (r) =>
          [
            `范围内 in scope: ${r.inScope}`,
            ...r.items.map(
              (i) =>
                `${i.blocking ? '阻断' : '提示'} ${i.code.padEnd(16)} ${String(i.count).padStart(7)}  ${i.zh}`,
            ),
            r.open.length ? `未解决阻断项 open: ${r.open.join(', ')}` : '无未解决阻断项 / nothing blocking',
          ].join('\n'),
      ),
    );
  transfer
    .command('accept <id>')
    .description('DPO 接受阻断项并说明理由 / accept a blocking item')
    .requiredOption('--item <code>', 'finding code, e.g. minor')
    .requiredOption('--reason <text>', 'reason')
    .action(async (id: string, o, cmd: Command) =>
      ctx.run(cmd, (app, actor) => app.transfer.cases.accept(actor, id, o.item, o.reason), line),
    );
  transfer
    .command('notice-start <id>')
    .description('开始告知期 / start the notice period')
    .action(async (id: string, _o, cmd: Command) =>
      ctx.run(cmd, (app, actor) => app.transfer.cases.startNotice(actor, id), line),
    );
  transfer
    .command('campaign <id>')
    .description(
      '按案件范围通知客户（必要时先开始告知期）/ notify exactly the case’s scope (starts the notice period if needed)',
    )
    .option('--channel <c>', 'email | sms (repeatable; default both)', (v: string, p: string[] = []) => [
      ...p,
      v,
    ])
    .option(
      '--recipient-name <name>',
      '接收方名称（默认：交易对方）/ recipient name (default: the counterparty)',
    )
    .option('--recipient-contact <contact>', '接收方联系方式（默认：交易对方）/ recipient contact')
    .option('--planned-date <date>', 'YYYY-MM-DD (default: the case’s planned date)')
    .option('--seller-name <name>', 'seller as it signs the notice (default: org name)')
    .option('--rights-contact <text>', 'where customers exercise their rights')
    .option('--purposes <text>', 'path C: the recipient’s purposes')
    .option('--methods <text>', 'path C: the recipient’s methods')
    .option('--categories <text>', 'path C: categories of personal information')
    .option('--consent-purpose <key>', 'path C: purpose the separate consent is recorded under')
    .action(async (id: string, o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) =>
          app.transfer.campaigns.start(actor, id, {
            channels: o.channel as CampaignChannel[] | undefined,
            recipientName: o.recipientName,
            recipientContact: o.recipientContact,
            plannedDate: o.plannedDate,
            sellerName: o.sellerName,
            rightsContact: o.rightsContact,
            purposes: o.purposes,
            methods: o.methods,
            categories: o.categories,
            consentPurpose: o.consentPurpose,
          }),
        (r) =>
          `${r.noticeStarted ? '已开始告知期 / notice period started\n' : ''}campaign ${r.campaign.id}: customers ${r.customers}, queued ${r.queued}, suppressed ${r.suppressed}, unreachable (公告) ${r.unreachable}`,
      ),
    );
  transfer
    .command('notice-sent <id>')
    .description('记录告知送达（信函、电话等）/ record notice delivery')
    .requiredOption('--customers <ids>', 'customer ids', collectList)
    .requiredOption('--channel <channel>', 'letter | phone | email | sms | announcement')
    .option('--evidence <text>', 'evidence reference; only its SHA-256 is kept')
    .action(async (id: string, o, cmd: Command) =>
      ctx.run(cmd, (app, actor) =>
        app.transfer.cases.recordNoticeSent(actor, id, {
          customerIds: o.customers,
          channel: o.channel,
          evidence: o.evidence,
        }),
      ),
    );
  transfer
    .command('answer <id>')
    .description('记录客户答复 / record a customer’s answer')
    .requiredOption('--customer <id>', 'customer id')
    .requiredOption('--answer <answer>', ANSWER_KINDS.join(' | '))
    .option('--channel <channel>', 'letter | phone | portal | email | sms | in-person', 'letter')
    .option('--evidence <text>', 'evidence reference; only its SHA-256 is kept')
    .action(async (id: string, o, cmd: Command) =>
      ctx.run(cmd, (app, actor) =>
        app.transfer.cases.recordAnswer(actor, id, {
          customerId: o.customer,
          answer: o.answer as AnswerKind,
          channel: o.channel,
          evidence: o.evidence,
        }),
      ),
    );
  transfer
    .command('close-answers <id>')
    .description('结束答复期（提前结束须 --reason）/ close the answer window')
    .option('--reason <text>', 'reason for closing before the lead time')
    .action(async (id: string, o, cmd: Command) =>
      ctx.run(cmd, (app, actor) => app.transfer.cases.closeAnswers(actor, id, { reason: o.reason }), line),
    );
  transfer
    .command('dd <id>')
    .description('尽调数据室：汇总与去标识样本（k-匿名）/ due-diligence room')
    .requiredOption('--out <file>', 'output JSON file')
    .option('--k <k>', 'k-anonymity threshold (2–1000)', integerOption('--k', { min: 2, max: 1000 }), 5)
    .option('--sample <n>', 'sample size (0–10000)', integerOption('--sample', { min: 0, max: 10_000 }), 200)
    .action(async (id: string, o, cmd: Command) =>
      ctx.run(
        cmd,
        async (app, actor) => {
          const room = await app.transfer.dd.room(actor, id, { k: o.k, sample: o.sample });
          writeOut(o.out, `${JSON.stringify(room, null, 2)}\n`);
          return {
            out: o.out,
            total: room.total,
            classes: room.classes.length,
            sample: room.sample.length,
            suppressedRecords: room.suppressedRecords,
          };
        },
        (r) =>
          `已写入 / written ${r.out}: ${r.total} customers, ${r.classes} classes ≥ k, ${r.sample} sample rows, ${r.suppressedRecords} suppressed`,
      ),
    );
  transfer
    .command('package <id>')
    .description('生成加密移交包与签名清单 / build the encrypted package and signed manifest')
    .requiredOption('--out <file>', 'FILE.age (manifest written as FILE.manifest.json)')
    .action(async (id: string, o, cmd: Command) =>
      ctx.run(
        cmd,
        async (app, actor) => {
          const r = await app.transfer.packages.build(actor, id, o.out);
          return {
            file: r.file,
            manifestFile: r.manifestFile,
            records: r.manifest.counts.records,
            byKind: r.manifest.counts.byKind,
            merkleRoot: r.manifest.merkleRoot,
            packageSha256: r.manifest.packageSha256,
            split: r.split,
          };
        },
        (r) =>
          `移交包 package: ${r.file}\n清单 manifest: ${r.manifestFile}\n记录 records: ${r.records} ${JSON.stringify(r.byKind)}\nMerkle root: ${r.merkleRoot}`,
      ),
    );
  transfer
    .command('receive <file>')
    .description('接收方：校验并导入移交包，生成签名回执 / acquirer: verify, import, sign a receipt')
    .option('--manifest <file>', 'signed manifest (default FILE.manifest.json)')
    .option('--receipt-out <file>', 'receipt file (default FILE.receipt.json)')
    .option(
      '--add-purpose <key:name:retention>',
      '接收方新增目的（须重新取得同意）/ a new purpose of ours',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .action(async (file: string, o, cmd: Command) =>
      ctx.run(
        cmd,
        async (app, actor) => {
          const addPurposes = ((o.addPurpose as string[] | undefined) ?? []).map((s) => {
            const [key, name, retention] = s.split(':');
            if (!key || !name || !retention)
              throw new AppError('USAGE', { detail: '--add-purpose expects key:name:retention' });
            return { key, name, retention };
          });
          const res = await app.transfer.receiver.receive(actor, {
            file,
            manifest: readJson(o.manifest ?? manifestPathFor(file)),
            addPurposes,
          });
          const out = o.receiptOut ?? `${file.replace(/\.age$/i, '')}.receipt.json`;
          writeOut(out, `${JSON.stringify(res.receipt, null, 2)}\n`);
          return { ...res, receiptFile: out };
        },
        (r) => `已导入 / imported ${r.imported} ${JSON.stringify(r.byKind)}\n回执 receipt: ${r.receiptFile}`,
      ),
    );
  transfer
    .command('inbound')
    .description('接收方：已接收的移交包 / acquirer: received packages')
    .action(async (_o, cmd: Command) =>
      ctx.run(
        cmd,
        (app, actor) => app.transfer.inbound.list(actor),
        (r) =>
          r
            .map(
              (i) =>
                `${i.id}  ${formatShanghai(new Date(i.receivedAt))}  ${i.seller.name ?? '?'} ${i.seller.fingerprint}  ${i.count} records  root ${i.merkleRoot}`,
            )
            .join('\n') || '（无 / none）',
      ),
    );
  transfer
    .command('receipt <inboundId>')
    .description('接收方：再次取得签名回执 / acquirer: the signed receipt again')
    .option('--out <file>', 'receipt file (default: print it)')
    .action(async (inboundId: string, o, cmd: Command) =>
      ctx.run(
        cmd,
        async (app, actor) => {
          const receipt = await app.transfer.inbound.receipt(actor, inboundId);
          if (o.out) writeOut(o.out, `${JSON.stringify(receipt, null, 2)}\n`);
          return { receipt, receiptFile: (o.out as string | undefined) ?? null };
        },
        (r) => (r.receiptFile ? `回执 receipt: ${r.receiptFile}` : JSON.stringify(r.receipt, null, 2)),
      ),
    );
  transfer
    .command('complete <id>')
    .description(
      '卖方收尾：校验回执、加密粉碎、签发销毁证明 / close out: verify receipt, crypto-shred, certificate',
    )
    .option('--receipt <file>', 'the recipient’s signed receipt (paths B, C)')
    .option('--no-recipient', 'path D: no recipient')
    .option(
      '--retain-purpose <keyOrBasis>',
      '依法须保留者改为限制处理 / keep these restricted, e.g. legal-obligation',
    )
    .option('--approver <name>', 'approver named on the certificate')
    .option('--certificate-out <file>', 'certificate JSON (default transfer-ID.certificate.json)')
    .option('--html <file>', 'printable certificate')
    .action(async (id: string, o, cmd: Command) =>
      ctx.run(
        cmd,
        async (app, actor) => {
          const res = await app.transfer.closeOut.complete(actor, id, {
            receipt: o.receipt ? readJson(o.receipt) : undefined,
            // commander turns --no-recipient into recipient: false
            noRecipient: o.recipient === false,
            retainPurpose: o.retainPurpose,
            approver: o.approver,
          });
          let certificateFile: string | null = null;
          if (res.certificate) {
            const out: string = o.certificateOut ?? `transfer-${id}.certificate.json`;
            certificateFile = out;
            writeOut(out, `${JSON.stringify(res.certificate, null, 2)}\n`);
            if (o.html) writeOut(o.html, certificateHtml(res.transfer, res.certificate));
          }
          return { status: res.transfer.status, certificate: res.certificate, certificateFile };
        },
        (r) =>
          `状态 status: ${r.status}${r.certificate ? `\n销毁 erased ${r.certificate.counts.erased}, 限制 restricted ${r.certificate.counts.restricted}\n证明 certificate: ${r.certificateFile}` : ''}`,
      ),
    );
  transfer
    .command('dossier <id>')
    .description('转让档案（HTML，可打印）/ transfer dossier')
    .option('--out <file>', 'HTML file')
    .action(async (id: string, o, cmd: Command) =>
      ctx.run(
        cmd,
        async (app, actor) => {
          const d = await app.transfer.dossier.build(actor, id);
          if (o.out) writeOut(o.out, dossierHtml(d));
          return d;
        },
        (d) =>
          `档案 dossier: ${o.out ?? '(use --out FILE.html)'} — ${d.timeline.length} events, checkpoint #${d.checkpoint.seq}`,
      ),
    );
}
