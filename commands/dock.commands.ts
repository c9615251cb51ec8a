import { z } from 'zod';
import * as d from '../core/dock/schemas.ts';
import {
  asnAllowance,
  assertAppointmentTransition,
  assertAsnTransition,
  splitReceipt,
  ssccSeries,
} from '../core/dock/rules.ts';
import { AppError } from '../core/errors.ts';
import { hasValidGs1CheckDigit } from '../core/gs1.ts';
import { OWN } from '../core/inventory/schemas.ts';
import { labelTemplate } from '../core/labels/template.ts';
import type { Database } from '../db/connect.ts';
import type { AsnsTable } from '../db/schema.ts';
import { defineCommand, type CommandContext } from './define.ts';
import { StockWriter } from './inventory.commands.ts';
import { receivePurchaseInto } from './orders.commands.ts';

/**
 * The dock (issue 6): suppliers announce deliveries (ASN, 送货单) packed into handling units with
 * SSCCs; the warehouse checks them in and scans them to receive. Supplier commands touch only
 * dock rows (never stock: a supplier cannot see the warehouse's stock); arrival at the dock puts
 * the announced goods in transit at the warehouse, and each scan moves them to on hand and
 * advances the purchase order, in one transaction.
 */

type AsnRow = Omit<AsnsTable, 'units_received' | 'qty_received'> & { units_received: number; qty_received: number };

const uuid = z.uuid();
const opId = { id: uuid };
const withId = (input: unknown, newId: () => string) => ({ ...(input as object), id: newId() });

export const ASN_SERIES = 'ASN';

async function mustAsn(trx: Database, id: string, expectedVersion?: number): Promise<AsnRow> {
  const asn = await trx.selectFrom('asns').selectAll().where('id', '=', id).executeTakeFirst();
  if (!asn) throw new AppError('dock.asn-not-found', `No ASN ${id}`, { id });
  if (expectedVersion !== undefined && asn.version !== expectedVersion)
    throw new AppError('dock.version-conflict', `ASN ${asn.number} was changed meanwhile`, {
      id,
      expected: expectedVersion,
      actual: asn.version,
    });
  return asn as AsnRow;
}

async function patchAsn(trx: Database, ctx: CommandContext, asn: AsnRow, patch: Partial<AsnRow>): Promise<void> {
  const r = await trx
    .updateTable('asns')
    .set({ ...patch, updated_at: ctx.now, version: asn.version + 1 })
    .where('id', '=', asn.id)
    .where('version', '=', asn.version)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1)
    throw new AppError('dock.version-conflict', `ASN ${asn.number} was changed meanwhile`, { id: asn.id });
  Object.assign(asn, patch, { version: asn.version + 1, updated_at: ctx.now });
}

const asnLines = (trx: Database, asnId: string) =>
  trx.selectFrom('asn_lines').selectAll().where('asn_id', '=', asnId).orderBy('line_no').execute();

const bucketOf = (asn: AsnRow, l: { item_id: string; lot: string; expiry: string }) => ({
  itemId: l.item_id,
  warehouseId: asn.warehouse_id,
  lot: l.lot,
  expiry: l.expiry,
  ownerId: OWN,
});

/** Check-in at the dock: the ASN's announced goods become in transit at the warehouse. */
async function arriveInto(trx: Database, ctx: CommandContext, opId: string, asn: AsnRow): Promise<void> {
  assertAsnTransition(asn.number, asn.status, 'arrived');
  const w = new StockWriter(`${opId}:arrive`, ctx);
  for (const l of await asnLines(trx, asn.id))
    w.move(bucketOf(asn, l), 'in_transit', l.quantity, {
      kind: 'dock-arrive',
      doc: { type: 'asn', id: asn.id, line: l.line_no },
    });
  await w.flush(trx);
  await patchAsn(trx, ctx, asn, { status: 'arrived', arrived_at: ctx.now });
}

const isSupervisor = (ctx: CommandContext): boolean => {
  const roles = ctx.actor.roles ?? [];
  return roles.includes('supervisor') || roles.includes('administrator');
};

