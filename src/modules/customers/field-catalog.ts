import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import type { Actor } from '../../kernel/authz/permissions.js';
import { assertCan } from '../../kernel/authz/permissions.js';
import { AppError } from '../../kernel/errors/app-error.js';
import type { Store, Trx } from '../../kernel/store/store.js';
import type { Clock } from '../../kernel/time/clock.js';
import {
  CUSTOMER_KINDS,
  type CustomerKind,
  FIELD_CATEGORIES,
  type FieldDef,
  MASK_RULES,
  VALUE_TYPES,
} from './customer-types.js';
import { DEFAULT_FIELDS } from './default-fields.js';

const CUSTOM_KEY = /^[a-z][A-Za-z0-9]{1,39}$/;
/** Keys the catalog derives or reserves: never a custom field. */
const RESERVED = new Set([
  'id',
  'kind',
  'status',
  'mobileLast4',
  'companyId',
  'ownerId',
  'purposes',
  'flags',
]);

export interface FieldCatalogDeps {
  store: Store;
  audit: Pick<AuditTrail, 'append'>;
  clock: Clock;
  orgId: string;
}

export type FieldCatalog = ReturnType<typeof createFieldCatalog>;

function rowToDef(r: {
  key: string;
  label_zh: string;
  label_en: string;
  category: string;
  grade: string;
  sensitive: number;
  searchable: number;
  mask_rule: string;
  value_type: string;
  kinds: string;
  builtin: number;
}): FieldDef {
  return {
    key: r.key,
    labelZh: r.label_zh,
    labelEn: r.label_en,
    category: r.category as FieldDef['category'],
    grade: r.grade as FieldDef['grade'],
    sensitive: r.sensitive === 1,
    searchable: r.searchable === 1,
    mask: r.mask_rule as FieldDef['mask'],
    type: r.value_type as FieldDef['type'],
    kinds: JSON.parse(r.kinds) as CustomerKind[],
    builtin: r.builtin === 1,
  };
}

function defToRow(orgId: string, d: FieldDef, now: string) {
  return {
    org_id: orgId,
    key: d.key,
    label_zh: d.labelZh,
    label_en: d.labelEn,
    category: d.category,
    grade: d.grade,
    sensitive: d.sensitive ? 1 : 0,
    searchable: d.searchable ? 1 : 0,
    mask_rule: d.mask,
    value_type: d.type,
    kinds: JSON.stringify(d.kinds),
    builtin: d.builtin ? 1 : 0,
    created_at: now,
  };
}

/** The org's field catalog: the defaults plus the custom fields an admin adds. Cached per process. */
export function createFieldCatalog(deps: FieldCatalogDeps) {
  const { store, audit, clock, orgId } = deps;
  let cache: Map<string, FieldDef> | null = null;

  async function load(): Promise<Map<string, FieldDef>> {
    if (cache) return cache;
    const rows = await store.db
      .selectFrom('field_catalog')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('created_at')
      .execute();
    cache = new Map(rows.map((r) => [r.key, rowToDef(r)]));
    return cache;
  }

  async function seedDefaults(trx: Trx): Promise<void> {
    const now = clock.now().toISOString();
    const rows = DEFAULT_FIELDS.map((d) => defToRow(orgId, { ...d, builtin: true }, now));
    await trx.insertInto('field_catalog').values(rows).execute();
    cache = null;
  }

  async function list(actor: Actor): Promise<FieldDef[]> {
    assertCan(actor, 'catalog', 'read');
    return [...(await load()).values()];
  }

  async function add(
    actor: Actor,
    input: Partial<FieldDef> & { key: string; grade: FieldDef['grade'] },
  ): Promise<FieldDef> {
    assertCan(actor, 'catalog', 'manage');
    const key = input.key.trim();
    if (!CUSTOM_KEY.test(key) || RESERVED.has(key)) {
      throw new AppError('VALIDATION_FAILED', {
        detail: 'field key must be camelCase letters and digits, 2–40 characters',
      });
    }
    const fields = await load();
    if (fields.has(key)) throw new AppError('FIELD_EXISTS', { field: key });
    const def: FieldDef = {
      key,
      labelZh: input.labelZh?.trim() || key,
      labelEn: input.labelEn?.trim() || key,
      category: input.category ?? 'custom',
      grade: input.grade,
      sensitive: input.sensitive ?? input.grade === 'L4',
      searchable: input.searchable ?? false,
      mask: input.mask ?? (input.grade === 'L3' || input.grade === 'L4' ? 'partial' : 'none'),
      type: input.type ?? 'text',
      kinds: input.kinds?.length ? input.kinds : [...CUSTOMER_KINDS],
      builtin: false,
    };
    if (!['L1', 'L2', 'L3', 'L4'].includes(def.grade))
      throw new AppError('VALIDATION_FAILED', { detail: 'grade must be L1–L4' });
    if (!FIELD_CATEGORIES.includes(def.category))
      throw new AppError('VALIDATION_FAILED', { detail: `unknown category ${def.category}` });
    if (!MASK_RULES.includes(def.mask))
      throw new AppError('VALIDATION_FAILED', { detail: `unknown mask rule ${def.mask}` });
    if (!VALUE_TYPES.includes(def.type))
      throw new AppError('VALIDATION_FAILED', { detail: `unknown value type ${def.type}` });
    if (def.kinds.some((k) => !CUSTOMER_KINDS.includes(k)))
      throw new AppError('VALIDATION_FAILED', { detail: 'unknown customer kind' });
    await store.transaction(async (trx) => {
      await trx
        .insertInto('field_catalog')
        .values(defToRow(orgId, def, clock.now().toISOString()))
        .execute();
      await audit.append(trx, [
        {
          actor: actor.id,
          action: 'catalog.field.add',
          fields: [key],
          details: { grade: def.grade, type: def.type },
        },
      ]);
    });
    cache = null;
    return def;
  }

  function invalidate(): void {
    cache = null;
  }

  return { load, seedDefaults, list, add, invalidate };
}
