import { formatShanghai } from '../../kernel/time/clock.js';
import type { Dossier } from './dossier.js';
import {
  type DestructionCertificate,
  PATH_BASIS,
  type ReadinessReport,
  type Transfer,
} from './transfer-types.js';

/** Printable, self-contained zh-CN pages (no scripts, no external resources). */
export function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:"PingFang SC","Microsoft YaHei",system-ui,sans-serif;max-width:960px;margin:32px auto;color:#1f1f1f;line-height:1.5}
table{border-collapse:collapse;width:100%;margin:8px 0 20px}th,td{border:1px solid #d9d9d9;padding:4px 8px;text-align:left;vertical-align:top;font-size:13px}
th{background:#fafafa}.block{color:#cf1322;font-weight:600}.ok{color:#389e0d}code{font-size:12px;word-break:break-all}
@media print{body{margin:0}}</style></head><body><h1>${esc(title)}</h1>${body}</body></html>\n`;
}

const when = (iso: string | null | undefined) => (iso ? formatShanghai(new Date(iso)) : '—');

function caseTable(t: Transfer): string {
  return `<table><tr><th>案件 Transfer</th><td>${esc(t.name)} <code>${esc(t.id)}</code></td></tr>
<tr><th>路径 Path</th><td>${esc(t.path)}：${esc(PATH_BASIS[t.path].zh)}</td></tr>
<tr><th>状态 Status</th><td>${esc(t.status)}</td></tr>
<tr><th>移交字段 Fields</th><td>${esc(t.fields.join(', '))}${t.l4Reason ? `（含 L4，审批理由：${esc(t.l4Reason)}）` : ''}</td></tr>
<tr><th>告知提前期 Notice lead time</th><td>${t.noticeDays} 天；计划日期 ${esc(t.plannedDate ?? '—')}；告知开始 ${when(t.noticeStartedAt)}</td></tr></table>`;
}

export function readinessSection(r: ReadinessReport): string {
  const rows = r.items
    .map((i) => {
      const acc = r.accepted.find((a) => a.code === i.code);
      const state =
        i.count === 0
          ? '<span class="ok">无</span>'
          : acc
            ? `已接受：${esc(acc.reason)}（${esc(acc.by)}）`
            : i.blocking
              ? '<span class="block">阻断</span>'
              : '提示';
      const ids = i.customerIds
        .slice(0, 50)
        .map((x) => `<code>${esc(x)}</code>`)
        .join(' ');
      return `<tr><td>${esc(i.code)}</td><td>${esc(i.zh)}</td><td>${i.count}</td><td>${state}</td><td>${ids}${i.customerIds.length > 50 || i.truncated ? ' …' : ''}</td></tr>`;
    })
    .join('');
  return `<p>审计时间 ${when(r.at)}；范围内客户 ${r.inScope} 个；未解决阻断项：${r.open.length ? `<span class="block">${esc(r.open.join(', '))}</span>` : '<span class="ok">无</span>'}</p>
<table><tr><th>代码</th><th>事项</th><th>数量</th><th>处理</th><th>客户编号（前 50 个）</th></tr>${rows}</table>`;
}

export function readinessHtml(t: Transfer, r: ReadinessReport): string {
  return page(`转让准备度审计 Readiness — ${t.name}`, caseTable(t) + readinessSection(r));
}

function certificateSection(c: DestructionCertificate): string {
  return `<table><tr><th>方法 Method</th><td>加密粉碎（销毁每位客户的数据密钥）crypto-shred</td></tr>
<tr><th>已销毁 Erased</th><td>${c.counts.erased}</td></tr><tr><th>依法限制处理 Restricted</th><td>${c.counts.restricted}（规则：${esc(c.retainRule ?? '—')}）</td></tr>
<tr><th>此前已删除 Already erased</th><td>${c.counts.alreadyErased}</td></tr>
<tr><th>Merkle 根</th><td><code>${esc(c.merkleRoot)}</code></td></tr><tr><th>回执 SHA-256</th><td><code>${esc(c.receiptSha256 ?? '—（无接收方 no recipient）')}</code></td></tr>
<tr><th>时间 Time</th><td>${when(c.at)}</td></tr><tr><th>操作人 Operator</th><td>${esc(c.operator)}</td></tr><tr><th>批准人 Approver</th><td>${esc(c.approver)}</td></tr>
<tr><th>签名机构 Signed by</th><td>${esc(c.org.name)}，公钥指纹 <code>${esc(c.org.fingerprint)}</code></td></tr>
<tr><th>签名 Ed25519</th><td><code>${esc(c.signature)}</code></td></tr></table>`;
}

export function certificateHtml(t: Transfer, c: DestructionCertificate): string {
  return page(`个人信息销毁证明 Destruction certificate — ${t.name}`, caseTable(t) + certificateSection(c));
}

export function dossierHtml(d: Dossier): string {
  const t = d.transfer;
  const parts = [caseTable(t)];
  parts.push(
    `<h2>法律依据 Legal basis</h2><p>${esc(PATH_BASIS[t.path].zh)}</p><p lang="en">${esc(PATH_BASIS[t.path].en)}</p>`,
  );
  if (d.counterparty)
    parts.push(
      `<h2>接收方 Recipient</h2><table><tr><th>名称</th><td>${esc(d.counterparty.name)}</td></tr><tr><th>联系方式</th><td>${esc(d.counterparty.contact ?? '—')}</td></tr><tr><th>统一社会信用代码</th><td>${esc(d.counterparty.uscc ?? '—')}</td></tr><tr><th>公钥指纹</th><td><code>${esc(d.counterparty.fingerprint)}</code></td></tr></table>`,
    );
  parts.push(`<h2>准备度审计 Readiness</h2>${t.readiness ? readinessSection(t.readiness) : '<p>未运行</p>'}`);
  parts.push(
    `<h2>告知与答复 Notices and answers</h2><table>${Object.entries(d.answers)
      .map(([k, n]) => `<tr><th>${esc(k)}</th><td>${n}</td></tr>`)
      .join(
        '',
      )}<tr><th>已记录告知送达 notices with evidence</th><td>${d.noticesWithEvidence ?? '—'}</td></tr></table>`,
  );
  if (t.manifest)
    parts.push(
      `<h2>数据包清单 Package manifest</h2><table><tr><th>记录数</th><td>${t.manifest.counts.records} ${esc(JSON.stringify(t.manifest.counts.byKind))}</td></tr><tr><th>Merkle 根</th><td><code>${esc(t.manifest.merkleRoot)}</code></td></tr><tr><th>数据包 SHA-256</th><td><code>${esc(t.manifest.packageSha256)}</code></td></tr><tr><th>字段定义摘要</th><td><code>${esc(t.manifest.schemaDigest)}</code></td></tr><tr><th>生成时间</th><td>${when(t.manifest.createdAt)}</td></tr></table>`,
    );
  if (t.receipt)
    parts.push(
      `<h2>接收回执 Receipt</h2><table><tr><th>接收方</th><td>${esc(t.receipt.buyer.name)} <code>${esc(t.receipt.buyer.fingerprint)}</code></td></tr><tr><th>记录数</th><td>${t.receipt.count}</td></tr><tr><th>接收时间</th><td>${when(t.receipt.receivedAt)}</td></tr></table>`,
    );
  if (t.certificate)
    parts.push(`<h2>销毁证明 Destruction certificate</h2>${certificateSection(t.certificate)}`);
  parts.push(
    `<h2>时间线 Timeline</h2><table><tr><th>#</th><th>时间</th><th>操作</th><th>操作人</th><th>结果</th></tr>${d.timeline
      .map(
        (e) =>
          `<tr><td>${e.seq}</td><td>${when(e.at)}</td><td>${esc(e.action)}</td><td>${esc(e.actor)}</td><td>${esc(e.outcome)}</td></tr>`,
      )
      .join('')}</table>`,
  );
  parts.push(
    `<h2>审计检查点 Audit checkpoint</h2><p>覆盖至第 ${d.checkpoint.seq} 条事件；链头 <code>${esc(d.checkpoint.headHash)}</code>；签名指纹 <code>${esc(d.checkpoint.keyFingerprint)}</code>。可用 <code>custodian audit verify --checkpoint</code> 校验。</p>`,
  );
  return page(`公司转让档案 Transfer dossier — ${t.name}`, parts.join('\n'));
}