function needsWarehouse(ctx: CommandContext): boolean {
  const roles = ctx.actor.roles ?? [];
  return roles.includes('administrator') || roles.includes('supervisor') || roles.includes('warehouse-clerk');
}

// ---------- ASN ----------
export const createAsn = defineCommand({
  name: 'createAsn',
  version: 1,
  args: d.createAsnFields.and(
    z.object({
      id: uuid,
      number: z.string().min(1).max(40),
      unitIds: z.array(uuid).min(1),
      ssccs: z.array(z.string().regex(/^\d{18}$/)).min(1),
      appointmentId: uuid.nullable(),
    }),
  ),
  numbering: () => ASN_SERIES,
  ssccs: (input) => {
    const i = input as { supplierId: string; units: unknown[] };
    return { supplierId: i.supplierId, count: i.units.length };
  },
  fromInput: (input, newId, number, ssccs) => {
    const i = input as { units: unknown[]; appointment: unknown };
    return {
      ...(input as object),
      id: newId(),
      number,
      unitIds: i.units.map(() => newId()),
      ssccs,
      appointmentId: i.appointment ? newId() : null,
    };
  },
  async run(trx, a, ctx) {
    if (a.unitIds.length !== a.units.length || a.ssccs.length !== a.units.length)
      throw new AppError('dock.packing-mismatch', 'One unit id and one SSCC per handling unit', {
        units: a.units.length,
      });
    const order = await trx.selectFrom('orders').selectAll().where('id', '=', a.orderId).executeTakeFirst();
    if (!order || order.type !== 'purchase')
      throw new AppError('order.not-found', `No purchase order ${a.orderId}`, { id: a.orderId });
    if (order.supplier_id !== a.supplierId)
      throw new AppError('dock.wrong-supplier', `Purchase order ${order.number} is not this supplier's`, {
        order: order.number,
      });
    if (!['approved', 'partially-received'].includes(order.status))
      throw new AppError('dock.po-not-open', `Purchase order ${order.number} is ${order.status}`, {
        order: order.number,
        status: order.status,
      });
    const supplier = await trx
      .selectFrom('suppliers')
      .select(['gs1_company_prefix', 'asn_tolerance_pct'])
      .where('id', '=', a.supplierId)
      .executeTakeFirstOrThrow();
    const prefix = supplier.gs1_company_prefix;
    if (!prefix) throw new AppError('dock.no-company-prefix', 'The supplier has no GS1 company prefix');
    // The server re-checks what the desktop drew: the supplier's prefix, a valid check digit, unused.
    for (const [i, sscc] of a.ssccs.entries()) {
      if (!hasValidGs1CheckDigit(sscc) || sscc.slice(1, 1 + prefix.length) !== prefix)
        throw new AppError('dock.no-sscc-range', `SSCC ${sscc} is not one of ${ssccSeries(prefix)}`, {
          sscc,
          fields: [{ path: `units.${i}`, code: 'sscc-prefix' }],
        });
      if (a.ssccs.indexOf(sscc) !== i) throw new AppError('dock.duplicate-sscc', `SSCC ${sscc} twice`, { sscc });
    }
    const used = await trx.selectFrom('handling_units').select('sscc').where('sscc', 'in', a.ssccs).executeTakeFirst();
    if (used)
      throw new AppError('dock.duplicate-sscc', `SSCC ${used.sscc} is already on another ASN`, { sscc: used.sscc });

    const poLines = await trx.selectFrom('order_lines').selectAll().where('order_id', '=', order.id).execute();
    const others = await trx
      .selectFrom('asn_lines as l')
      .innerJoin('asns as h', 'h.id', 'l.asn_id')
      .select(['l.order_line_no', 'l.quantity', 'l.qty_received', 'h.status'])
      .where('h.order_id', '=', order.id)
      .where('h.status', '<>', 'cancelled')
      .execute();
    const items = new Map(
      (
        await trx
          .selectFrom('items')
          .select(['id', 'sku', 'lot_tracked', 'expiry_tracked'])
          .where(
            'id',
            'in',
            poLines.map((l) => l.item_id),
          )
          .execute()
      ).map((i) => [i.id, i]),
    );
    const announcing = new Map<number, number>();
    const rows = a.lines.map((l, i) => {
      const po = poLines.find((x) => x.line_no === l.orderLineNo);
      if (!po)
        throw new AppError('order.unknown-reference', `No line ${l.orderLineNo} on ${order.number}`, {
          fields: [{ path: `lines.${i}.orderLineNo`, code: 'unknown-reference' }],
        });
      const item = items.get(po.item_id)!;
      if (item.lot_tracked === 1 && l.lot === '')
        throw new AppError('inventory.lot-required', `${item.sku} is lot-tracked: give the lot`, {
          fields: [{ path: `lines.${i}.lot`, code: 'lot-required' }],
        });
      if (item.expiry_tracked === 1 && l.expiry === '')
        throw new AppError('inventory.expiry-required', `${item.sku} tracks expiry: give the expiry date`, {
          fields: [{ path: `lines.${i}.expiry`, code: 'expiry-required' }],
        });
      const allowed =
        asnAllowance({
          ordered: po.qty_ordered,
          cancelled: po.qty_cancelled,
          receivedTotal: po.qty_received,
          others: others
            .filter((o) => o.order_line_no === po.line_no)
            .map((o) => ({ quantity: o.quantity, received: o.qty_received, closed: o.status === 'closed' })),
          tolerancePct: supplier.asn_tolerance_pct,
        }) - (announcing.get(po.line_no) ?? 0);
      if (l.quantity > allowed)
        throw new AppError(
          'dock.over-asn',
          `Line ${po.line_no}: ${allowed} may still be announced, ${l.quantity} given`,
          {
            orderLineNo: po.line_no,
            allowed,
            requested: l.quantity,
            fields: [{ path: `lines.${i}.quantity`, code: 'over-asn', params: { allowed } }],
          },
        );
      announcing.set(po.line_no, (announcing.get(po.line_no) ?? 0) + l.quantity);
      return {
        asn_id: a.id,
        line_no: i + 1,
        supplier_id: a.supplierId,
        warehouse_id: order.warehouse_id!,
        order_line_no: po.line_no,
        item_id: po.item_id,
        quantity: l.quantity,
        lot: l.lot,
        expiry: l.expiry,
      };
    });
    const total = rows.reduce((s, r) => s + r.quantity, 0);
    await trx
      .insertInto('asns')
      .values({
        id: a.id,
        number: a.number,
        supplier_id: a.supplierId,
        warehouse_id: order.warehouse_id!,
        order_id: order.id,
        status: 'open',
        ship_date: a.shipDate,
        expected_date: a.expectedDate,
        carrier_ref: a.carrierRef,
        note: a.note,
        unit_count: a.units.length,
        qty_announced: total,
        arrived_at: null,
        created_by: ctx.actor.name,
        created_at: ctx.now,
        updated_at: ctx.now,
        version: 1,
      })
      .execute();
    await trx.insertInto('asn_lines').values(rows).execute();
    const base = { asn_id: a.id, supplier_id: a.supplierId, warehouse_id: order.warehouse_id! };
    await trx
      .insertInto('handling_units')
      .values(
        a.units.map((u, i) => ({
          ...base,
          id: a.unitIds[i]!,
          sscc: a.ssccs[i]!,
          kind: u.kind,
          position: i + 1,
          parent_id: null,
          gross_weight_grams: u.grossWeightGrams,
          status: 'expected' as const,
          received_at: null,
          received_by: null,
          receipt_id: null,
        })),
      )
      .execute();
    const contents = a.units.flatMap((u, i) => {
      const merged = new Map<number, number>();
      for (const c of u.contents) merged.set(c.line, (merged.get(c.line) ?? 0) + c.quantity);
      return [...merged].map(([line, quantity]) => ({ ...base, unit_id: a.unitIds[i]!, asn_line_no: line, quantity }));
    });
    await trx.insertInto('handling_unit_contents').values(contents).execute();
    if (a.appointment && a.appointmentId)
      await bookInto(trx, ctx, {
        id: a.appointmentId,
        asnId: a.id,
        supplierId: a.supplierId,
        warehouseId: order.warehouse_id!,
        appointment: a.appointment,
      });
    return { id: a.id, number: a.number, ssccs: a.ssccs };
  },
});

