import { maskValue } from '../../kernel/identifiers/index.js';
import { maskText } from '../customers/masking.js';
import type { ColumnReport, SheetSummary } from './ingest-types.js';
import type { ColumnPlan, SheetPlan } from './sheet-plan.js';

const EXAMPLES = 3;

interface Entry {
  report: ColumnReport;
}

/** First and last character kept, the rest starred; 2 characters or fewer are fully hidden. */
function keepEnds(value: string): string {
  const chars = Array.from(value.trim());
  if (chars.length <= 2) return '*'.repeat(chars.length);
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** The masked form of a cell for reports and previews: never the value itself. */
export function maskCell(
  value: string,
  column: Pick<ColumnPlan, 'detected' | 'def'> & { role?: ColumnPlan['role'] },
): string {
  // Full-width digits (１３９…) are folded first so the mask keeps the usual shape.
  const v = value.normalize('NFKC').trim();
  if (v === '') return '';
  // 个人/企业/联系人 says nothing about anyone.
  if (column.role === 'kind') return v;
  if (column.def && column.def.mask !== 'none') return maskText(column.def.mask, v);
  if (column.detected) return maskValue(column.detected.kind, v);
  return keepEnds(v);
}

/** Per-column fill and validity counts with a few masked examples; survives a resume via the report. */
export class ColumnStats {
  private readonly entries = new Map<string, Entry>();
  private readonly sheetRows = new Map<string, number>();
  private readonly notes = new Map<string, SheetNotes>();

  constructor(restored?: { columns: ColumnReport[]; sheets: SheetSummary[] }) {
    for (const c of restored?.columns ?? []) this.entries.set(`${c.sheet}\u0000${c.column}`, { report: c });
    for (const s of restored?.sheets ?? []) {
      this.sheetRows.set(s.name, s.rows);
      this.notes.set(s.name, notesOf(s));
    }
  }

  /** Registers (or refreshes the mapping of) a sheet's columns. */
  plan(plan: SheetPlan): void {
    if (!this.sheetRows.has(plan.sheet)) this.sheetRows.set(plan.sheet, 0);
    this.notes.set(plan.sheet, notesOf(plan));
    for (const c of plan.columns) {
      const key = `${plan.sheet}\u0000${c.letter}`;
      const previous = this.entries.get(key)?.report;
      this.entries.set(key, {
        report: {
          sheet: plan.sheet,
          column: c.letter,
          header: c.header,
          field: c.field,
          via: c.via,
          filled: previous?.filled ?? 0,
          valid: previous?.valid ?? 0,
          fillRate: 0,
          validRate: 0,
          detected: c.detected
            ? {
                kind: c.detected.kind,
                confidence: c.detected.confidence,
                grade: c.detected.suggestedGrade,
                sensitive: c.detected.sensitive,
              }
            : null,
          proposal: c.proposal,
          examples: previous?.examples ?? [],
        },
      });
    }
  }

  row(sheet: string): void {
    this.sheetRows.set(sheet, (this.sheetRows.get(sheet) ?? 0) + 1);
  }

  cell(sheet: string, column: ColumnPlan, raw: string, valid: boolean): void {
    const entry = this.entries.get(`${sheet}\u0000${column.letter}`);
    if (!entry) return;
    entry.report.filled++;
    if (valid) {
      entry.report.valid++;
      if (entry.report.examples.length < EXAMPLES) entry.report.examples.push(maskCell(raw, column));
    }
  }

  columns(): ColumnReport[] {
    return [...this.entries.values()].map(({ report }) => {
      const rows = this.sheetRows.get(report.sheet) ?? 0;
      return {
        ...report,
        fillRate: rows > 0 ? round(report.filled / rows) : 0,
        validRate: report.filled > 0 ? round(report.valid / report.filled) : 0,
      };
    });
  }

  sheets(): SheetSummary[] {
    return [...this.sheetRows].map(([name, rows]) => ({ name, rows, ...this.notes.get(name) }));
  }
}

type SheetNotes = Pick<SheetSummary, 'headerRow' | 'headerRows' | 'noCustomerColumns'>;

/** What the report says of a sheet besides its rows: where its header stands, if not alone on row 1; no customer columns. */
function notesOf(at: SheetNotes): SheetNotes {
  return {
    ...(at.headerRow !== undefined ? { headerRow: at.headerRow } : {}),
    ...(at.headerRows === 2 ? { headerRows: 2 as const } : {}),
    ...(at.noCustomerColumns ? { noCustomerColumns: true as const } : {}),
  };
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
