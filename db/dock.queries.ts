import type { AppointmentOut, AsnDetail, AsnSummary, PurchaseLineOut } from '../core/api/dock.api.ts';
import { asnAllowance } from '../core/dock/rules.ts';
import type { AppointmentStatus, AsnStatus, DiscrepancyKind, UnitKind } from '../core/dock/schemas.ts';
import { AppError } from '../core/errors.ts';
import { toGtin14 } from '../core/gs1.ts';
import type { LabelData } from '../core/labels/data.ts';
import type { Database } from './connect.ts';
import { pendingIds } from './replica.queries.ts';

/** Read models of the dock (issue 6): what the supplier may announce, ASNs, labels, appointments. */

/** Purchase lines still open for announcing, with the allowance the command will enforce. */
export async function purchaseLines(
  db: Database,
  filter: { supplierId?: string; orderId?: string },
): Promise<PurchaseLineOut[]> {
  let q = db
    .selectFrom('orders as o')
    .innerJoin('order_lines as l', 'l.order_id', 'o.id')
    .innerJoin('items as i', 'i.id', 'l.item_id')
    .innerJoin('suppliers as s', 's.id', 'o.supplier_id')
    .innerJoin('warehouses as w', 'w.id', 'o.warehouse_id')
    .select([
      'o.id as orderId',
      'o.number as orderNumber',
      'o.version as orderVersion',
      's.id as supplierId',
      's.name as supplierName',
      's.asn_tolerance_pct as tolerancePct',
      'w.id as warehouseId',
      'w.name as warehouseName',
      'o.requested_date as requestedDate',
      'l.line_no as lineNo',
      'i.id as itemId',
      'i.sku',
      'i.name as itemName',
      'i.name_en as itemNameEn',
      'i.gtin',
      'i.lot_tracked',
      'i.expiry_tracked',
      'l.qty_ordered',
      'l.qty_cancelled',
      'l.qty_received',
    ])
    .where('o.type', '=', 'purchase')
    .where('o.status', 'in', ['approved', 'partially-received']);
  if (filter.supplierId) q = q.where('o.supplier_id', '=', filter.supplierId);
  if (filter.orderId) q = q.where('o.id', '=', filter.orderId);
  const rows = await q.orderBy('o.number').orderBy('l.line_no').limit(2000).execute();
  if (rows.length === 0) return [];
  const others = await db
    .selectFrom('asn_lines as a')
    .innerJoin('asns as h', 'h.id', 'a.asn_id')
    .select(['h.order_id', 'a.order_line_no', 'a.quantity', 'a.qty_received', 'h.status'])
    .where('h.order_id', 'in', [...new Set(rows.map((r) => r.orderId))])
    .where('h.status', '<>', 'cancelled')
    .execute();
  return rows
    .map((r) => {
      const mine = others.filter((o) => o.order_id === r.orderId && o.order_line_no === r.lineNo);
      return {
        orderId: r.orderId,
        orderNumber: r.orderNumber,
        orderVersion: r.orderVersion,
        supplierId: r.supplierId,
        supplierName: r.supplierName,
        warehouseId: r.warehouseId,
        warehouseName: r.warehouseName,
        requestedDate: r.requestedDate,
        lineNo: r.lineNo,
        itemId: r.itemId,
        sku: r.sku,
        itemName: r.itemName,
        itemNameEn: r.itemNameEn,
        gtin: r.gtin,
        lotTracked: r.lot_tracked === 1,
        expiryTracked: r.expiry_tracked === 1,
        ordered: r.qty_ordered - r.qty_cancelled,
        received: r.qty_received,
        announced: mine.reduce((s, o) => s + o.quantity, 0),
        allowed: asnAllowance({
          ordered: r.qty_ordered,
          cancelled: r.qty_cancelled,
          receivedTotal: r.qty_received,
          others: mine.map((o) => ({ quantity: o.quantity, received: o.qty_received, closed: o.status === 'closed' })),
          tolerancePct: r.tolerancePct,
        }),
        tolerancePct: r.tolerancePct,
      };
    })
    .filter((r) => r.allowed > 0);
}