export const cancelAsn = defineCommand({
  name: 'cancelAsn',
  version: 1,
  args: d.cancelAsnFields,
  async run(trx, a, ctx) {
    const asn = await mustAsn(trx, a.asnId, a.expectedVersion);
    if (asn.status !== 'open') assertAsnTransition(asn.number, asn.status, 'cancelled');
    await patchAsn(trx, ctx, asn, { status: 'cancelled', note: a.reason });
    await trx
      .updateTable('dock_appointments')
      .set({ status: 'cancelled', updated_at: ctx.now })
      .where('asn_id', '=', asn.id)
      .where('status', 'in', ['requested', 'confirmed'])
      .execute();
    return { status: asn.status };
  },
});

export const arriveAsn = defineCommand({
  name: 'arriveAsn',
  version: 1,
  args: d.arriveAsnFields.extend(opId),
  fromInput: withId,
  async run(trx, a, ctx) {
    const asn = await mustAsn(trx, a.asnId, a.expectedVersion);
    await arriveInto(trx, ctx, a.id, asn);
    return { status: asn.status };
  },
});

/** One discrepancy of an ASN (shortage, overage, missing unit), recorded where it was noticed. */
async function recordDiscrepancy(
  trx: Database,
  ctx: CommandContext,
  asn: AsnRow,
  d: {
    id: string;
    kind: 'shortage' | 'overage' | 'missing-unit';
    lineNo: number | null;
    unitId: string | null;
    expected: number;
    received: number;
    note: string | null;
    approvedBy?: string | null;
  },
): Promise<void> {
  await trx
    .insertInto('dock_discrepancies')
    .values({
      id: d.id,
      asn_id: asn.id,
      supplier_id: asn.supplier_id,
      warehouse_id: asn.warehouse_id,
      asn_line_no: d.lineNo,
      unit_id: d.unitId,
      kind: d.kind,
      expected: d.expected,
      received: d.received,
      note: d.note,
      approved_by: d.approvedBy ?? null,
      actor: ctx.actor.name,
      at: ctx.now,
    })
    .execute();
}

