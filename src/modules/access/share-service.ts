import type { AuditTrail } from '../../kernel/audit/audit-trail.js';
import { customerInScope } from '../../kernel/authz/data-scope.js';
import { type Actor, assertCan } from '../../kernel/authz/permissions.js';
import { AppError } from '../../kernel/errors/app-error.js';
import type { Store } from '../../kernel/store/store.js';
import type { Clock } from '../../kernel/time/clock.js';

export interface ShareDeps {
  store: Store;
  audit: Pick<AuditTrail, 'append'>;
  clock: Clock;
  orgId: string;
}

export type ShareService = ReturnType<typeof createShareService>;

/** Customer shares: an owner (or anyone whose scope holds the customer) lets a colleague see it. */
export function createShareService(deps: ShareDeps) {
  const { store, audit, clock, orgId } = deps;

  const exists = async (id: string) =>
    (await store.db
      .selectFrom('customers')
      .select('id')
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst()) !== undefined;

  async function checked(actor: Actor, customerId: string, userId: string | null): Promise<void> {
    assertCan(actor, 'customer', 'update');
    // customerInScope answers true for an org-wide scope without looking the customer up: check it exists here.
    if (!(await exists(customerId)) || !(await customerInScope(store.db, orgId, actor, customerId)))
      throw new AppError('CUSTOMER_NOT_FOUND', { id: customerId });
    if (userId === null) return;
    const user = await store.db
      .selectFrom('users')
      .select('id')
      .where('org_id', '=', orgId)
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!user) throw new AppError('USER_NOT_FOUND', { id: userId });
  }

  async function list(
    actor: Actor,
    customerId: string,
  ): Promise<Array<{ userId: string; createdAt: string }>> {
    await checked(actor, customerId, null);
    const rows = await store.db
      .selectFrom('customer_shares')
      .select(['user_id', 'created_at'])
      .where('org_id', '=', orgId)
      .where('customer_id', '=', customerId)
      .execute();
    return rows.map((r) => ({ userId: r.user_id, createdAt: r.created_at }));
  }

  async function share(actor: Actor, customerId: string, userId: string): Promise<void> {
    await checked(actor, customerId, userId);
    await store.transaction(async (trx) => {
      const exists = await trx
        .selectFrom('customer_shares')
        .select('user_id')
        .where('customer_id', '=', customerId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (exists) return;
      await trx
        .insertInto('customer_shares')
        .values({
          org_id: orgId,
          customer_id: customerId,
          user_id: userId,
          created_by: actor.id,
          created_at: clock.now().toISOString(),
        })
        .execute();
      await audit.append(trx, [
        { actor: actor.id, action: 'customer.share', subjects: [customerId], details: { userId } },
      ]);
    });
  }

  async function unshare(actor: Actor, customerId: string, userId: string): Promise<void> {
    await checked(actor, customerId, null);
    await store.transaction(async (trx) => {
      await trx
        .deleteFrom('customer_shares')
        .where('org_id', '=', orgId)
        .where('customer_id', '=', customerId)
        .where('user_id', '=', userId)
        .execute();
      await audit.append(trx, [
        { actor: actor.id, action: 'customer.unshare', subjects: [customerId], details: { userId } },
      ]);
    });
  }

  return { list, share, unshare };
}
