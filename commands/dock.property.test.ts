import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceDifferences } from '../db/inventory.queries.ts';
import { openTestDb } from '../db/testing/backends.ts';
import type { CommandContext } from './define.ts';
import { findCommand } from './registry.ts';
import { argsFromInput, runCommand } from './runner.ts';

/*
 * Invariants of the dock under any sequence of scans (fast-check, real SQLite): whatever mix of
 * carton scans (duplicates included), GTIN+batch scans (over-receipts with or without a
 * supervisor), arrival and closing a clerk produces —
 *  - a handling unit is received at most once, and only a refused scan changes nothing;
 *  - every quantity received is in the receipts, on the ASN lines and on the ASN header alike;
 *  - in-transit stock is never negative and is exactly what arrived and was not yet received
 *    (nothing once the ASN is closed);
 *  - the purchase order never records more than it ordered;
 *  - the stock balances equal the ledger (rebuildable).
 */

type Db = Awaited<ReturnType<typeof openTestDb>>['db'];
let clock = Date.parse('2026-11-25T08:00:00.000Z');
const ctx = (roles: readonly string[]): CommandContext => ({
  actor: { userId: null, name: roles[0]!, roles },
  now: new Date((clock += 1000)).toISOString(),
  origin: 'desktop',
});
async function run(db: Db, name: string, input: unknown, roles: readonly string[] = ['administrator']) {
  const def = findCommand(name)!;
  const args = await argsFromInput(db, def, input, { device: 'PROP' });
  return (await runCommand(db, def, args, ctx(roles), { outbox: true })).result as
    { ok: true; data: Record<string, unknown> } | { ok: false; error: { code: string } };
}

type Step =
  | { kind: 'unit'; unit: number }
  | { kind: 'quantity'; line: number; count: number; supervisor: boolean }
  | { kind: 'arrive' }
  | { kind: 'close' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('unit' as const), unit: fc.nat(3) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('quantity' as const),
      line: fc.nat(1),
      count: fc.integer({ min: 1, max: 30 }),
      supervisor: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('arrive' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const) }) },
);