/** Receives quantities of ASN lines: in transit → available, the purchase order advances. */
async function receiveLines(
  trx: Database,
  ctx: CommandContext,
  opId: string,
  asn: AsnRow,
  take: readonly { lineNo: number; quantity: number }[],
  unitId: string | null,
): Promise<{ excess: { lineNo: number; quantity: number }[] }> {
  const lines = await asnLines(trx, asn.id);
  const w = new StockWriter(opId, ctx);
  const toOrder: { lineNo: number; quantity: number; lot: string; expiry: string }[] = [];
  const excess: { lineNo: number; quantity: number }[] = [];
  const po = await trx
    .selectFrom('order_lines')
    .select(['line_no', 'qty_ordered', 'qty_cancelled', 'qty_received'])
    .where('order_id', '=', asn.order_id)
    .execute();
  const dueOf = new Map(po.map((l) => [l.line_no, l.qty_ordered - l.qty_cancelled - l.qty_received]));
  for (const t of take) {
    const l = lines.find((x) => x.line_no === t.lineNo)!;
    // What was announced travels out of in-transit; anything beyond it was never in transit.
    const inTransit = Math.max(0, Math.min(t.quantity, l.quantity - l.qty_received));
    const doc = { type: 'asn', id: asn.id, line: l.line_no };
    if (inTransit > 0) w.move(bucketOf(asn, l), 'in_transit', -inTransit, { kind: 'receive', doc });
    w.move(bucketOf(asn, l), 'available', t.quantity, { kind: 'receive', doc });
    await trx
      .updateTable('asn_lines')
      .set({ qty_received: l.qty_received + t.quantity })
      .where('asn_id', '=', asn.id)
      .where('line_no', '=', l.line_no)
      .execute();
    l.qty_received += t.quantity;
    const due = dueOf.get(l.order_line_no) ?? 0;
    const split = splitReceipt(t.quantity, due);
    dueOf.set(l.order_line_no, due - split.toOrder);
    if (split.toOrder > 0)
      toOrder.push({ lineNo: l.order_line_no, quantity: split.toOrder, lot: l.lot, expiry: l.expiry });
    if (split.excess > 0) excess.push({ lineNo: l.line_no, quantity: split.excess });
  }
  await w.flush(trx);
  if (toOrder.length > 0) await receivePurchaseInto(trx, ctx, opId, asn.order_id, toOrder);
  for (const [i, e] of excess.entries()) {
    const l = lines.find((x) => x.line_no === e.lineNo)!;
    await recordDiscrepancy(trx, ctx, asn, {
      id: `${opId}:x${i + 1}`,
      kind: 'overage',
      lineNo: e.lineNo,
      unitId,
      expected: l.quantity,
      received: l.qty_received,
      note: 'Above the purchase order',
    });
  }
  const received = take.reduce((s, t) => s + t.quantity, 0);
  // Received when every line is: cartons may have come in by GTIN scans instead of their SSCC.
  const next = lines.every((l) => l.qty_received >= l.quantity) ? 'received' : 'receiving';
  assertAsnTransition(asn.number, asn.status, next);
  await patchAsn(trx, ctx, asn, {
    status: next,
    qty_received: asn.qty_received + received,
    units_received: asn.units_received + (unitId ? 1 : 0),
  });
  return { excess };
}

