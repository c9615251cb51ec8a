import { AppError } from '../errors.ts';
import { makeSscc } from '../gs1/build.ts';
import type { AppointmentStatus, AsnStatus } from './schemas.ts';

/**
 * The SSCC of the n-th serial of a company prefix (n from 1): extension digit and serial
 * reference together are one counter, so a prefix yields 10^(17 − prefix length) SSCCs.
 */
export function ssccOf(companyPrefix: string, n: number): string {
  const serialDigits = 16 - companyPrefix.length;
  if (!/^\d{6,12}$/.test(companyPrefix) || !Number.isSafeInteger(n) || n < 1 || n >= 10 ** (serialDigits + 1))
    throw new AppError('dock.no-sscc-range', `Serial ${n} does not fit the company prefix ${companyPrefix}`, {
      companyPrefix,
      serial: n,
    });
  return makeSscc(companyPrefix, Math.floor(n / 10 ** serialDigits), n % 10 ** serialDigits);
}

/** The number series the server hands SSCC serial blocks out of, one per company prefix. */
export const ssccSeries = (companyPrefix: string): string => `SSCC-${companyPrefix}`;

/**
 * How much a purchase line may still be announced on a new ASN: the open quantity plus the
 * supplier's tolerance, less what other ASNs already carry (a closed ASN counts what arrived)
 * and what was received without an ASN.
 */
export function asnAllowance(p: {
  ordered: number;
  cancelled: number;
  receivedTotal: number;
  /** Per other non-cancelled ASN line of this purchase line. */
  others: readonly { quantity: number; received: number; closed: boolean }[];
  tolerancePct: number;
}): number {
  const cap = Math.floor(((p.ordered - p.cancelled) * (100 + p.tolerancePct)) / 100);
  const viaAsns = p.others.reduce((s, o) => s + o.received, 0);
  const committed = p.others.reduce((s, o) => s + (o.closed ? o.received : Math.max(o.quantity, o.received)), 0);
  const outside = Math.max(0, p.receivedTotal - viaAsns);
  return Math.max(0, cap - committed - outside);
}

const ASN_TRANSITIONS: Record<AsnStatus, readonly AsnStatus[]> = {
  open: ['arrived', 'receiving', 'received', 'closed', 'cancelled'],
  arrived: ['receiving', 'received', 'closed'],
  receiving: ['receiving', 'received', 'closed'],
  // A supervisor may still receive an approved excess into a fully received ASN.
  received: ['received', 'closed'],
  closed: [],
  cancelled: [],
};

export function assertAsnTransition(number: string, from: AsnStatus, to: AsnStatus): void {
  if (!ASN_TRANSITIONS[from].includes(to))
    throw new AppError(
      from === 'closed' || from === 'cancelled' ? 'dock.asn-closed' : 'dock.invalid-transition',
      `ASN ${number} is ${from}: it cannot become ${to}`,
      { number, from, to },
    );
}

const APPOINTMENT_TRANSITIONS: Record<AppointmentStatus, readonly AppointmentStatus[]> = {
  requested: ['confirmed', 'cancelled'],
  confirmed: ['arrived', 'no_show', 'cancelled'],
  arrived: ['completed'],
  completed: [],
  no_show: [],
  cancelled: [],
};

/** A supplier may book and cancel; confirming, arrival and the outcome are the warehouse's. */
export function assertAppointmentTransition(
  from: AppointmentStatus,
  to: AppointmentStatus,
  byWarehouse: boolean,
): void {
  if (!APPOINTMENT_TRANSITIONS[from].includes(to) || (!byWarehouse && to !== 'cancelled'))
    throw new AppError('dock.invalid-transition', `An appointment ${from} cannot become ${to}`, { from, to });
}

/** Splits a received quantity into what the purchase line still expects and the excess. */
export function splitReceipt(quantity: number, due: number): { toOrder: number; excess: number } {
  const toOrder = Math.max(0, Math.min(quantity, due));
  return { toOrder, excess: quantity - toOrder };
}
