import type { PurchaseLineOut } from '../../../core/api/dock.api.ts';
import type { UnitKind } from '../../../core/dock/schemas.ts';
import type { FieldIssue } from '../../../core/errors.ts';

/** Pure helpers of the dock screens: SSCC display, packing, the ASN form, roles → tabs. */

export const DOCK_TABS = ['receive', 'asns', 'appointments', 'labels', 'printers'] as const;
export type DockTab = (typeof DOCK_TABS)[number];

const WAREHOUSE: readonly string[] = ['administrator', 'supervisor', 'warehouse-clerk'];
const SUPERVISING: readonly string[] = ['administrator', 'supervisor'];

/**
 * The dock tabs a clerk gets: receiving for the warehouse; ASNs, appointments and this
 * desktop's printers for everyone (a supplier announces, books and prints); label templates
 * for supervisors. Without a server the local profile is the administrator.
 */
export function dockTabsFor(roles: readonly string[]): DockTab[] {
  return DOCK_TABS.filter((tab) => {
    if (tab === 'receive') return roles.some((r) => WAREHOUSE.includes(r));
    if (tab === 'labels') return roles.some((r) => SUPERVISING.includes(r));
    return true;
  });
}

export const isSupervising = (roles: readonly string[]): boolean => roles.some((r) => SUPERVISING.includes(r));
export const isWarehouse = (roles: readonly string[]): boolean => roles.some((r) => WAREHOUSE.includes(r));
/** Supplier clerks (and supervisors on their behalf) announce deliveries. */
export const isSupplierDesk = (roles: readonly string[]): boolean =>
  roles.some((r) => r === 'administrator' || r === 'supervisor' || r === 'supplier-clerk');

/**
 * An SSCC grouped as on the label's human-readable line: "(00) 0 0614141 123456789 0"
 * (extension digit, company prefix, serial reference, check digit). The prefix length is the
 * supplier's; unknown, the common 7 digits are assumed (grouping only, the digits are all there).
 */
export function formatSscc(sscc: string, prefixLength = 7): string {
  if (!/^\d{18}$/.test(sscc)) return sscc;
  const p = Math.min(Math.max(prefixLength, 4), 12);
  return `(00) ${sscc[0]} ${sscc.slice(1, 1 + p)} ${sscc.slice(1 + p, 17)} ${sscc[17]}`;
}

/** A quantity in cartons of `per`: full cartons and the rest in a last one (250 / 100 → 100, 100, 50). */
export function splitIntoCartons(quantity: number, per: number): number[] {
  if (!Number.isInteger(quantity) || !Number.isInteger(per) || quantity <= 0 || per <= 0) return [];
  const out: number[] = Array.from({ length: Math.floor(quantity / per) }, () => per);
  if (quantity % per > 0) out.push(quantity % per);
  return out;
}

/** A whole positive quantity typed in a field ("1,200" and full-width digits accepted), else null. */
export function parseCount(text: string): number | null {
  const t = text
    .trim()
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[,，\s]/g, '');
  if (!/^\d{1,9}$/.test(t)) return null;
  return Number(t);
}

// ---------- the ASN form ----------

export interface FormLine {
  line: PurchaseLineOut;
  qty: string;
  lot: string;
  expiry: string;
  /** "Cartons of …" for the split helper. */
  per: string;
}

export interface FormUnit {
  kind: UnitKind;
  /** Quantity per purchase line number, as typed. */
  qty: Record<number, string>;
}

export interface AppointmentDraft {
  on: boolean;
  dock: string;
  /** datetime-local values (no offset). */
  start: string;
  end: string;
}

export interface AsnDraft {
  orderId: string;
  supplierId: string;
  shipDate: string;
  expectedDate: string;
  carrierRef: string;
  note: string;
  lines: FormLine[];
  units: FormUnit[];
  appointment: AppointmentDraft;
}

/** Lines the clerk is announcing (a quantity other than empty or 0), in purchase-line order. */
export const announcedLines = (d: AsnDraft): FormLine[] =>
  d.lines.filter((l) => l.qty.trim() !== '' && parseCount(l.qty) !== 0);

/** What the cartons hold of each purchase line. */
export function packedByLine(units: readonly FormUnit[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const u of units)
    for (const [k, v] of Object.entries(u.qty)) {
      const n = parseCount(v) ?? 0;
      if (n > 0) out.set(Number(k), (out.get(Number(k)) ?? 0) + n);
    }
  return out;
}