function assertReceivable(asn: AsnRow): void {
  if (asn.status === 'closed' || asn.status === 'cancelled')
    throw new AppError('dock.asn-closed', `ASN ${asn.number} is ${asn.status}`, {
      number: asn.number,
      status: asn.status,
    });
}

async function openForReceipt(trx: Database, ctx: CommandContext, opId: string, asn: AsnRow): Promise<void> {
  assertReceivable(asn);
  // The first scan of a delivery nobody checked in is its arrival.
  if (asn.status === 'open') await arriveInto(trx, ctx, opId, asn);
}

export const receiveUnit = defineCommand({
  name: 'receiveUnit',
  version: 1,
  args: d.receiveUnitFields.extend(opId),
  fromInput: withId,
  async run(trx, a, ctx) {
    const unit = await trx.selectFrom('handling_units').selectAll().where('sscc', '=', a.sscc).executeTakeFirst();
    if (!unit) throw new AppError('dock.unknown-sscc', `No ASN announces SSCC ${a.sscc}`, { sscc: a.sscc });
    const asn = await mustAsn(trx, unit.asn_id);
    if (unit.status === 'received')
      throw new AppError(
        'dock.already-received',
        `SSCC ${a.sscc} was received at ${unit.received_at} by ${unit.received_by}`,
        {
          sscc: a.sscc,
          asn: asn.number,
          at: unit.received_at,
          by: unit.received_by,
        },
      );
    assertReceivable(asn);
    const contents = await trx
      .selectFrom('handling_unit_contents')
      .select(['asn_line_no', 'quantity'])
      .where('unit_id', '=', unit.id)
      .orderBy('asn_line_no')
      .execute();
    // A carton whose goods already came in by GTIN scans would count twice: beyond what the ASN
    // still expects is an over-receipt, as for a quantity scan, and needs a supervisor.
    const before = await asnLines(trx, asn.id);
    const open = contents.reduce((s, c) => {
      const l = before.find((x) => x.line_no === c.asn_line_no)!;
      return s + Math.min(c.quantity, Math.max(0, l.quantity - l.qty_received));
    }, 0);
    const requested = contents.reduce((s, c) => s + c.quantity, 0);
    if (requested > open && !isSupervisor(ctx))
      throw new AppError(
        'dock.supervisor-required',
        `${open} of SSCC ${a.sscc}'s ${requested} are still expected on ASN ${asn.number}: a supervisor must receive the rest`,
        { asn: asn.number, sscc: a.sscc, open, requested },
      );
    await openForReceipt(trx, ctx, a.id, asn);
    await trx
      .updateTable('handling_units')
      .set({ status: 'received', received_at: ctx.now, received_by: ctx.actor.name, receipt_id: a.id })
      .where('id', '=', unit.id)
      .execute();
    const { excess } = await receiveLines(
      trx,
      ctx,
      a.id,
      asn,
      contents.map((c) => ({ lineNo: c.asn_line_no, quantity: c.quantity })),
      unit.id,
    );
    const quantity = requested;
    if (requested > open)
      await recordDiscrepancy(trx, ctx, asn, {
        id: `${a.id}:u`,
        kind: 'overage',
        lineNo: null,
        unitId: unit.id,
        expected: open,
        received: requested,
        note: 'Carton beyond what the ASN still expected, approved at the dock',
        approvedBy: ctx.actor.name,
      });
    await trx
      .insertInto('dock_receipts')
      .values({
        id: a.id,
        asn_id: asn.id,
        supplier_id: asn.supplier_id,
        warehouse_id: asn.warehouse_id,
        unit_id: unit.id,
        asn_line_no: null,
        kind: 'unit',
        scan: a.scan,
        quantity,
        actor: ctx.actor.name,
        at: ctx.now,
      })
      .execute();
    return {
      asnId: asn.id,
      asnNumber: asn.number,
      unitId: unit.id,
      position: unit.position,
      quantity,
      status: asn.status,
      unitsReceived: asn.units_received,
      unitCount: asn.unit_count,
      excess,
    };
  },
});