const summaryQuery = (db: Database) =>
  db
    .selectFrom('asns as a')
    .innerJoin('suppliers as s', 's.id', 'a.supplier_id')
    .innerJoin('warehouses as w', 'w.id', 'a.warehouse_id')
    .innerJoin('orders as o', 'o.id', 'a.order_id')
    .select([
      'a.id',
      'a.number',
      'a.status',
      'a.supplier_id',
      's.name as supplier_name',
      'a.warehouse_id',
      'w.name as warehouse_name',
      'a.order_id',
      'o.number as order_number',
      'a.ship_date',
      'a.expected_date',
      'a.unit_count',
      'a.units_received',
      'a.qty_announced',
      'a.qty_received',
      'a.created_by',
      'a.created_at',
      'a.version',
      'a.carrier_ref',
      'a.note',
      'a.arrived_at',
      's.gs1_company_prefix',
    ]);

type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaryQuery>['execute']>>[number];

const toSummary = (r: SummaryRow, provisional: boolean): AsnSummary => ({
  id: r.id,
  number: r.number,
  status: r.status as AsnStatus,
  supplierId: r.supplier_id,
  supplierName: r.supplier_name,
  warehouseId: r.warehouse_id,
  warehouseName: r.warehouse_name,
  orderId: r.order_id,
  orderNumber: r.order_number,
  shipDate: r.ship_date,
  expectedDate: r.expected_date,
  unitCount: r.unit_count,
  unitsReceived: r.units_received,
  qtyAnnounced: r.qty_announced,
  qtyReceived: r.qty_received,
  createdBy: r.created_by,
  createdAt: r.created_at,
  version: r.version,
  provisional,
});

export async function listAsns(
  db: Database,
  f: {
    status?: AsnStatus;
    supplierId?: string;
    warehouseId?: string;
    search?: string;
    openOnly?: boolean;
    limit: number;
  },
): Promise<AsnSummary[]> {
  let q = summaryQuery(db);
  if (f.status) q = q.where('a.status', '=', f.status);
  if (f.openOnly) q = q.where('a.status', 'in', ['open', 'arrived', 'receiving']);
  if (f.supplierId) q = q.where('a.supplier_id', '=', f.supplierId);
  if (f.warehouseId) q = q.where('a.warehouse_id', '=', f.warehouseId);
  if (f.search) {
    const like = `${f.search.toUpperCase()}%`;
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn('upper', ['a.number']), 'like', like),
        eb(eb.fn('upper', ['o.number']), 'like', like),
        eb('a.id', 'in', eb.selectFrom('handling_units').select('asn_id').where('sscc', 'like', `${f.search}%`)),
      ]),
    );
  }
  const rows = await q.orderBy('a.created_at', 'desc').orderBy('a.id').limit(f.limit).execute();
  const provisional = await pendingIds(
    db,
    'asns',
    rows.map((r) => r.id),
  );
  return rows.map((r) => toSummary(r, provisional.has(r.id)));
}

const appointmentQuery = (db: Database) =>
  db
    .selectFrom('dock_appointments as p')
    .innerJoin('suppliers as s', 's.id', 'p.supplier_id')
    .innerJoin('warehouses as w', 'w.id', 'p.warehouse_id')
    .leftJoin('asns as a', 'a.id', 'p.asn_id')
    .select([
      'p.id',
      'p.asn_id',
      'a.number as asn_number',
      'p.supplier_id',
      's.name as supplier_name',
      'p.warehouse_id',
      'w.name as warehouse_name',
      'p.dock',
      'p.slot_start',
      'p.slot_end',
      'p.status',
      'p.note',
      'p.created_by',
      'p.version',
    ]);