/**
 * Replaces the cartons holding only this line by cartons of `per`; cartons mixing lines are
 * left as they are (their share of this line is kept and the rest is split).
 */
export function splitLine(units: readonly FormUnit[], lineNo: number, quantity: number, per: number): FormUnit[] {
  const holds = (u: FormUnit, n: number) => (parseCount(u.qty[n] ?? '') ?? 0) > 0;
  const onlyThis = (u: FormUnit) =>
    holds(u, lineNo) && Object.keys(u.qty).every((k) => Number(k) === lineNo || !holds(u, Number(k)));
  const kept = units.filter((u) => !onlyThis(u));
  const inKept = kept.reduce((s, u) => s + (parseCount(u.qty[lineNo] ?? '') ?? 0), 0);
  const fresh = splitIntoCartons(quantity - inKept, per).map((q): FormUnit => ({
    kind: 'carton',
    qty: { [lineNo]: String(q) },
  }));
  return [...kept, ...fresh];
}

export type Issues = Record<string, FieldIssue>;

const isoDay = /^\d{4}-\d{2}-\d{2}$/;

/** A datetime-local value as an ISO date-time with this computer's offset (2026-11-26T09:00:00+08:00). */
export function localDateTimeToIso(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  if (Number.isNaN(d.getTime())) return null;
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const pad = (n: number) => String(Math.trunc(Math.abs(n))).padStart(2, '0');
  return `${value}:00${sign}${pad(off / 60)}:${pad(off % 60)}`;
}

export interface CreateAsnInput {
  orderId: string;
  supplierId: string;
  shipDate: string;
  expectedDate: string | null;
  carrierRef: string;
  note: string;
  lines: { orderLineNo: number; quantity: number; lot: string; expiry: string }[];
  units: { kind: UnitKind; contents: { line: number; quantity: number }[] }[];
  appointment: { dock: string; slotStart: string; slotEnd: string; note: string } | null;
}

/**
 * Checks the form before anything is sent: quantities within what may still be announced,
 * lot and expiry where the item tracks them, cartons that add up to each line (the command
 * refuses a mismatch too, but the clerk should see it on the line). Issue paths:
 * `line.<poLine>.qty|lot|expiry|packed`, `unit.<i>`, `lines`, `units`, `shipDate`, `appointment.*`.
 */
export function checkAsnDraft(d: AsnDraft): { input: CreateAsnInput | null; issues: Issues } {
  const issues: Issues = {};
  const add = (path: string, code: string, params?: Record<string, string | number>) => {
    issues[path] ??= params ? { path, code, params } : { path, code };
  };
  if (!isoDay.test(d.shipDate)) add('shipDate', 'required');
  if (d.expectedDate !== '' && !isoDay.test(d.expectedDate)) add('expectedDate', 'invalid-format');
  if (d.expectedDate !== '' && isoDay.test(d.shipDate) && d.expectedDate < d.shipDate)
    add('expectedDate', 'date-order');
  const chosen = announcedLines(d);
  if (chosen.length === 0) add('lines', 'no-lines');
  const packed = packedByLine(d.units);
  for (const l of chosen) {
    const n = l.line.lineNo;
    const q = parseCount(l.qty);
    if (q === null) add(`line.${n}.qty`, 'whole-number');
    else if (q > l.line.allowed) add(`line.${n}.qty`, 'over-asn', { allowed: l.line.allowed });
    if (l.line.lotTracked && l.lot.trim() === '') add(`line.${n}.lot`, 'lot-required');
    if (l.lot.trim() !== '' && !/^[!-~]{1,20}$/.test(l.lot.trim())) add(`line.${n}.lot`, 'lot-format');
    if (l.line.expiryTracked && l.expiry === '') add(`line.${n}.expiry`, 'expiry-required');
    if (l.expiry !== '' && !isoDay.test(l.expiry)) add(`line.${n}.expiry`, 'invalid-format');
    if (q !== null && (packed.get(n) ?? 0) !== q)
      add(`line.${n}.packed`, 'packing-mismatch', { packed: packed.get(n) ?? 0 });
  }
  const chosenNos = new Set(chosen.map((l) => l.line.lineNo));
  for (const [n] of packed)
    if (!chosenNos.has(n)) add(`line.${n}.packed`, 'packing-mismatch', { packed: packed.get(n) ?? 0 });
  const units = d.units.filter((u) => Object.values(u.qty).some((v) => (parseCount(v) ?? 0) > 0));
  d.units.forEach((u, i) => {
    for (const v of Object.values(u.qty))
      if (v.trim() !== '' && parseCount(v) === null) add(`unit.${i}`, 'whole-number');
  });
  if (chosen.length > 0 && units.length === 0) add('units', 'no-units');
  let appointment: CreateAsnInput['appointment'] = null;
  if (d.appointment.on) {
    const a = d.appointment;
    const start = localDateTimeToIso(a.start);
    const end = localDateTimeToIso(a.end);
    if (a.dock.trim() === '') add('appointment.dock', 'required');
    if (!start) add('appointment.start', 'datetime-format');
    if (!end) add('appointment.end', 'datetime-format');
    if (start && end && Date.parse(end) <= Date.parse(start)) add('appointment.end', 'slot-order');
    if (start && end) appointment = { dock: a.dock.trim(), slotStart: start, slotEnd: end, note: '' };
  }
  if (Object.keys(issues).length > 0) return { input: null, issues };
  const index = new Map(chosen.map((l, i) => [l.line.lineNo, i + 1]));
  return {
    issues,
    input: {
      orderId: d.orderId,
      supplierId: d.supplierId,
      shipDate: d.shipDate,
      expectedDate: d.expectedDate === '' ? null : d.expectedDate,
      carrierRef: d.carrierRef.trim(),
      note: d.note.trim(),
      lines: chosen.map((l) => ({
        orderLineNo: l.line.lineNo,
        quantity: parseCount(l.qty)!,
        lot: l.lot.trim(),
        expiry: l.expiry,
      })),
      units: units.map((u) => ({
        kind: u.kind,
        contents: Object.entries(u.qty)
          .map(([k, v]) => ({ line: index.get(Number(k))!, quantity: parseCount(v) ?? 0 }))
          .filter((c) => c.quantity > 0)
          .sort((a, b) => a.line - b.line),
      })),
      appointment,
    },
  };
}