export const receiveQuantity = defineCommand({
  name: 'receiveQuantity',
  version: 1,
  args: d.receiveQuantityFields.extend(opId),
  fromInput: withId,
  async run(trx, a, ctx) {
    const asn = await mustAsn(trx, a.asnId);
    if (asn.status === 'closed' || asn.status === 'cancelled')
      throw new AppError('dock.asn-closed', `ASN ${asn.number} is ${asn.status}`, { number: asn.number });
    // A GTIN names the item itself or one of its packs (a carton GTIN counts cartons).
    const short = a.gtin.replace(/^0+/, '');
    const candidates = [a.gtin, short.padStart(13, '0'), short.padStart(12, '0'), short.padStart(8, '0')];
    const item = await trx.selectFrom('items').select(['id', 'sku']).where('gtin', 'in', candidates).executeTakeFirst();
    const pack = item
      ? null
      : await trx
          .selectFrom('item_uoms')
          .select(['item_id', 'factor'])
          .where('gtin', 'in', candidates)
          .executeTakeFirst();
    const itemId = item?.id ?? pack?.item_id;
    if (!itemId) throw new AppError('dock.unknown-gtin', `No item has GTIN ${a.gtin}`, { gtin: a.gtin });
    const quantity = a.count * (pack?.factor ?? 1);
    const lines = (await asnLines(trx, asn.id)).filter(
      (l) =>
        l.item_id === itemId && (a.batch === '' || l.lot === a.batch) && (a.expiry === '' || l.expiry === a.expiry),
    );
    if (lines.length === 0)
      throw new AppError(
        'dock.no-matching-line',
        `ASN ${asn.number} has no line for GTIN ${a.gtin} batch ${a.batch || '—'}`,
        {
          asn: asn.number,
          gtin: a.gtin,
          batch: a.batch,
        },
      );
    const open = lines.reduce((s, l) => s + Math.max(0, l.quantity - l.qty_received), 0);
    if (quantity > open && !isSupervisor(ctx))
      throw new AppError(
        'dock.supervisor-required',
        `${open} left on ASN ${asn.number}, ${quantity} scanned: a supervisor must receive the excess`,
        {
          asn: asn.number,
          open,
          requested: quantity,
        },
      );
    await openForReceipt(trx, ctx, a.id, asn);
    // Fill the lines in order; an approved excess lands on the last matching line.
    const take: { lineNo: number; quantity: number }[] = [];
    let left = quantity;
    for (const l of lines) {
      const q = Math.min(left, Math.max(0, l.quantity - l.qty_received));
      if (q > 0) take.push({ lineNo: l.line_no, quantity: q });
      left -= q;
    }
    const over = left;
    if (over > 0) {
      const last = lines.at(-1)!;
      const t = take.find((x) => x.lineNo === last.line_no);
      if (t) t.quantity += over;
      else take.push({ lineNo: last.line_no, quantity: over });
    }
    await receiveLines(trx, ctx, a.id, asn, take, null);
    if (over > 0) {
      const last = lines.at(-1)!;
      await recordDiscrepancy(trx, ctx, asn, {
        id: `${a.id}:o`,
        kind: 'overage',
        lineNo: last.line_no,
        unitId: null,
        expected: last.quantity,
        received: last.quantity + over,
        note: 'Over-receipt approved at the dock',
        approvedBy: ctx.actor.name,
      });
    }
    await trx
      .insertInto('dock_receipts')
      .values({
        id: a.id,
        asn_id: asn.id,
        supplier_id: asn.supplier_id,
        warehouse_id: asn.warehouse_id,
        unit_id: null,
        asn_line_no: take[0]!.lineNo,
        kind: 'quantity',
        scan: a.scan,
        quantity,
        actor: ctx.actor.name,
        at: ctx.now,
      })
      .execute();
    return { asnId: asn.id, asnNumber: asn.number, quantity, overReceived: over, status: asn.status };
  },
});

