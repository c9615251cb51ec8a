import { AppError } from '../errors.ts';
import type { OrderAction, OrderStatus, OrderType } from './schemas.ts';

/**
 * The state machine of every document type, as data: each row is one allowed transition and the
 * action that takes it. Everything else is refused with `order.invalid-transition`. Progress
 * statuses (partially shipped → shipped …) are never written by hand: they are derived from the
 * line quantities (`progressStatus`) and then checked against this same table.
 */
export interface Transition {
  from: OrderStatus;
  to: OrderStatus;
  action: OrderAction;
}

const t = (from: OrderStatus[], action: OrderAction, to: OrderStatus[]): Transition[] =>
  from.flatMap((f) => to.map((x) => ({ from: f, to: x, action })));

const shipping = (start: OrderStatus): Transition[] => [
  ...t([start, 'partially-shipped'], 'ship', ['partially-shipped', 'shipped']),
  ...t(['partially-shipped'], 'close', ['closed']),
  ...t(['shipped'], 'complete', ['completed']),
];
const receiving = (start: OrderStatus[]): Transition[] => [
  ...t([...start, 'partially-received'], 'receive', ['partially-received', 'received']),
  ...t(['partially-received'], 'close', ['closed']),
  ...t(['received'], 'complete', ['completed']),
];

export const TRANSITIONS: Readonly<Record<OrderType, readonly Transition[]>> = {
  sales: [
    ...t(['draft'], 'submit', ['approved', 'held']),
    ...t(['held'], 'recheck', ['approved', 'held']),
    ...t(['held'], 'release', ['approved']),
    ...t(['draft', 'held', 'approved'], 'split', ['split']),
    ...t(['draft', 'held', 'approved'], 'cancel', ['cancelled']),
    ...shipping('approved'),
  ],
  purchase: [
    ...t(['draft'], 'submit', ['approved']),
    ...t(['draft', 'approved'], 'cancel', ['cancelled']),
    ...receiving(['approved']),
  ],
  'sales-return': [
    ...t(['draft'], 'submit', ['approved']),
    ...t(['draft', 'approved'], 'cancel', ['cancelled']),
    ...receiving(['approved']),
  ],
  'purchase-return': [
    ...t(['draft'], 'submit', ['approved']),
    ...t(['draft', 'approved'], 'cancel', ['cancelled']),
    ...shipping('approved'),
  ],
  transfer: [
    ...t(['draft'], 'submit', ['approved']),
    ...t(['draft', 'approved'], 'cancel', ['cancelled']),
    ...t(['approved', 'partially-shipped'], 'ship', ['partially-shipped', 'shipped']),
    // Shipping the rest after a first receipt keeps it partially received.
    ...t(['partially-received'], 'ship', ['partially-received']),
    // Closing cancels what has not shipped; goods already on the road still arrive, so a transfer
    // with stock in transit stays shipped / partially received until they are received.
    ...t(['partially-shipped'], 'close', ['closed', 'shipped', 'partially-received']),
    ...t(['partially-shipped', 'shipped', 'partially-received'], 'receive', ['partially-received', 'received']),
    ...t(['partially-received'], 'close', ['closed', 'partially-received']),
    ...t(['received'], 'complete', ['completed']),
  ],
};

export function canTransition(type: OrderType, from: OrderStatus, to: OrderStatus, action: OrderAction): boolean {
  return TRANSITIONS[type].some((x) => x.from === from && x.to === to && x.action === action);
}

/** Whether the action is allowed at all from this status (whatever it leads to). */
export function canAct(type: OrderType, from: OrderStatus, action: OrderAction): boolean {
  return TRANSITIONS[type].some((x) => x.from === from && x.action === action);
}

export function assertTransition(type: OrderType, from: OrderStatus, to: OrderStatus, action: OrderAction): void {
  if (!canTransition(type, from, to, action))
    throw new AppError('order.invalid-transition', `A ${type} order cannot ${action} from ${from} to ${to}`, {
      type,
      from,
      to,
      action,
    });
}

export function assertCanAct(type: OrderType, from: OrderStatus, action: OrderAction): void {
  if (!canAct(type, from, action))
    throw new AppError('order.invalid-transition', `A ${type} order cannot ${action} when ${from}`, {
      type,
      from,
      action,
    });
}

/** The actions a clerk can take on a document now (for buttons; the commands re-check). */
export function actionsFrom(type: OrderType, from: OrderStatus): OrderAction[] {
  return [...new Set(TRANSITIONS[type].filter((x) => x.from === from).map((x) => x.action))];
}

/**
 * Where closing leads: `closed`, except a transfer with goods still in transit, which stays at
 * the progress its quantities show until they are received.
 */
export function closeTarget(type: OrderType, lines: readonly LineProgress[]): OrderStatus {
  const inTransit = lines.some((l) => l.shipped > l.received);
  if (type === 'transfer' && inTransit) return progressStatus(type, lines) ?? 'closed';
  return 'closed';
}

export const TERMINAL: ReadonlySet<OrderStatus> = new Set(['completed', 'closed', 'cancelled', 'split']);

export interface LineProgress {
  ordered: number;
  cancelled: number;
  shipped: number;
  received: number;
}

/**
 * The status the line quantities say a document has reached after a ship or receive; `null` when
 * nothing moved yet. Transfers ship first and then receive.
 */
export function progressStatus(type: OrderType, lines: readonly LineProgress[]): OrderStatus | null {
  const due = lines.reduce((s, l) => s + l.ordered - l.cancelled, 0);
  const shipped = lines.reduce((s, l) => s + l.shipped, 0);
  const received = lines.reduce((s, l) => s + l.received, 0);
  if (type === 'sales' || type === 'purchase-return') {
    if (shipped === 0) return null;
    return shipped >= due ? 'shipped' : 'partially-shipped';
  }
  if (type === 'purchase' || type === 'sales-return') {
    if (received === 0) return null;
    return received >= due ? 'received' : 'partially-received';
  }
  if (received > 0) return received >= due ? 'received' : 'partially-received';
  if (shipped === 0) return null;
  return shipped >= due ? 'shipped' : 'partially-shipped';
}

/** Share of the due quantity done, 0–100 (what the list shows as progress). */
export function progressPercent(type: OrderType, lines: readonly LineProgress[]): number {
  const due = lines.reduce((s, l) => s + l.ordered - l.cancelled, 0);
  if (due <= 0) return 0;
  const done = lines.reduce(
    (s, l) => s + (type === 'purchase' || type === 'sales-return' || type === 'transfer' ? l.received : l.shipped),
    0,
  );
  return Math.min(100, Math.floor((done * 100) / due));
}
