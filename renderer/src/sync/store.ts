import { useEffect } from 'react';
import { create } from 'zustand';
import type { z } from 'zod';
import type { session as sessionSchema, syncStatus } from '../../../core/api/sync.api.ts';
import type { AppErrorData } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import { useOrdersUi } from '../orders/store.ts';
import { useUi } from '../state/ui.ts';

export type SyncStatus = z.output<typeof syncStatus>;
export type Session = z.output<typeof sessionSchema>;

/** Screens of the sync feature that are not one of the app's centre views. */
export type SyncScreen = 'issues';

interface SyncState {
  status: SyncStatus | null;
  session: Session | null;
  /** The last read of the session failed (local service away, or no launch token). */
  sessionError: AppErrorData | null;
  /** null until the first answer; false when the local service cannot be reached. */
  reachable: boolean | null;
  /** The local service refused this page (no or a wrong launch token). */
  unauthorised: boolean;
  /** The sync issues screen is open over the current view. */
  screen: SyncScreen | null;
  /** The clerk asked to sign in again while signed in (sync paused for want of a valid session). */
  reauth: boolean;
  /** A "Sync now" round is running. */
  syncing: boolean;
  refresh: () => Promise<void>;
  setSession: (session: Session) => void;
  setStatus: (status: SyncStatus) => void;
  openIssues: () => void;
  closeScreen: () => void;
  setReauth: (on: boolean) => void;
  setSyncing: (on: boolean) => void;
}

/**
 * What the app knows about sync and sign-in: the status bar's figures, the session, and whether
 * the sync issues screen is open. Read from the desktop core by polling (the core has no push
 * channel to the renderer); the data itself stays behind the API.
 */
export const useSync = create<SyncState>()((set) => ({
  status: null,
  session: null,
  sessionError: null,
  reachable: null,
  unauthorised: false,
  screen: null,
  reauth: false,
  syncing: false,
  refresh: async () => {
    const [s, a] = await Promise.all([oms['sync.status']({}), oms['auth.session']({})]);
    set((prev) => ({
      reachable: s.ok || a.ok,
      unauthorised: !s.ok && s.error.code === 'api.unauthorized',
      status: s.ok ? s.data : prev.status,
      session: a.ok ? a.data : prev.session,
      sessionError: a.ok ? null : a.error,
      // Signed in again (or signed out): the sign-in asked for is done.
      reauth: a.ok && a.data.mode !== 'signed-in' ? false : prev.reauth,
    }));
  },
  setSession: (session) => set({ session, sessionError: null, reauth: false }),
  setStatus: (status) => set({ status }),
  openIssues: () => set({ screen: 'issues' }),
  closeScreen: () => set({ screen: null }),
  setReauth: (reauth) => set({ reauth }),
  setSyncing: (syncing) => set({ syncing }),
}));

// Choosing a centre view (the navigation, a link on a screen) leaves the sync issues screen.
useUi.subscribe((state, prev) => {
  if (state.view !== prev.view && useSync.getState().screen !== null) useSync.setState({ screen: null });
});

/** Every few seconds while a server is configured; the local profile changes only by itself. */
const POLL_MS = 2_000;
const LOCAL_POLL_MS = 5_000;

/**
 * Keeps the status and the session fresh. When a sync round has brought the desktop up to date
 * (the replica's feed position moved: changes arrived), the order screens read again so that changes made on other
 * desktops show within seconds.
 */
export function useSyncPolling(): void {
  useEffect(() => {
    let alive = true;
    let timer = 0;
    let lastCursor: number | null | undefined;
    const tick = async () => {
      await useSync.getState().refresh();
      if (!alive) return;
      const status = useSync.getState().status;
      if (status?.serverConfigured) {
        const cursor = status.cursor;
        if (lastCursor !== undefined && cursor !== lastCursor) useOrdersUi.getState().changed();
        lastCursor = cursor;
      }
      timer = window.setTimeout(() => void tick(), status?.serverConfigured ? POLL_MS : LOCAL_POLL_MS);
    };
    void tick();
    return () => {
      alive = false;
      window.clearTimeout(timer);
    };
  }, []);
}

/** One "Sync now" round; answers the refusal, if any, for the caller to show. */
export async function syncNow(): Promise<AppErrorData | null> {
  const { setSyncing, setStatus } = useSync.getState();
  setSyncing(true);
  const r = await oms['sync.now']({});
  setSyncing(false);
  if (r.ok) setStatus(r.data);
  await useSync.getState().refresh();
  return r.ok ? null : r.error;
}
