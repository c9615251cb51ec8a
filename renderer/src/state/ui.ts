import { create } from 'zustand';

export const MASTER_VIEWS = ['items', 'customers', 'suppliers', 'warehouses', 'carriers', 'salesChannels'] as const;
export type MasterView = (typeof MASTER_VIEWS)[number];
export const CENTRE_VIEWS = ['orders', 'inventory', 'dock', 'settlement', 'reports', 'settings'] as const;
export type CentreView = (typeof CENTRE_VIEWS)[number];
export type View = MasterView | CentreView;

export function isMasterView(view: View): view is MasterView {
  return (MASTER_VIEWS as readonly string[]).includes(view);
}

export interface Toast {
  id: number;
  text: string;
}

interface UiState {
  view: View;
  toast: Toast | null;
  setView: (view: View) => void;
  showToast: (text: string) => void;
  dismissToast: (id: number) => void;
}

let toastSeq = 0;

/** View state only: which screen is open and the transient toast. Data lives behind the API. */
export const useUi = create<UiState>()((set) => ({
  view: 'items',
  toast: null,
  setView: (view) => set({ view }),
  showToast: (text) => set({ toast: { id: ++toastSeq, text } }),
  dismissToast: (id) => set((s) => (s.toast?.id === id ? { toast: null } : s)),
}));
