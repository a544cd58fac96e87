import { createContext, useContext } from 'react';
import type { SessionUser } from './api';

export interface Session {
  user: SessionUser;
  permissions: unknown;
  /** Re-reads /auth/me (after a password change or TOTP enrolment). */
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
  navigate: (path: string) => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in console');
  return s;
}
