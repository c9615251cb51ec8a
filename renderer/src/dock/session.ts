import { useMemo } from 'react';
import { useSync } from '../sync/store.ts';

export interface DockUser {
  roles: readonly string[];
  /** The supplier a supplier clerk is scoped to (its ASNs and purchase lines only). */
  supplierId: string | null;
  name: string;
}

const LOCAL: DockUser = { roles: ['administrator'], supplierId: null, name: '' };

/** Who is at this desktop, for the dock: without a server the local profile is the administrator. */
export function useDockUser(): DockUser {
  const session = useSync((s) => s.session);
  return useMemo(() => {
    if (!session || session.mode === 'local' || !session.user) return LOCAL;
    const u = session.user;
    return {
      roles: u.roles,
      supplierId: u.scopes.find((s) => s.kind === 'supplier')?.id ?? null,
      name: u.displayName,
    };
  }, [session]);
}
