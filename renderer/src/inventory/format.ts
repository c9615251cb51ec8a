import type { z } from 'zod';
import type { gridOutput, ledgerInput } from '../../../core/inventory/schemas.ts';
import { OWN } from '../../../core/inventory/schemas.ts';
import { groupDigits } from '../masterdata/columns.ts';

export type GridRow = z.output<typeof gridOutput>['rows'][number];
export type GridTotals = z.output<typeof gridOutput>['totals'];
export type LedgerQuery = z.input<typeof ledgerInput>;

/** The quantities of a grid row, in display order; each one drills down to its ledger rows. */
export const FIGURES = ['onHand', 'available', 'reserved', 'inTransit', 'frozen', 'quality'] as const;
export type Figure = (typeof FIGURES)[number];

export function isFigure(value: unknown): value is Figure {
  return typeof value === 'string' && (FIGURES as readonly string[]).includes(value);
}

/** Whole quantities with thousands separators; a sign only when negative. */
export function formatQty(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  return groupDigits(String(Math.trunc(value)));
}

/** A movement's signed quantity: "+1,200" / "−300" (a true minus sign, so columns line up). */
export function formatSigned(value: number): string {
  if (value > 0) return `+${formatQty(value)}`;
  if (value < 0) return `−${formatQty(-value)}`;
  return '0';
}

/** Parses what a clerk types into a quantity box: digits with optional separators. */
export function parseQty(text: string): number | null {
  const clean = text.trim().replaceAll(/[,\s]/g, '');
  if (!/^-?\d+$/.test(clean)) return null;
  const n = Number(clean);
  return Number.isSafeInteger(n) ? n : null;
}

/** The item's name in the clerk's language: the English name in English when there is one. */
export function itemName(zh: string, en: string | null | undefined, lang: string): string {
  return lang.startsWith('en') && en ? en : zh;
}

export type OwnerKind = { kind: 'own' } | { kind: 'consignment'; name: string };

/** `own` is the company's stock; any other owner is a supplier holding consignment stock here. */
export function ownerOf(ownerId: string, ownerName: string | null): OwnerKind {
  return ownerId === OWN ? { kind: 'own' } : { kind: 'consignment', name: ownerName ?? ownerId.slice(0, 8) };
}

/** The ledger filter behind one figure of a grid row: the row's item plus whatever dimensions it has. */
export function ledgerQueryOf(row: GridRow, figure: Figure): LedgerQuery {
  const q: LedgerQuery = { itemId: row.itemId, figure, limit: 200 };
  if (row.warehouseId !== null) q.warehouseId = row.warehouseId;
  if (row.lot !== null) q.lot = row.lot;
  if (row.expiry !== null) q.expiry = row.expiry;
  if (row.ownerId !== null) q.ownerId = row.ownerId;
  return q;
}

/** The ledger's own keyset: newest first by (time, id). */
export const ledgerCursor = (row: { createdAt: string; id: string }): string => JSON.stringify([row.createdAt, row.id]);

/** Today as YYYY-MM-DD in the clerk's time zone. */
export function localToday(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A lot past its expiry date: FEFO no longer picks it (it is not sellable). */
export const isExpired = (expiry: string | null | undefined, today: string): boolean => !!expiry && expiry < today;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Document ids that are UUIDs are shown by their first 8 characters (the full id is the tooltip). */
export const shortDocId = (id: string): string => (UUID.test(id) ? `${id.slice(0, 8)}…` : id);

/** "25/11 02:19" (en) / "11/25 02:19" (zh-CN): for lists where the year is obvious. */
export function formatShortDateTime(iso: string, lang: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'zh-CN' ? 'zh-CN' : 'en-GB', {
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
}
