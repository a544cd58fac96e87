import { AppError } from '../../kernel/errors/app-error.js';
import {
  type ColumnDetection,
  type DataGrade,
  detectColumn,
  type IdentifierKind,
} from '../../kernel/identifiers/index.js';
import type { CustomerKind, FieldDef } from '../customers/customer-types.js';
import {
  COMPANY_SCOPE,
  isPhoneHeader,
  mapHeaders,
  normaliseHeader,
  type RegionPart,
  regionPartOf,
} from './header-mapping.js';
import { type ColumnReport, columnLetter } from './ingest-types.js';

/** How one column of one sheet is read. */
export interface ColumnPlan {
  index: number;
  letter: string;
  header: string;
  role: 'field' | 'kind' | 'ignored' | 'unmapped';
  field: string | null;
  def: FieldDef | null;
  via: ColumnReport['via'];
  detected: ColumnDetection | null;
  proposal: ColumnReport['proposal'];
  /** One of the 省 / 市 / 区 columns that together make the region (the field is `region`). */
  regionPart?: RegionPart;
  /**
   * A column of the row's company (公司地址: field `company.address`, `def` the address): its value goes
   * to a contact's company, or is the company's own on a company's row.
   */
  ofCompany?: true;
  /**
   * On the ID-number column of a sheet without a passport column: the passport field, where a passport
   * number found in that column (证件号码 columns hold both) is kept.
   */
  passportDef?: FieldDef;
}

export interface SheetPlan {
  sheet: string;
  headers: string[];
  columns: ColumnPlan[];
  kindColumn: number | null;
  /** The header's (first) row in the sheet, when not its first row (titles above it) or it spans two. */
  headerRow?: number;
  /** 2 when the header spans two rows (group labels over column names), combined column by column. */
  headerRows?: 2;
  /** No column maps to a field that identifies a customer: every row will be NOT_IDENTIFYING. */
  noCustomerColumns?: true;
}

/**
 * The fields of which a row of each kind must have one (else NOT_IDENTIFYING): the same lists as the
 * customer service's.
 */
export const IDENTIFYING_FIELDS: Readonly<Record<CustomerKind, readonly string[]>> = {
  individual: ['name', 'mobile', 'idNumber', 'email'],
  company: ['companyName', 'uscc'],
  contact: ['name', 'mobile', 'email'],
};
const ANY_IDENTIFYING: ReadonlySet<string> = new Set(Object.values(IDENTIFYING_FIELDS).flat());

/** Headers of a column that numbers the rows (序号), ignored unless a mapping names it. */
const ROW_NUMBER_HEADERS: ReadonlySet<string> = new Set(
  ['序号', '行号', '序', 'no', 'no.', '#'].map(normaliseHeader),
);

/** The pseudo-field a mapping file may use for the customer-type column. */
export const KIND_FIELD = 'kind';
const KIND_HEADERS = new Set(
  ['客户类型', '类型', '客户类别', '客户性质', 'kind', 'type', 'customertype'].map(normaliseHeader),
);

/** Built-in field a detected identifier column most likely is. */
const BUILTIN_FOR_KIND: Partial<Record<IdentifierKind, string>> = {
  'id-number': 'idNumber',
  mobile: 'mobile',
  email: 'email',
  uscc: 'uscc',
  landline: 'landline',
  'bank-card': 'bankAccount',
  'person-name': 'name',
  address: 'address',
  passport: 'passport',
  birthday: 'birthday',
};

/** Unmapped columns whose kind is unknown are graded as personal information until someone decides. */
const DEFAULT_CUSTOM_GRADE: DataGrade = 'L3';

/**
 * Refuses a mapping whose target is no field of the catalog (or, for `company.` targets, no field a
 * company has). Run before a batch is created, so a typo in --mapping leaves no failed batch behind.
 */
export function checkMappingTargets(
  override: Record<string, string>,
  catalog: ReadonlyMap<string, FieldDef>,
): void {
  for (const target of Object.values(override)) {
    if (target === '-' || target === KIND_FIELD) continue;
    if (target.startsWith(COMPANY_SCOPE)) {
      if (!catalog.get(target.slice(COMPANY_SCOPE.length))?.kinds.includes('company'))
        throw new AppError('IMPORT_MAPPING_INVALID', {
          detail: `"${target}" names no field a company has (see \`custodian field list\`)`,
        });
    } else if (!catalog.has(target)) {
      throw new AppError('IMPORT_MAPPING_INVALID', {
        detail: `"${target}" is not a field of the catalog (see \`custodian field list\`)`,
      });
    }
  }
}

/**
 * Maps a sheet's headers to catalog fields (synonyms, then the mapping file), finds the 客户类型
 * column, and classifies every column from `samples` (values per column, a few hundred rows).
 */