type AppointmentRow = Awaited<ReturnType<ReturnType<typeof appointmentQuery>['execute']>>[number];
const toAppointment = (r: AppointmentRow): AppointmentOut => ({
  id: r.id,
  asnId: r.asn_id,
  asnNumber: r.asn_number,
  supplierId: r.supplier_id,
  supplierName: r.supplier_name,
  warehouseId: r.warehouse_id,
  warehouseName: r.warehouse_name,
  dock: r.dock,
  slotStart: r.slot_start,
  slotEnd: r.slot_end,
  status: r.status as AppointmentStatus,
  note: r.note,
  createdBy: r.created_by,
  version: r.version,
});

export async function listAppointments(
  db: Database,
  f: { warehouseId?: string; from?: string; to?: string },
): Promise<AppointmentOut[]> {
  let q = appointmentQuery(db);
  if (f.warehouseId) q = q.where('p.warehouse_id', '=', f.warehouseId);
  if (f.from) q = q.where('p.slot_start', '>=', f.from);
  if (f.to) q = q.where('p.slot_start', '<', f.to);
  return (await q.orderBy('p.slot_start').limit(500).execute()).map(toAppointment);
}

export async function getAsn(db: Database, id: string): Promise<AsnDetail> {
  const head = await summaryQuery(db).where('a.id', '=', id).executeTakeFirst();
  if (!head) throw new AppError('dock.asn-not-found', `No ASN ${id}`, { id });
  const [lines, units, contents, receipts, discrepancies, appointments, order] = await Promise.all([
    db
      .selectFrom('asn_lines as l')
      .innerJoin('items as i', 'i.id', 'l.item_id')
      .select([
        'l.line_no',
        'l.order_line_no',
        'l.item_id',
        'i.sku',
        'i.name',
        'i.name_en',
        'i.gtin',
        'l.quantity',
        'l.lot',
        'l.expiry',
        'l.qty_received',
      ])
      .where('l.asn_id', '=', id)
      .orderBy('l.line_no')
      .execute(),
    db.selectFrom('handling_units').selectAll().where('asn_id', '=', id).orderBy('position').execute(),
    db.selectFrom('handling_unit_contents').selectAll().where('asn_id', '=', id).orderBy('asn_line_no').execute(),
    db.selectFrom('dock_receipts').selectAll().where('asn_id', '=', id).orderBy('at').orderBy('id').execute(),
    db.selectFrom('dock_discrepancies').selectAll().where('asn_id', '=', id).orderBy('at').orderBy('id').execute(),
    appointmentQuery(db).where('p.asn_id', '=', id).orderBy('p.slot_start').execute(),
    db
      .selectFrom('orders')
      .select(['status', 'qty_ordered', 'qty_done', 'progress'])
      .where('id', '=', head.order_id)
      .executeTakeFirstOrThrow(),
  ]);
  const provisional = await pendingIds(db, 'asns', [id]);
  return {
    ...toSummary(head, provisional.has(id)),
    companyPrefix: head.gs1_company_prefix,
    carrierRef: head.carrier_ref,
    note: head.note,
    arrivedAt: head.arrived_at,
    lines: lines.map((l) => ({
      lineNo: l.line_no,
      orderLineNo: l.order_line_no,
      itemId: l.item_id,
      sku: l.sku,
      itemName: l.name,
      itemNameEn: l.name_en,
      gtin: l.gtin,
      quantity: l.quantity,
      lot: l.lot,
      expiry: l.expiry,
      qtyReceived: l.qty_received,
    })),
    units: units.map((u) => ({
      id: u.id,
      sscc: u.sscc,
      kind: u.kind as UnitKind,
      position: u.position,
      grossWeightGrams: u.gross_weight_grams,
      status: u.status as 'expected' | 'received',
      receivedAt: u.received_at,
      receivedBy: u.received_by,
      contents: contents
        .filter((c) => c.unit_id === u.id)
        .map((c) => ({ lineNo: c.asn_line_no, quantity: c.quantity })),
    })),
    receipts: receipts.map((r) => ({
      id: r.id,
      kind: r.kind as 'unit' | 'quantity',
      unitId: r.unit_id,
      lineNo: r.asn_line_no,
      scan: r.scan,
      quantity: r.quantity,
      actor: r.actor,
      at: r.at,
    })),
    discrepancies: discrepancies.map((x) => ({
      id: x.id,
      kind: x.kind as DiscrepancyKind,
      lineNo: x.asn_line_no,
      unitId: x.unit_id,
      expected: x.expected,
      received: x.received,
      note: x.note,
      approvedBy: x.approved_by,
      actor: x.actor,
      at: x.at,
    })),
    appointments: appointments.map(toAppointment),
    order: {
      status: order.status,
      qtyOrdered: order.qty_ordered,
      qtyReceived: order.qty_done,
      progress: order.progress,
    },
  };
}