export const closeAsn = defineCommand({
  name: 'closeAsn',
  version: 1,
  args: d.closeAsnFields.extend(opId),
  fromInput: withId,
  async run(trx, a, ctx) {
    const asn = await mustAsn(trx, a.asnId, a.expectedVersion);
    assertAsnTransition(asn.number, asn.status, 'closed');
    const lines = await asnLines(trx, asn.id);
    const w = new StockWriter(a.id, ctx);
    let n = 0;
    const record = (
      kind: 'shortage' | 'missing-unit',
      lineNo: number | null,
      unitId: string | null,
      expected: number,
      received: number,
    ) =>
      recordDiscrepancy(trx, ctx, asn, {
        id: `${a.id}:d${++n}`,
        kind,
        lineNo,
        unitId,
        expected,
        received,
        note: a.note,
      });
    for (const l of lines) {
      const short = l.quantity - l.qty_received;
      if (short <= 0) continue;
      await record('shortage', l.line_no, null, l.quantity, l.qty_received);
      // What arrived in transit but was never scanned in leaves in-transit with the shortage.
      if (asn.status !== 'open')
        w.move(bucketOf(asn, l), 'in_transit', -short, {
          kind: 'dock-short',
          doc: { type: 'asn', id: asn.id, line: l.line_no },
        });
    }
    // Unscanned cartons are missing only when goods are: otherwise they came in by GTIN scans.
    const short = lines.some((l) => l.qty_received < l.quantity);
    const missing = short
      ? await trx
          .selectFrom('handling_units')
          .select(['id', 'sscc'])
          .where('asn_id', '=', asn.id)
          .where('status', '=', 'expected')
          .orderBy('position')
          .execute()
      : [];
    for (const u of missing) await record('missing-unit', null, u.id, 1, 0);
    await w.flush(trx);
    await patchAsn(trx, ctx, asn, { status: 'closed' });
    return {
      status: asn.status,
      shortages: lines.filter((l) => l.qty_received < l.quantity).length,
      missingUnits: missing.length,
    };
  },
});

// ---------- appointments ----------
/** A dock slot, requested (by the supplier with its ASN, or booked on its own). */
async function bookInto(
  trx: Database,
  ctx: CommandContext,
  b: {
    id: string;
    asnId: string | null;
    supplierId: string;
    warehouseId: string;
    appointment: { dock: string; slotStart: string; slotEnd: string; note: string | null };
  },
): Promise<void> {
  await trx
    .insertInto('dock_appointments')
    .values({
      id: b.id,
      asn_id: b.asnId,
      supplier_id: b.supplierId,
      warehouse_id: b.warehouseId,
      dock: b.appointment.dock,
      slot_start: b.appointment.slotStart,
      slot_end: b.appointment.slotEnd,
      status: 'requested',
      note: b.appointment.note,
      created_by: ctx.actor.name,
      updated_at: ctx.now,
      version: 1,
    })
    .execute();
}

