import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './index.js';

type Grants = Record<string, Record<string, unknown> | undefined>;

/**
 * Notices got their own `notice` resource (read, send, record, manage); before, they were gated by
 * consent.read and consent.record. Custom roles keep their grants in `roles.grants`, so a role that ran
 * notices through consent.record would lose them. Carried over once, here: consent.record -> every notice
 * action (it could create campaigns, answer and opt out, and with consent.read send them); consent.read
 * alone -> notice.read only (sending on a read grant was the old route's gap: sending decrypts addresses).
 * Roles that already name `notice` are left as they are. Self-contained and frozen once landed.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  const rows = await sql<{ org_id: string; key: string; grants: string }>`
    select org_id, key, grants from roles`.execute(db);
  for (const row of rows.rows) {
    let grants: Grants;
    try {
      grants = JSON.parse(row.grants) as Grants;
    } catch {
      continue;
    }
    if (!grants || typeof grants !== 'object' || grants.notice) continue;
    const consent = grants.consent ?? {};
    let notice: Record<string, true> | null = null;
    if (consent.record) notice = { read: true, send: true, record: true, manage: true };
    else if (consent.read) notice = { read: true };
    if (!notice) continue;
    const next = JSON.stringify({ ...grants, notice });
    await sql`update roles set grants = ${next} where org_id = ${row.org_id} and key = ${row.key}`.execute(
      db,
    );
  }
}