/** One label per handling unit (all, or the ones asked for), in packing order. */
export async function labelDataFor(db: Database, asnId: string, unitIds?: readonly string[]): Promise<LabelData[]> {
  const asn = await db
    .selectFrom('asns as a')
    .innerJoin('suppliers as s', 's.id', 'a.supplier_id')
    .innerJoin('warehouses as w', 'w.id', 'a.warehouse_id')
    .innerJoin('orders as o', 'o.id', 'a.order_id')
    .select([
      'a.id',
      'a.number',
      'a.ship_date',
      'a.unit_count',
      's.name as supplier',
      'w.name as warehouse',
      'w.address',
      'o.number as po',
    ])
    .where('a.id', '=', asnId)
    .executeTakeFirst();
  if (!asn) throw new AppError('dock.asn-not-found', `No ASN ${asnId}`, { id: asnId });
  let uq = db.selectFrom('handling_units').selectAll().where('asn_id', '=', asnId);
  if (unitIds) uq = uq.where('id', 'in', unitIds.length > 0 ? [...unitIds] : ['']);
  const units = await uq.orderBy('position').execute();
  const contents = await db
    .selectFrom('handling_unit_contents as c')
    .innerJoin('asn_lines as l', (j) => j.onRef('l.asn_id', '=', 'c.asn_id').onRef('l.line_no', '=', 'c.asn_line_no'))
    .innerJoin('items as i', 'i.id', 'l.item_id')
    .select(['c.unit_id', 'c.quantity', 'l.lot', 'l.expiry', 'i.sku', 'i.name', 'i.gtin'])
    .where('c.asn_id', '=', asnId)
    .execute();
  return units.map((u) => {
    const mine = contents.filter((c) => c.unit_id === u.id);
    const one = mine.length === 1 ? mine[0]! : null;
    return {
      sscc: u.sscc,
      from: { name: asn.supplier, address: [], gln: null, postcode: null },
      to: { name: asn.warehouse, address: asn.address ? [asn.address] : [], gln: null, postcode: null },
      purchaseOrder: asn.po.slice(0, 30),
      asnNumber: asn.number,
      shipDate: asn.ship_date,
      unit: { kind: u.kind as UnitKind, index: u.position, count: asn.unit_count },
      // A unit of one trade item carries its GTIN, count, batch and expiry; a mixed one only the SSCC.
      content:
        one && one.gtin
          ? {
              gtin: toGtin14(one.gtin),
              count: one.quantity,
              batch: one.lot || null,
              expiry: one.expiry || null,
              itemCode: one.sku,
              itemName: one.name,
            }
          : null,
      grossWeightGrams: u.gross_weight_grams,
    };
  });
}

/** Suppliers with a GS1 company prefix the signed-in user may announce for (SSCC series to keep). */
export async function supplierPrefixes(db: Database, supplierId: string): Promise<string | null> {
  const row = await db
    .selectFrom('suppliers')
    .select('gs1_company_prefix')
    .where('id', '=', supplierId)
    .executeTakeFirst();
  return row?.gs1_company_prefix ?? null;
}
