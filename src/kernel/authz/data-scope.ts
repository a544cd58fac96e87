import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Db, Trx } from '../store/store.js';
import { type Actor, scopeKindOf } from './permissions.js';

/**
 * Which customers an actor reaches (负责人 scope): those it owns or that are shared with it (`own`),
 * those owned by or shared with its team (`team`), or all of the org's (`all`). A customer outside the
 * scope does not exist for the actor: services answer CUSTOMER_NOT_FOUND, never FORBIDDEN.
 */
export type DataScope =
  | { kind: 'all' }
  | { kind: 'own'; userId: string }
  | { kind: 'team'; userId: string; team: string };

export function dataScopeOf(actor: Actor): DataScope {
  const kind = scopeKindOf(actor);
  if (kind === 'all') return { kind: 'all' };
  const userId = actor.userId ?? '';
  if (kind === 'team' && actor.team) return { kind: 'team', userId, team: actor.team };
  return { kind: 'own', userId };
}

/** A WHERE condition on the `customers` table limiting rows to the scope. */
export function customerScopeFilter(
  scope: Exclude<DataScope, { kind: 'all' }>,
  orgId: string,
): (eb: ExpressionBuilder<Database, 'customers'>) => Expression<SqlBool> {
  return (eb) => {
    const members =
      scope.kind === 'team'
        ? eb
            .selectFrom('users')
            .select('users.id')
            .where('users.org_id', '=', orgId)
            .where('users.team', '=', scope.team)
        : null;
    const shared = eb
      .selectFrom('customer_shares')
      .select('customer_shares.customer_id')
      .where('customer_shares.org_id', '=', orgId);
    if (members === null)
      return eb.or([
        eb('customers.owner_id', '=', scope.userId),
        eb('customers.id', 'in', shared.where('customer_shares.user_id', '=', scope.userId)),
      ]);
    return eb.or([
      eb('customers.owner_id', '=', scope.userId),
      eb('customers.owner_id', 'in', members),
      eb('customers.id', 'in', shared.where('customer_shares.user_id', '=', scope.userId)),
      eb('customers.id', 'in', shared.where('customer_shares.user_id', 'in', members)),
    ]);
  };
}

/** Whether one customer is within the actor's scope. */
export async function customerInScope(
  db: Db | Trx,
  orgId: string,
  actor: Actor,
  customerId: string,
): Promise<boolean> {
  const scope = dataScopeOf(actor);
  if (scope.kind === 'all') return true;
  const row = await db
    .selectFrom('customers')
    .select('customers.id')
    .where('customers.org_id', '=', orgId)
    .where('customers.id', '=', customerId)
    .where(customerScopeFilter(scope, orgId))
    .executeTakeFirst();
  return row !== undefined;
}