export const bookAppointment = defineCommand({
  name: 'bookAppointment',
  version: 1,
  args: d.bookAppointmentFields.extend(opId),
  fromInput: withId,
  async run(trx, a, ctx) {
    if (a.asnId) {
      const asn = await mustAsn(trx, a.asnId);
      if (asn.supplier_id !== a.supplierId || asn.warehouse_id !== a.warehouseId)
        throw new AppError('dock.wrong-supplier', `ASN ${asn.number} is for another supplier or warehouse`);
    }
    await bookInto(trx, ctx, a);
    return { id: a.id };
  },
});

export const setAppointmentStatus = defineCommand({
  name: 'setAppointmentStatus',
  version: 1,
  args: d.setAppointmentStatusFields.extend(opId),
  fromInput: withId,
  async run(trx, a, ctx) {
    const ap = await trx
      .selectFrom('dock_appointments')
      .selectAll()
      .where('id', '=', a.appointmentId)
      .executeTakeFirst();
    if (!ap) throw new AppError('dock.appointment-not-found', `No appointment ${a.appointmentId}`);
    if (a.expectedVersion !== undefined && ap.version !== a.expectedVersion)
      throw new AppError('dock.version-conflict', 'The appointment was changed meanwhile');
    assertAppointmentTransition(ap.status, a.status, needsWarehouse(ctx));
    await trx
      .updateTable('dock_appointments')
      .set({ status: a.status, updated_at: ctx.now, version: ap.version + 1 })
      .where('id', '=', ap.id)
      .where('version', '=', ap.version)
      .execute();
    // The truck at the door is the delivery's arrival.
    if (a.status === 'arrived' && ap.asn_id) {
      const asn = await mustAsn(trx, ap.asn_id);
      if (asn.status === 'open') await arriveInto(trx, ctx, a.id, asn);
    }
    return { status: a.status };
  },
});

// ---------- label templates ----------
export const saveLabelTemplate = defineCommand({
  name: 'saveLabelTemplate',
  version: 1,
  args: d.saveLabelTemplateFields.extend({ newId: uuid }),
  fromInput: (input, newId) => ({ ...(input as object), newId: newId() }),
  async run(trx, a, ctx) {
    const parsed = labelTemplate.safeParse(a.body);
    if (!parsed.success)
      throw new AppError('label.invalid-template', 'The template is not valid', {
        fields: parsed.error.issues.map((i) => ({ path: `body.${i.path.join('.')}`, code: 'invalid' })),
      });
    const id = a.id ?? a.newId;
    const body = JSON.stringify({ ...parsed.data, id, name: a.name });
    if (!a.id) {
      await trx
        .insertInto('label_templates')
        .values({
          id: a.newId,
          name: a.name,
          body,
          active: a.active ? 1 : 0,
          updated_by: ctx.actor.name,
          updated_at: ctx.now,
          version: 1,
        })
        .execute();
      return { id: a.newId, version: 1 };
    }
    const current = await trx.selectFrom('label_templates').select('version').where('id', '=', a.id).executeTakeFirst();
    if (!current) throw new AppError('label.unknown-template', `No template ${a.id}`, { id: a.id });
    if (a.expectedVersion !== undefined && current.version !== a.expectedVersion)
      throw new AppError('dock.version-conflict', 'The template was changed meanwhile', { id: a.id });
    await trx
      .updateTable('label_templates')
      .set({
        name: a.name,
        body,
        active: a.active ? 1 : 0,
        updated_by: ctx.actor.name,
        updated_at: ctx.now,
        version: current.version + 1,
      })
      .where('id', '=', a.id)
      .execute();
    return { id: a.id, version: current.version + 1 };
  },
});