export function planSheet(
  sheet: string,
  headers: string[],
  override: Record<string, string>,
  catalog: ReadonlyMap<string, FieldDef>,
  samples: string[][] = [],
): SheetPlan {
  checkMappingTargets(override, catalog);
  const mapped = mapHeaders(headers, override);
  let kindColumn: number | null = null;
  const columns: ColumnPlan[] = mapped.map((m, i) => {
    const base = {
      index: i,
      letter: columnLetter(i + 1),
      header: m.header,
      detected: detectColumn(samples[i] ?? []),
      proposal: null,
    };
    if (m.field === KIND_FIELD) {
      kindColumn ??= i;
      return { ...base, role: 'kind', field: KIND_FIELD, def: null, via: 'kind' };
    }
    const ofCompany = m.field?.startsWith(COMPANY_SCOPE) === true;
    const def = m.field ? catalog.get(ofCompany ? m.field.slice(COMPANY_SCOPE.length) : m.field) : undefined;
    if (ofCompany && def?.kinds.includes('company') && m.field)
      return { ...base, role: 'field', field: m.field, def, via: m.via, ofCompany: true };
    // A 电话 column beside a 手机 column is the landline only when its content says so: a second
    // mobile there would fail as a landline, so such a column is left for the user to map.
    const notLandline =
      m.field === 'landline' &&
      m.via === 'synonym' &&
      isPhoneHeader(m.header) &&
      base.detected?.kind !== 'landline';
    if (notLandline) return { ...base, role: 'unmapped', field: null, def: null, via: 'none' };
    if (def && m.field) return { ...base, role: 'field', field: m.field, def, via: m.via };
    if (m.via === 'override') return { ...base, role: 'ignored', field: null, def: null, via: 'override' };
    // 序号 numbers the list's rows; it describes no customer.
    if (ROW_NUMBER_HEADERS.has(normaliseHeader(m.header)))
      return { ...base, role: 'ignored', field: null, def: null, via: 'none' };
    return { ...base, role: 'unmapped', field: null, def: null, via: 'none' };
  });
  if (kindColumn === null) {
    const found = columns.find((c) => c.role === 'unmapped' && KIND_HEADERS.has(normaliseHeader(c.header)));
    if (found) {
      found.role = 'kind';
      found.field = KIND_FIELD;
      found.via = 'kind';
      kindColumn = found.index;
    }
  }
  const regionDef = catalog.get('region');
  if (regionDef && !columns.some((c) => c.field === 'region')) {
    for (const c of columns) {
      const part = c.role === 'unmapped' ? regionPartOf(c.header) : undefined;
      if (part === undefined) continue;
      Object.assign(c, { role: 'field', field: 'region', def: regionDef, via: 'synonym', regionPart: part });
    }
  }
  const taken = new Set(columns.map((c) => c.field).filter((f): f is string => f !== null));
  for (const c of columns) {
    if (c.role !== 'unmapped' || c.header.trim() === '') continue;
    const builtin = c.detected ? (BUILTIN_FOR_KIND[c.detected.kind] ?? null) : null;
    const known = builtin !== null && catalog.has(builtin);
    c.proposal = {
      grade: c.detected?.suggestedGrade ?? DEFAULT_CUSTOM_GRADE,
      builtinField: known && !taken.has(builtin) ? builtin : null,
      customKey: null,
      like: known ? builtin : null,
    };
  }
  const passportDef = catalog.get('passport');
  if (passportDef && !columns.some((c) => c.field === 'passport'))
    for (const c of columns) if (c.role === 'field' && c.field === 'idNumber') c.passportDef = passportDef;
  const identifies = columns.some(
    (c) => c.role === 'field' && c.field !== null && ANY_IDENTIFYING.has(c.field),
  );
  return { sheet, headers, columns, kindColumn, ...(identifies ? {} : { noCustomerColumns: true as const }) };
}

/** A custom field key not in the catalog: custom1, custom2, … */
export function nextCustomKey(catalog: ReadonlyMap<string, FieldDef>, reserved: ReadonlySet<string>): string {
  for (let n = 1; ; n++) {
    const key = `custom${n}`;
    if (!catalog.has(key) && !reserved.has(key)) return key;
  }
}

/** The existing custom field labelled like `header`, so a second import reuses it. */
export function customFieldFor(catalog: ReadonlyMap<string, FieldDef>, header: string): FieldDef | undefined {
  const wanted = normaliseHeader(header);
  for (const def of catalog.values()) {
    if (!def.builtin && normaliseHeader(def.labelZh) === wanted) return def;
  }
  return undefined;
}

/** Points a column at a (newly created or reused) custom field. */
export function mapToCustomField(column: ColumnPlan, def: FieldDef): void {
  column.role = 'field';
  column.field = def.key;
  column.def = def;
  column.via = 'custom';
  if (column.proposal) column.proposal.customKey = def.key;
}
