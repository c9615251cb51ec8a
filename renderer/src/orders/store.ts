import { create } from 'zustand';
import type { OrderType } from '../../../core/orders/schemas.ts';
import type { Failure } from './format.ts';

export const ORDER_TABS = ['sales', 'purchase', 'returns', 'transfer', 'holds', 'exceptions', 'import'] as const;
export type OrderTab = (typeof ORDER_TABS)[number];

/** What the detail says on top right after the clerk made the order (saved and submitted). */
export interface Notice {
  orderId: string;
  number: string;
  status: string;
  failures: Failure[];
}

interface OrdersUi {
  tab: OrderTab;
  /** The returns tab shows sales returns or purchase returns. */
  returnType: Extract<OrderType, 'sales-return' | 'purchase-return'>;
  /** Open documents, the last one shown; Back returns to the one before (or the list). */
  trail: string[];
  notice: Notice | null;
  /** Bumped after every change, so lists and queues read again. */
  changes: number;
  setTab: (tab: OrderTab) => void;
  setReturnType: (type: OrdersUi['returnType']) => void;
  open: (orderId: string, notice?: Notice) => void;
  back: () => void;
  closeAll: () => void;
  changed: () => void;
  clearNotice: () => void;
}

/** View state of the order centre (which tab, which document is open); data lives behind the API. */
export const useOrdersUi = create<OrdersUi>()((set) => ({
  tab: 'sales',
  returnType: 'sales-return',
  trail: [],
  notice: null,
  changes: 0,
  setTab: (tab) => set({ tab, trail: [], notice: null }),
  setReturnType: (returnType) => set({ returnType }),
  open: (orderId, notice) =>
    set((s) => ({
      trail: s.trail[s.trail.length - 1] === orderId ? s.trail : [...s.trail, orderId],
      notice: notice ?? null,
    })),
  back: () => set((s) => ({ trail: s.trail.slice(0, -1), notice: null })),
  closeAll: () => set({ trail: [], notice: null }),
  changed: () => set((s) => ({ changes: s.changes + 1 })),
  clearNotice: () => set({ notice: null }),
}));

/** The document type a list tab shows. */
export function typeOfTab(tab: OrderTab, returnType: OrdersUi['returnType']): OrderType | null {
  switch (tab) {
    case 'sales':
      return 'sales';
    case 'purchase':
      return 'purchase';
    case 'transfer':
      return 'transfer';
    case 'returns':
      return returnType;
    default:
      return null;
  }
}