describe('dock invariants (property)', () => {
  let t: Awaited<ReturnType<typeof openTestDb>>;
  let wh = '';
  let supplier = '';
  const items: { id: string; gtin: string }[] = [];

  beforeAll(async () => {
    t = await openTestDb('sqlite', 'desktop');
    const id = async (name: string, input: unknown) => {
      const r = await run(t.db, name, input);
      if (!r.ok) throw new Error(JSON.stringify(r));
      return String(r.data.id);
    };
    wh = await id('createWarehouse', { code: 'W-P', name: '性质仓' });
    supplier = await id('createSupplier', { code: 'S-P', name: '性质供应商', gs1CompanyPrefix: '6901234' });
    for (const gtin of ['6901234000016', '6901234000023'])
      items.push({ id: await id('createItem', { sku: `P-${gtin}`, name: '物料', baseUom: 'EA', gtin }), gtin });
  });
  afterAll(async () => t?.close());

  it('holds for any sequence of scans', async () => {
    const tally = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), async (steps) => {
        const po = await run(t.db, 'createOrder', {
          submit: true,
          order: {
            type: 'purchase',
            supplierId: supplier,
            warehouseId: wh,
            lines: items.map((i) => ({ itemId: i.id, quantity: 40, unitPriceMinor: 100 })),
          },
        });
        if (!po.ok) throw new Error(JSON.stringify(po));
        const orderId = String(po.data.id);
        // Line 1: 40 in two cartons of 20; line 2: 40 in two cartons of 20 — announced in full.
        const asn = await run(t.db, 'createAsn', {
          orderId,
          supplierId: supplier,
          shipDate: '2026-11-25',
          lines: [
            { orderLineNo: 1, quantity: 40 },
            { orderLineNo: 2, quantity: 40 },
          ],
          units: [1, 1, 2, 2].map((line) => ({ contents: [{ line, quantity: 20 }] })),
        });
        if (!asn.ok) throw new Error(JSON.stringify(asn));
        const asnId = String(asn.data.id);
        const ssccs = asn.data.ssccs as string[];
        const receivedUnits = new Set<number>();
        for (const s of steps) {
          const before = await t.db.selectFrom('dock_receipts').select('id').where('asn_id', '=', asnId).execute();
          let r;
          if (s.kind === 'unit')
            r = await run(t.db, 'receiveUnit', { sscc: ssccs[s.unit], scan: ssccs[s.unit] }, ['warehouse-clerk']);
          else if (s.kind === 'quantity')
            r = await run(
              t.db,
              'receiveQuantity',
              { asnId, gtin: `0${items[s.line]!.gtin}`, count: s.count, scan: 'q' },
              s.supervisor ? ['supervisor'] : ['warehouse-clerk'],
            );
          else if (s.kind === 'arrive') r = await run(t.db, 'arriveAsn', { asnId });
          else r = await run(t.db, 'closeAsn', { asnId, note: null });
          const outcome = `${s.kind}:${r.ok ? 'ok' : r.error.code}`;
          tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
          const after = await t.db.selectFrom('dock_receipts').select('id').where('asn_id', '=', asnId).execute();
          if (!r.ok) expect(after.length).toBe(before.length);
          if (s.kind === 'unit' && r.ok) {
            expect(receivedUnits.has(s.unit)).toBe(false);
            receivedUnits.add(s.unit);
          }
          if (s.kind === 'unit' && !r.ok && receivedUnits.has(s.unit))
            expect(r.error.code).toBe('dock.already-received');
        }

        const head = await t.db.selectFrom('asns').selectAll().where('id', '=', asnId).executeTakeFirstOrThrow();
        const lines = await t.db.selectFrom('asn_lines').selectAll().where('asn_id', '=', asnId).execute();
        const receipts = await t.db.selectFrom('dock_receipts').selectAll().where('asn_id', '=', asnId).execute();
        const units = await t.db.selectFrom('handling_units').selectAll().where('asn_id', '=', asnId).execute();
        const sumReceipts = receipts.reduce((s, r) => s + r.quantity, 0);
        expect(head.qty_received).toBe(sumReceipts);
        expect(lines.reduce((s, l) => s + l.qty_received, 0)).toBe(sumReceipts);
        expect(units.filter((u) => u.status === 'received').length).toBe(receivedUnits.size);
        expect(receipts.filter((r) => r.kind === 'unit').length).toBe(receivedUnits.size);
        // In transit at the warehouse: what arrived and is not yet received, never below zero.
        const moved = await t.db
          .selectFrom('stock_movements')
          .select(['item_id', 'status', 'quantity'])
          .where('doc_id', '=', asnId)
          .execute();
        for (const [i, item] of items.entries()) {
          const transit = moved
            .filter((m) => m.item_id === item.id && m.status === 'in_transit')
            .reduce((s, m) => s + m.quantity, 0);
          const l = lines.find((x) => x.line_no === i + 1)!;
          const expected =
            head.arrived_at === null || head.status === 'closed' ? 0 : Math.max(0, l.quantity - l.qty_received);
          expect(transit).toBe(expected);
          const onHand = moved
            .filter((m) => m.item_id === item.id && m.status === 'available')
            .reduce((s, m) => s + m.quantity, 0);
          expect(onHand).toBe(l.qty_received);
        }
        const poLines = await t.db.selectFrom('order_lines').selectAll().where('order_id', '=', orderId).execute();
        for (const l of poLines) expect(l.qty_received).toBeLessThanOrEqual(l.qty_ordered);
        expect(await balanceDifferences(t.db)).toEqual([]);
      }),
      { numRuns: 60 },
    );
    // The sequences really exercised receipts, duplicates, closing and refused excess.
    for (const o of [
      'unit:ok',
      'unit:dock.already-received',
      'quantity:ok',
      'quantity:dock.supervisor-required',
      'close:ok',
    ])
      expect(tally.get(o) ?? 0, o).toBeGreaterThan(0);
  }, 300_000);
});