/**
 * Issues the server returned, on the form's fields: `lines.2.quantity` is the third announced
 * line (its purchase line number is what the form keys by); `units.1…` the second carton.
 */
export function serverIssues(fields: readonly FieldIssue[] | undefined, d: AsnDraft): Issues {
  const out: Issues = {};
  const chosen = announcedLines(d);
  const units = d.units
    .map((u, i) => ({ u, i }))
    .filter(({ u }) => Object.values(u.qty).some((v) => (parseCount(v) ?? 0) > 0));
  for (const f of fields ?? []) {
    const m = /^lines\.(\d+)\.(quantity|lot|expiry|orderLineNo)/.exec(f.path);
    const u = /^units\.(\d+)/.exec(f.path);
    const a = /^appointment\.(dock|slotStart|slotEnd)/.exec(f.path);
    if (m) {
      const n = chosen[Number(m[1])]?.line.lineNo;
      const field = m[2] === 'quantity' || m[2] === 'orderLineNo' ? 'qty' : m[2];
      if (n !== undefined) out[`line.${n}.${field}`] ??= { ...f, path: `line.${n}.${field}` };
    } else if (u) {
      const i = units[Number(u[1])]?.i;
      if (i !== undefined) out[`unit.${i}`] ??= { ...f, path: `unit.${i}` };
    } else if (a) {
      const key = `appointment.${a[1] === 'dock' ? 'dock' : a[1] === 'slotStart' ? 'start' : 'end'}`;
      out[key] ??= { ...f, path: key };
    } else out[f.path] ??= f;
  }
  return out;
}

/** The purchase lines grouped by purchase order, in order number order. */
export function groupByOrder(rows: readonly PurchaseLineOut[]): { orderId: string; lines: PurchaseLineOut[] }[] {
  const out = new Map<string, PurchaseLineOut[]>();
  for (const r of rows) out.set(r.orderId, [...(out.get(r.orderId) ?? []), r]);
  return [...out].map(([orderId, lines]) => ({ orderId, lines }));
}

// ---------- times ----------

/** A time of day in this computer's zone (10:42), the day too when it is not today. */
export function formatWhen(iso: string, lang: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const locale = lang === 'zh-CN' ? 'zh-CN' : 'en-GB';
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
  if (d.toDateString() === now.toDateString()) return time;
  const day = new Intl.DateTimeFormat(locale, { month: '2-digit', day: '2-digit' }).format(d);
  return `${day} ${time}`;
}

/** Start of a local day and of the next one, as ISO instants (for appointments.list). */
export function dayRange(day: string): { from: string; to: string } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const from = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const to = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1);
  return { from: from.toISOString(), to: to.toISOString() };
}
