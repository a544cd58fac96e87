import { type Actor, can } from '../../kernel/authz/permissions.js';
import { AppError } from '../../kernel/errors/app-error.js';

export type TransferAction = 'read' | 'manage' | 'package' | 'receive' | 'complete';

/**
 * What built-in roles may do with transfers. The `transfer` resource is declared in the kernel's
 * permission map (custom roles can grant it); these built-in grants live here until the access module
 * folds them into BUILT_IN_ROLES. A transfer case is the DPO's (个人信息保护负责人) work.
 */
export const TRANSFER_ROLE_GRANTS: Record<string, readonly TransferAction[]> = {
  system: ['read', 'manage', 'package', 'receive', 'complete'],
  dpo: ['read', 'manage', 'package', 'receive', 'complete'],
  auditor: ['read'],
};

export function canTransfer(actor: Actor, action: TransferAction): boolean {
  if (can(actor, 'transfer', action)) return true;
  return actor.roles.some((r) => TRANSFER_ROLE_GRANTS[r]?.includes(action));
}

/** Throws FORBIDDEN unless the actor may do this transfer action. */
export function assertTransfer(actor: Actor, action: TransferAction): void {
  if (!canTransfer(actor, action)) throw new AppError('FORBIDDEN', { detail: `transfer.${action}` });
}

const TRANSFER_ACTIONS: readonly TransferAction[] = ['read', 'manage', 'package', 'receive', 'complete'];

/**
 * The actor's effective transfer grants (custom-role grants and the built-in ones above), shaped as
 * the kernel's permission map (`{ transfer: { read: true, … } }`) for GET /auth/me.
 */
export function transferPermissions(actor: Actor): Record<string, Record<string, true>> {
  const granted = TRANSFER_ACTIONS.filter((a) => canTransfer(actor, a));
  return granted.length ? { transfer: Object.fromEntries(granted.map((a) => [a, true])) } : {};
}
