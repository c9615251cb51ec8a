import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderAction, OrderStatus, OrderType } from '../core/orders/schemas.ts';
import { TRANSITIONS } from '../core/orders/transitions.ts';
import { balanceDifferences } from '../db/inventory.queries.ts';
import { getLines, getOrder } from '../db/orders.queries.ts';
import { BACKENDS, openTestDb } from '../db/testing/backends.ts';
import type { CommandContext } from './define.ts';
import { assertLineInvariants } from './orders.commands.ts';
import { findCommand } from './registry.ts';
import { argsFromInput, runCommand } from './runner.ts';

type Db = Awaited<ReturnType<typeof openTestDb>>['db'];
type Res =
  | { ok: true; data: Record<string, unknown> }
  | { ok: false; error: { code: string; details?: Record<string, unknown> } };

const ADMIN = ['administrator'];
let clock = Date.parse('2026-11-25T08:00:00.000Z');
const ctx = (roles: readonly string[] = ADMIN, name = 'tester'): CommandContext => ({
  actor: { userId: null, name, roles },
  // Each command a millisecond later, so histories and FIFO order are well defined.
  now: new Date((clock += 1)).toISOString(),
  origin: 'desktop',
});

/** Runs a command as the app host does: API input → ids and number at the origin → one transaction. */
async function run(db: Db, name: string, input: unknown, roles: readonly string[] = ADMIN): Promise<Res> {
  const def = findCommand(name);
  if (!def) throw new Error(`no command ${name}`);
  const args = await argsFromInput(db, def, input, { device: 'TEST' });
  return (await runCommand(db, def, args, ctx(roles), { outbox: true })).result as Res;
}
async function must<T = Record<string, unknown>>(p: Promise<Res>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.data as T;
}
const codeOf = (r: Res) => (r.ok ? 'ok' : r.error.code);

describe.each(BACKENDS)('order commands on %s', (backend) => {
  let t: Awaited<ReturnType<typeof openTestDb>>;
  const w: string[] = [];
  let widget = '';
  let gadget = '';
  let scarce = '';
  let milk = '';
  let goodCustomer = '';
  let poorCustomer = '';
  let gradeC = '';
  let supplier = '';

  const id = async (p: Promise<Res>) => (await must<{ id: string }>(p)).id;
  const receive = (itemId: string, warehouseId: string, quantity: number, extra: object = {}) =>
    must(run(t.db, 'receiveStock', { itemId, warehouseId, quantity, ...extra }));
  const sales = (customerId: string, lines: Array<[string, number, number?]>, extra: object = {}, submit = false) =>
    must<{ id: string; number: string; status: string }>(
      run(t.db, 'createOrder', {
        submit,
        order: {
          type: 'sales',
          customerId,
          warehouseId: w[0],
          lines: lines.map(([itemId, quantity, price]) => ({
            itemId,
            quantity,
            unitPriceMinor: price ?? 1000,
            taxRateBp: 1300,
          })),
          ...extra,
        },
      }),
    );
  const order = async (orderId: string) => (await getOrder(t.db, orderId))!;
  const lines = (orderId: string) => getLines(t.db, orderId);

  beforeAll(async () => {
    t = await openTestDb(backend, 'desktop');
    for (const code of ['SH', 'BJ', 'GZ'])
      w.push(await id(run(t.db, 'createWarehouse', { code: `W-${code}`, name: `仓库${code}` })));
    widget = await id(
      run(t.db, 'createItem', {
        sku: 'WIDGET',
        name: '小部件',
        baseUom: 'EA',
        productGroup: 'parts',
        weightGrams: 500,
      }),
    );
    gadget = await id(
      run(t.db, 'createItem', {
        sku: 'GADGET',
        name: '小工具',
        baseUom: 'EA',
        productGroup: 'tools',
        weightGrams: 2000,
      }),
    );
    scarce = await id(run(t.db, 'createItem', { sku: 'SCARCE', name: '稀缺品', baseUom: 'EA', productGroup: 'parts' }));
    milk = await id(
      run(t.db, 'createItem', {
        sku: 'MILK',
        name: '牛奶',
        baseUom: 'EA',
        lotTracked: true,
        expiryTracked: true,
        productGroup: 'food',
      }),
    );
    goodCustomer = await id(
      run(t.db, 'createCustomer', {
        code: 'C-GOOD',
        name: '好客户',
        grade: 'A',
        creditLimitMinor: 100_000_000,
        currency: 'CNY',
      }),
    );
    poorCustomer = await id(
      run(t.db, 'createCustomer', {
        code: 'C-POOR',
        name: '小客户',
        grade: 'B',
        creditLimitMinor: 5_000,
        currency: 'CNY',
      }),
    );
    gradeC = await id(
      run(t.db, 'createCustomer', {
        code: 'C-GRADE-C',
        name: '普通客户',
        grade: 'C',
        creditLimitMinor: 100_000_000,
        currency: 'CNY',
      }),
    );
    supplier = await id(run(t.db, 'createSupplier', { code: 'S-1', name: '供应商' }));
    for (const i of [0, 1, 2]) {
      await receive(widget, w[i]!, 10_000);
      await receive(gadget, w[i]!, 10_000);
    }
    await receive(milk, w[0]!, 500, { lot: 'L1', expiry: '2027-06-01' });
  });
  afterAll(async () => {
    await t?.close();
  });

  // ---------- documents and the transition table ----------
  describe('every allowed and every forbidden transition', () => {
    /** Brings a fresh order of a type to a status along the shortest path of real commands. */
    async function reach(type: OrderType, status: OrderStatus): Promise<string> {
      const item = widget;
      let originalId: string | null = null;
      if (type === 'sales-return') {
        const so = await sales(goodCustomer, [[item, 10]], {}, true);
        await must(run(t.db, 'shipOrder', { orderId: so.id, lines: [{ lineNo: 1, quantity: 10 }] }));
        originalId = so.id;
      }
      if (type === 'purchase-return') {
        const po = await must<{ id: string }>(
          run(t.db, 'createOrder', {
            submit: true,
            order: {
              type: 'purchase',
              supplierId: supplier,
              warehouseId: w[1],
              lines: [{ itemId: item, quantity: 10 }],
            },
          }),
        );
        await must(run(t.db, 'receiveOrder', { orderId: po.id, lines: [{ lineNo: 1, quantity: 10 }] }));
        originalId = po.id;
      }
      const customerId = status === 'held' ? poorCustomer : goodCustomer;
      const body = {
        sales: { type, customerId, warehouseId: w[0] },
        purchase: { type, supplierId: supplier, warehouseId: w[1] },
        'sales-return': { type, customerId: goodCustomer, warehouseId: w[0], originalOrderId: originalId },
        'purchase-return': { type, supplierId: supplier, warehouseId: w[1], originalOrderId: originalId },
        transfer: { type, warehouseId: w[2], toWarehouseId: w[1] },
      }[type];
      const lineBody = {
        itemId: item,
        quantity: 10,
        unitPriceMinor: 1000,
        ...(originalId ? { originalLineNo: 1 } : {}),
      };
      const created = await must<{ id: string }>(run(t.db, 'createOrder', { order: { ...body, lines: [lineBody] } }));
      const oid = created.id;
      const step = (name: string, extra: object = {}) => must(run(t.db, name, { orderId: oid, ...extra }));
      const shipping = type === 'sales' || type === 'purchase-return' || type === 'transfer';
      const receiving = type === 'purchase' || type === 'sales-return' || type === 'transfer';
      const plan: Record<string, () => Promise<unknown>> = {
        draft: async () => {},
        held: () => step('submitOrder'),
        approved: () => step('submitOrder'),
        split: async () => {
          await step('submitOrder');
          await step('splitOrder', { mode: 'manual', parts: [{ lines: [{ lineNo: 1, quantity: 4 }] }] });
        },
        cancelled: () => step('cancelOrder', { reason: 'test' }),
        'partially-shipped': async () => {
          await step('submitOrder');
          await step('shipOrder', { lines: [{ lineNo: 1, quantity: 4 }] });
        },
        shipped: async () => {
          await step('submitOrder');
          await step('shipOrder', { lines: [{ lineNo: 1, quantity: 10 }] });
        },
        'partially-received': async () => {
          await step('submitOrder');
          // A transfer half on the road: 5 shipped, 4 of them received.
          if (type === 'transfer') await step('shipOrder', { lines: [{ lineNo: 1, quantity: 5 }] });
          await step('receiveOrder', { lines: [{ lineNo: 1, quantity: 4 }] });
        },
        received: async () => {
          await step('submitOrder');
          if (type === 'transfer') await step('shipOrder', { lines: [{ lineNo: 1, quantity: 10 }] });
          await step('receiveOrder', { lines: [{ lineNo: 1, quantity: 10 }] });
        },
        completed: async () => {
          await step('submitOrder');
          if (shipping) await step('shipOrder', { lines: [{ lineNo: 1, quantity: 10 }] });
          if (receiving) await step('receiveOrder', { lines: [{ lineNo: 1, quantity: 10 }] });
          await step('completeOrder', {});
        },
        closed: async () => {
          await step('submitOrder');
          if (shipping) await step('shipOrder', { lines: [{ lineNo: 1, quantity: 4 }] });
          // A transfer closes only once nothing is in transit.
          if (receiving) await step('receiveOrder', { lines: [{ lineNo: 1, quantity: 4 }] });
          await step('closeOrder', { reason: 'rest not needed' });
        },
      };
      await plan[status]!();
      expect((await order(oid)).status, `${type} reached ${status}`).toBe(status);
      return oid;
    }

    const ACTION_INPUT: Record<OrderAction, [string, object]> = {
      submit: ['submitOrder', {}],
      recheck: ['recheckOrder', {}],
      release: ['releaseOrder', { reason: 'customer paid by phone' }],
      split: ['splitOrder', { mode: 'manual', parts: [{ lines: [{ lineNo: 1, quantity: 1 }] }] }],
      ship: ['shipOrder', { lines: [{ lineNo: 1, quantity: 1 }] }],
      receive: ['receiveOrder', { lines: [{ lineNo: 1, quantity: 1 }] }],
      complete: ['completeOrder', {}],
      close: ['closeOrder', { reason: 'closing' }],
      cancel: ['cancelOrder', { reason: 'customer changed mind' }],
    };

    const types = Object.keys(TRANSITIONS) as OrderType[];
    it.each(types)(
      '%s',
      async (type) => {
        const statuses = [...new Set(TRANSITIONS[type].flatMap((x) => [x.from, x.to]))];
        let allowedSeen = 0;
        let forbiddenSeen = 0;
        for (const status of statuses) {
          for (const action of Object.keys(ACTION_INPUT) as OrderAction[]) {
            const targets = TRANSITIONS[type].filter((x) => x.from === status && x.action === action).map((x) => x.to);
            const oid = await reach(type, status);
            const [name, extra] = ACTION_INPUT[action];
            const r = await run(t.db, name, { orderId: oid, ...extra });
            const label = `${type}: ${action} from ${status}`;
            if (targets.length === 0) {
              expect(codeOf(r), label).toBe('order.invalid-transition');
              expect((await order(oid)).status, label).toBe(status);
              forbiddenSeen += 1;
            } else {
              expect(codeOf(r), `${label}: ${JSON.stringify(r)}`).toBe('ok');
              expect(targets, label).toContain((await order(oid)).status);
              allowedSeen += 1;
            }
            const after = await order(oid);
            assertLineInvariants(type, await lines(oid));
            expect(after.status).toBeTruthy();
          }
        }
        expect(allowedSeen).toBe(new Set(TRANSITIONS[type].map((x) => `${x.from}|${x.action}`)).size);
        expect(forbiddenSeen).toBeGreaterThan(0);
        expect(await balanceDifferences(t.db)).toEqual([]);
      },
      120_000,
    );

    it('records who, when and why on every transition', async () => {
      const oid = await reach('sales', 'held');
      await must(run(t.db, 'releaseOrder', { orderId: oid, reason: '老客户担保' }, ['supervisor']));
      const events = await t.db
        .selectFrom('order_events')
        .selectAll()
        .where('order_id', '=', oid)
        .orderBy('at')
        .execute();
      expect(events.map((e) => [e.action, e.from_status, e.to_status])).toEqual([
        ['create', null, 'draft'],
        ['submit', 'draft', 'held'],
        ['release', 'held', 'approved'],
      ]);
      expect(events[1]!.details).toContain('"credit"');
      expect(events[2]).toMatchObject({ actor: 'tester', reason: '老客户担保' });
      expect(events.every((e) => e.at.startsWith('2026-'))).toBe(true);
    });
  });

  // ---------- automatic audit ----------
  describe('audit checks on submit', () => {
    it('approves and reserves when every check passes', async () => {
      const so = await sales(
        goodCustomer,
        [
          [widget, 5],
          [gadget, 2],
        ],
        {},
        true,
      );
      expect(so.status).toBe('approved');
      const ls = await lines(so.id);
      expect(ls.map((l) => l.qty_allocated)).toEqual([5, 2]);
      expect(ls.every((l) => l.promised_date !== null)).toBe(true);
      const held = await t.db
        .selectFrom('stock_reservations')
        .select((eb) => eb.fn.sum<number>('quantity').as('q'))
        .where('demand_id', '=', so.id)
        .executeTakeFirst();
      expect(Number(held?.q)).toBe(7);
      expect(
        await t.db.selectFrom('outbox').select('command').where('command', '=', 'createOrder').execute(),
      ).not.toHaveLength(0);
    });

    const failedChecks = async (orderId: string) => {
      const rows = await t.db.selectFrom('order_check_results').selectAll().where('order_id', '=', orderId).execute();
      return rows.filter((r) => r.passed === 0).map((r) => r.check_code);
    };

    it('stock alone: held with only the stock check failed, naming requested and available', async () => {
      const so = await sales(goodCustomer, [[scarce, 3]], {}, true);
      expect(so.status).toBe('held');
      expect(await failedChecks(so.id)).toEqual(['stock']);
      const detail = await t.db
        .selectFrom('order_check_results')
        .select('details')
        .where('order_id', '=', so.id)
        .where('check_code', '=', 'stock')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(detail.details)).toEqual([expect.objectContaining({ lineNo: 1, requested: 3, available: 0 })]);
      expect((await order(so.id)).hold_checks).toBe('stock');
    });

    it('quota alone: held when the month allowance of a product group is exceeded', async () => {
      const customer = await id(
        run(t.db, 'createCustomer', {
          code: 'C-QUOTA',
          name: '配额客户',
          grade: 'B',
          creditLimitMinor: 100_000_000,
          currency: 'CNY',
        }),
      );
      await must(
        run(t.db, 'saveQuota', { customerId: customer, productGroup: 'tools', period: 'month', quantity: 10 }),
      );
      const first = await sales(customer, [[gadget, 6]], {}, true);
      expect(first.status).toBe('approved');
      const second = await sales(customer, [[gadget, 5]], {}, true);
      expect(second.status).toBe('held');
      expect(await failedChecks(second.id)).toEqual(['quota']);
      // A different group is not limited.
      expect((await sales(customer, [[widget, 50]], {}, true)).status).toBe('approved');
    });

    it('credit alone: held when receivables + unbilled + this order − deposits exceed the limit', async () => {
      const customer = await id(
        run(t.db, 'createCustomer', {
          code: 'C-CREDIT',
          name: '信用客户',
          grade: 'B',
          creditLimitMinor: 100_000,
          currency: 'CNY',
        }),
      );
      await must(
        run(t.db, 'setCreditPosition', { customerId: customer, openReceivablesMinor: 60_000, depositsMinor: 10_000 }),
      );
      // 30 × 10.00 + 13 % = 339.00; exposure 600 + 339 − 100 = 839 ≤ 1,000
      expect((await sales(customer, [[widget, 30]], {}, true)).status).toBe('approved');
      // unbilled now 339.00: 600 + 339 + 226 − 100 = 1,065 > 1,000
      const so = await sales(customer, [[widget, 20]], {}, true);
      expect(so.status).toBe('held');
      expect(await failedChecks(so.id)).toEqual(['credit']);
      const d = await t.db
        .selectFrom('order_check_results')
        .select('details')
        .where('order_id', '=', so.id)
        .where('check_code', '=', 'credit')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(d.details)).toEqual([
        expect.objectContaining({
          limitMinor: 100_000,
          exposureMinor: 106_500,
          overMinor: 6_500,
          unbilledMinor: 33_900,
          thisOrderMinor: 22_600,
        }),
      ]);
      // A deposit top-up makes the recheck pass.
      await must(
        run(t.db, 'setCreditPosition', { customerId: customer, openReceivablesMinor: 60_000, depositsMinor: 20_000 }),
      );
      expect(await must(run(t.db, 'recheckOrder', { orderId: so.id }))).toMatchObject({ status: 'approved' });
    });

    it('converts a foreign-currency order at the dated rate, and refuses without one', async () => {
      const customer = await id(
        run(t.db, 'createCustomer', {
          code: 'C-USD',
          name: 'US buyer',
          grade: 'A',
          creditLimitMinor: 1_000_000,
          currency: 'CNY',
        }),
      );
      const r = await run(t.db, 'createOrder', {
        submit: true,
        order: {
          type: 'sales',
          customerId: customer,
          warehouseId: w[0],
          currency: 'USD',
          lines: [{ itemId: widget, quantity: 1, unitPriceMinor: 100_000 }],
        },
      });
      expect(codeOf(r)).toBe('order.no-exchange-rate');
      await must(run(t.db, 'setExchangeRate', { currency: 'USD', validFrom: '2026-01-01', rateMicros: 7_100_000 }));
      // 1,000.00 USD = 7,100.00 CNY ≤ 10,000.00
      const ok = await must<{ status: string }>(
        run(t.db, 'createOrder', {
          submit: true,
          order: {
            type: 'sales',
            customerId: customer,
            warehouseId: w[0],
            currency: 'USD',
            lines: [{ itemId: widget, quantity: 1, unitPriceMinor: 100_000 }],
          },
        }),
      );
      expect(ok.status).toBe('approved');
      // + 500.00 USD = 3,550.00 CNY more → 10,650.00 > 10,000.00
      const held = await must<{ status: string }>(
        run(t.db, 'createOrder', {
          submit: true,
          order: {
            type: 'sales',
            customerId: customer,
            warehouseId: w[0],
            currency: 'USD',
            lines: [{ itemId: widget, quantity: 1, unitPriceMinor: 50_000 }],
          },
        }),
      );
      expect(held.status).toBe('held');
    });

    it('a disabled check does not run', async () => {
      await must(run(t.db, 'setCheckSetting', { check: 'stock', enabled: false, forceAllowed: true }));
      try {
        expect((await sales(goodCustomer, [[scarce, 1]], {}, true)).status).toBe('approved');
      } finally {
        await must(
          run(t.db, 'setCheckSetting', {
            check: 'stock',
            enabled: true,
            forceAllowed: true,
            forceRoles: ['supervisor', 'administrator'],
          }),
        );
      }
    });
  });

  // ---------- force release ----------
  describe('force release', () => {
    it('needs a role the rule names, a reason, and a rule that permits it', async () => {
      const so = await sales(poorCustomer, [[widget, 10]], {}, true);
      expect(so.status).toBe('held');
      expect(codeOf(await run(t.db, 'releaseOrder', { orderId: so.id, reason: 'trust me' }, ['warehouse-clerk']))).toBe(
        'order.role-required',
      );
      expect(codeOf(await run(t.db, 'releaseOrder', { orderId: so.id }, ['supervisor']))).toBe(
        'validation.invalid-input',
      );
      expect(codeOf(await run(t.db, 'releaseOrder', { orderId: so.id, reason: '   ' }, ['supervisor']))).toBe(
        'validation.invalid-input',
      );
      await must(run(t.db, 'setCheckSetting', { check: 'credit', enabled: true, forceAllowed: false }));
      expect(codeOf(await run(t.db, 'releaseOrder', { orderId: so.id, reason: 'boss said so' }, ['supervisor']))).toBe(
        'order.force-not-allowed',
      );
      await must(
        run(t.db, 'setCheckSetting', {
          check: 'credit',
          enabled: true,
          forceAllowed: true,
          forceRoles: ['finance-clerk'],
        }),
      );
      expect(codeOf(await run(t.db, 'releaseOrder', { orderId: so.id, reason: 'boss said so' }, ['supervisor']))).toBe(
        'order.role-required',
      );
      expect((await order(so.id)).status).toBe('held');
      expect(
        await must(run(t.db, 'releaseOrder', { orderId: so.id, reason: '预付款已到账' }, ['finance-clerk'])),
      ).toMatchObject({ status: 'approved' });
      expect((await lines(so.id))[0]!.qty_allocated).toBe(10);
      await must(
        run(t.db, 'setCheckSetting', {
          check: 'credit',
          enabled: true,
          forceAllowed: true,
          forceRoles: ['supervisor', 'administrator', 'finance-clerk'],
        }),
      );
    });
  });

  // ---------- splitting ----------
  describe('splitting', () => {
    const childrenOf = (parentId: string) =>
      t.db.selectFrom('orders').selectAll().where('parent_id', '=', parentId).orderBy('number').execute();
    async function childLines(parentId: string) {
      const kids = await childrenOf(parentId);
      return t.db
        .selectFrom('order_lines')
        .selectAll()
        .where(
          'order_id',
          'in',
          kids.map((k) => k.id),
        )
        .execute();
    }

    it('manual: children take exactly the parent quantities and money; reservations move to the children', async () => {
      const so = await sales(
        goodCustomer,
        [
          [widget, 7, 333],
          [gadget, 5, 1999],
        ],
        { externalRef: 'SPLIT-1' },
        true,
      );
      const parent = await lines(so.id);
      const r = await must<{ children: Array<{ number: string }> }>(
        run(t.db, 'splitOrder', {
          orderId: so.id,
          mode: 'manual',
          parts: [
            {
              lines: [
                { lineNo: 1, quantity: 3 },
                { lineNo: 2, quantity: 1 },
              ],
              warehouseId: w[1],
            },
            { lines: [{ lineNo: 1, quantity: 2 }] },
          ],
        }),
      );
      expect(r.children.map((c) => c.number)).toEqual([1, 2, 3].map((n) => `${so.number}-${n}`));
      expect((await order(so.id)).status).toBe('split');
      const kids = await childLines(so.id);
      for (const p of parent) {
        const mine = kids.filter((k) => k.parent_line_no === p.line_no);
        expect(mine.reduce((s, k) => s + k.qty_ordered, 0)).toBe(p.qty_ordered);
        expect(mine.reduce((s, k) => s + Number(k.net_minor), 0)).toBe(Number(p.net_minor));
        expect(mine.reduce((s, k) => s + Number(k.tax_minor), 0)).toBe(Number(p.tax_minor));
      }
      const reserved = await t.db
        .selectFrom('stock_reservations')
        .select(['demand_id', 'warehouse_id'])
        .select((eb) => eb.fn.sum<number>('quantity').as('q'))
        .where('demand_id', 'in', [so.id, ...(await childrenOf(so.id)).map((k) => k.id)])
        .groupBy(['demand_id', 'warehouse_id'])
        .execute();
      expect(reserved.filter((x) => x.demand_id === so.id).every((x) => Number(x.q) === 0)).toBe(true);
      expect(reserved.filter((x) => x.demand_id !== so.id).reduce((s, x) => s + Number(x.q), 0)).toBe(12);
      expect(reserved.some((x) => x.warehouse_id === w[1] && Number(x.q) === 4)).toBe(true);
      expect(await balanceDifferences(t.db)).toEqual([]);
    });

    it('refuses parts that take more than a line has, and changes nothing', async () => {
      const so = await sales(goodCustomer, [[widget, 2]], {}, true);
      const r = await run(t.db, 'splitOrder', {
        orderId: so.id,
        mode: 'manual',
        parts: [{ lines: [{ lineNo: 1, quantity: 3 }] }],
      });
      expect(codeOf(r)).toBe('order.split-invalid');
      expect((await order(so.id)).status).toBe('approved');
      expect(await childrenOf(so.id)).toEqual([]);
    });

    it('auto: by product group and by a weight limit per shipment', async () => {
      const rule1 = await id(run(t.db, 'saveSplitRule', { position: 1, kind: 'product-group' }));
      const rule2 = await id(run(t.db, 'saveSplitRule', { position: 2, kind: 'weight', limit: 5_000 }));
      // widget 500 g × 12 = 6 kg → 2 shipments (10 + 2); gadget 2 kg × 3 = 6 kg → 2 shipments (2 + 1)
      const so = await sales(
        goodCustomer,
        [
          [widget, 12],
          [gadget, 3],
        ],
        {},
        true,
      );
      await must(run(t.db, 'splitOrder', { orderId: so.id, mode: 'auto' }));
      const kids = await childrenOf(so.id);
      expect(kids).toHaveLength(4);
      const kl = await childLines(so.id);
      expect(kl.filter((l) => l.item_id === widget).reduce((s, l) => s + l.qty_ordered, 0)).toBe(12);
      expect(kl.filter((l) => l.item_id === gadget).reduce((s, l) => s + l.qty_ordered, 0)).toBe(3);
      for (const k of kids) {
        const mine = kl.filter((l) => l.order_id === k.id);
        expect(new Set(mine.map((l) => l.item_id)).size).toBe(1);
        expect(mine.reduce((s, l) => s + l.qty_ordered * (l.item_id === widget ? 500 : 2000), 0)).toBeLessThanOrEqual(
          5_000,
        );
        expect(k.status).toBe('approved');
      }
      await must(run(t.db, 'saveSplitRule', { id: rule1, position: 1, kind: 'product-group', active: false }));
      await must(run(t.db, 'saveSplitRule', { id: rule2, position: 2, kind: 'weight', limit: 5_000, active: false }));
    });
  });

  // ---------- allocation ----------
  describe('assignment and priority allocation', () => {
    it('assigns the warehouse by rules (availability) and the carrier by rules', async () => {
      const carrier = await id(run(t.db, 'createCarrier', { code: 'SF', name: '顺丰' }));
      await must(
        run(t.db, 'saveWarehouseRule', { position: 1, name: '华东', region: '华东', warehouseIds: [w[2], w[1]] }),
      );
      await must(
        run(t.db, 'saveCarrierRule', { position: 1, name: 'light', maxWeightGrams: 100_000, carrierId: carrier }),
      );
      await receive(milk, w[1]!, 5, { lot: 'L2', expiry: '2027-07-01' });
      const so = await must<{ id: string; status: string }>(
        run(t.db, 'createOrder', {
          submit: true,
          order: {
            type: 'sales',
            customerId: goodCustomer,
            shipToRegion: '华东',
            lines: [{ itemId: milk, quantity: 5 }],
          },
        }),
      );
      // W-GZ has no milk; W-BJ has 5: availability picks W-BJ.
      expect(await order(so.id)).toMatchObject({ warehouse_id: w[1], carrier_id: carrier, status: 'approved' });
      // No rule matches another region and no warehouse given: stock check fails → held + exception.
      const lost = await must<{ id: string; status: string }>(
        run(t.db, 'createOrder', {
          submit: true,
          order: {
            type: 'sales',
            customerId: goodCustomer,
            shipToRegion: '西北',
            lines: [{ itemId: widget, quantity: 1 }],
          },
        }),
      );
      expect(lost.status).toBe('held');
      const ex = await t.db.selectFrom('order_exceptions').selectAll().where('order_id', '=', lost.id).execute();
      expect(ex.map((e) => e.kind)).toEqual(['no-warehouse']);
      expect(codeOf(await run(t.db, 'releaseOrder', { orderId: lost.id, reason: 'ship anyway' }))).toBe(
        'order.warehouse-required',
      );
      await must(
        run(t.db, 'resolveException', { exceptionId: ex[0]!.id, action: 'assign-warehouse', warehouseId: w[0] }),
      );
      expect(await order(lost.id)).toMatchObject({ warehouse_id: w[0], status: 'approved' });
      expect(codeOf(await run(t.db, 'resolveException', { exceptionId: ex[0]!.id, action: 'dismiss' }))).toBe(
        'order.exception-closed',
      );
    });

    it('gives scarce stock to the higher grade first, whoever ordered first', async () => {
      const rare = await id(run(t.db, 'createItem', { sku: 'RARE', name: '紧缺品', baseUom: 'EA' }));
      const c = await sales(gradeC, [[rare, 8]], {}, true);
      const a = await sales(goodCustomer, [[rare, 8]], {}, true);
      for (const so of [c, a])
        await must(run(t.db, 'releaseOrder', { orderId: so.id, reason: 'backorder accepted' }, ['supervisor']));
      expect((await order(c.id)).backordered).toBe(1);
      await receive(rare, w[0]!, 10);
      const r = await must<{ allocations: Array<{ orderId: string; quantity: number }> }>(
        run(t.db, 'allocateOrders', { itemIds: [rare] }),
      );
      expect(r.allocations).toEqual([
        expect.objectContaining({ orderId: a.id, quantity: 8 }),
        expect.objectContaining({ orderId: c.id, quantity: 2 }),
      ]);
      expect((await lines(a.id))[0]!.qty_allocated).toBe(8);
      expect((await lines(c.id))[0]!.qty_allocated).toBe(2);
      expect((await order(a.id)).backordered).toBe(0);
      expect((await order(c.id)).backordered).toBe(1);
      expect(await balanceDifferences(t.db)).toEqual([]);
    });

    it('auto-cancels what passed its auto-cancel date unshipped, releasing the stock', async () => {
      const so = await sales(goodCustomer, [[widget, 3]], { autoCancelDate: '2026-12-01' }, true);
      expect(
        (await must<{ cancelled: unknown[] }>(run(t.db, 'runOrderJobs', { asOf: '2026-12-01' }))).cancelled,
      ).toEqual([]);
      const r = await must<{ cancelled: Array<{ id: string }> }>(run(t.db, 'runOrderJobs', { asOf: '2026-12-02' }));
      expect(r.cancelled.map((x) => x.id)).toContain(so.id);
      expect(await order(so.id)).toMatchObject({ status: 'cancelled' });
      expect((await lines(so.id))[0]).toMatchObject({ qty_cancelled: 3, qty_allocated: 0 });
      const ex = await t.db.selectFrom('order_exceptions').select('kind').where('order_id', '=', so.id).execute();
      expect(ex.map((e) => e.kind)).toEqual(['auto-cancelled']);
    });
  });

  // ---------- ATP and jeopardy ----------
  describe('available to promise', () => {
    it('promises from dated supply and raises a jeopardy alert when the supply slips', async () => {
      const item = await id(run(t.db, 'createItem', { sku: 'ATP-1', name: '预售品', baseUom: 'EA' }));
      await receive(item, w[0]!, 5);
      const po = await must<{ id: string }>(
        run(t.db, 'createOrder', {
          submit: true,
          order: {
            type: 'purchase',
            supplierId: supplier,
            warehouseId: w[0],
            requestedDate: '2026-12-10',
            lines: [{ itemId: item, quantity: 50 }],
          },
        }),
      );
      await must(run(t.db, 'setCheckSetting', { check: 'stock', enabled: false, forceAllowed: true }));
      let so: { id: string };
      try {
        so = await sales(goodCustomer, [[item, 20]], {}, true);
      } finally {
        await must(
          run(t.db, 'setCheckSetting', {
            check: 'stock',
            enabled: true,
            forceAllowed: true,
            forceRoles: ['supervisor', 'administrator'],
          }),
        );
      }
      const [line] = await lines(so.id);
      expect(line).toMatchObject({
        qty_allocated: 5,
        promised_date: '2026-12-10',
        promise_supply: `purchase:${po.id}:1`,
      });
      // Slipping to the 8th does not hurt; to the 15th puts the promise in jeopardy.
      expect(
        (
          await must<{ jeopardy: unknown[] }>(
            run(t.db, 'updateSupplyDates', {
              orderId: po.id,
              lines: [{ lineNo: 1, expectedDate: '2026-12-08' }],
              reason: 'earlier',
            }),
          )
        ).jeopardy,
      ).toEqual([]);
      const r = await must<{ jeopardy: Array<{ orderId: string }> }>(
        run(t.db, 'updateSupplyDates', {
          orderId: po.id,
          lines: [{ lineNo: 1, expectedDate: '2026-12-15' }],
          reason: '供应商延期',
        }),
      );
      expect(r.jeopardy.map((j) => j.orderId)).toEqual([so.id]);
      const [ex] = await t.db
        .selectFrom('order_exceptions')
        .selectAll()
        .where('order_id', '=', so.id)
        .where('kind', '=', 'jeopardy')
        .execute();
      expect(codeOf(await run(t.db, 'resolveException', { exceptionId: ex!.id, action: 'retry' }))).toBe(
        'order.action-not-allowed',
      );
      await must(run(t.db, 'resolveException', { exceptionId: ex!.id, action: 'accept-date', note: '已通知客户' }));
      expect((await lines(so.id))[0]!.promised_date).toBe('2026-12-15');
    });
  });

  // ---------- returns ----------
  describe('returns', () => {
    it('checks the returnable quantity, refunds pro rata and updates the original line on receipt', async () => {
      const so = await sales(goodCustomer, [[widget, 3, 1000]], {}, true);
      await must(run(t.db, 'shipOrder', { orderId: so.id, lines: [{ lineNo: 1, quantity: 3 }] }));
      const base = { type: 'sales-return', customerId: goodCustomer, warehouseId: w[0], originalOrderId: so.id };
      const over = await run(t.db, 'createOrder', {
        order: { ...base, lines: [{ itemId: widget, quantity: 4, originalLineNo: 1 }] },
      });
      expect(codeOf(over)).toBe('order.not-returnable');
      const ret = await must<{ id: string }>(
        run(t.db, 'createOrder', {
          submit: true,
          order: { ...base, lines: [{ itemId: widget, quantity: 2, originalLineNo: 1 }] },
        }),
      );
      // 3 × 10.00 + 13 % = 33.90 → 2 of 3 = 22.60
      expect((await lines(ret.id))[0]).toMatchObject({ net_minor: 2000, tax_minor: 260, total_minor: 2260 });
      // Only 1 more can be returned while this return is open.
      expect(
        codeOf(
          await run(t.db, 'createOrder', {
            order: { ...base, lines: [{ itemId: widget, quantity: 2, originalLineNo: 1 }] },
          }),
        ),
      ).toBe('order.not-returnable');
      await must(
        run(t.db, 'receiveOrder', { orderId: ret.id, lines: [{ lineNo: 1, quantity: 2, status: 'quality' }] }),
      );
      expect((await lines(so.id))[0]!.qty_returned).toBe(2);
      expect((await order(ret.id)).status).toBe('received');
      expect(await balanceDifferences(t.db)).toEqual([]);
    });
  });

  describe('regressions found by the property test', () => {
    it('children of a held order stay held for the same checks: releasing one needs the same role', async () => {
      const so = await sales(poorCustomer, [[widget, 4]], {}, true);
      const r = await must<{ children: Array<{ id: string; status: string }> }>(
        run(t.db, 'splitOrder', { orderId: so.id, mode: 'manual', parts: [{ lines: [{ lineNo: 1, quantity: 1 }] }] }),
      );
      expect(r.children.map((c) => c.status)).toEqual(['held', 'held']);
      const child = r.children[0]!.id;
      expect(codeOf(await run(t.db, 'releaseOrder', { orderId: child, reason: 'x' }, ['warehouse-clerk']))).toBe(
        'order.role-required',
      );
      expect(codeOf(await run(t.db, 'releaseOrder', { orderId: child, reason: 'x' }, ['supervisor']))).toBe('ok');
    });

    it('a freeze that takes reserved stock away de-allocates the order line and says so in its history', async () => {
      const item = await id(run(t.db, 'createItem', { sku: 'FRZ', name: '冻结品', baseUom: 'EA', lotTracked: true }));
      await receive(item, w[2]!, 10, { lot: 'BAD' });
      const so = await must<{ id: string }>(
        run(t.db, 'createOrder', {
          submit: true,
          order: { type: 'sales', customerId: goodCustomer, warehouseId: w[2], lines: [{ itemId: item, quantity: 6 }] },
        }),
      );
      expect((await lines(so.id))[0]!.qty_allocated).toBe(6);
      await must(run(t.db, 'freezeStock', { selector: { itemId: item, lot: 'BAD' }, reason: '质量问题' }));
      expect((await lines(so.id))[0]!.qty_allocated).toBe(0);
      expect((await order(so.id)).backordered).toBe(1);
      const last = await t.db
        .selectFrom('order_events')
        .selectAll()
        .where('order_id', '=', so.id)
        .orderBy('at', 'desc')
        .executeTakeFirstOrThrow();
      expect(last).toMatchObject({ action: 'allocate', reason: 'frozen' });
      expect(await balanceDifferences(t.db)).toEqual([]);
    });

    it('priority allocation keeps to the lot a line names', async () => {
      const item = await id(run(t.db, 'createItem', { sku: 'LOTTY', name: '批次品', baseUom: 'EA', lotTracked: true }));
      await receive(item, w[0]!, 5, { lot: 'A' });
      const so = await must<{ id: string }>(
        run(t.db, 'createOrder', {
          order: {
            type: 'sales',
            customerId: goodCustomer,
            warehouseId: w[0],
            lines: [{ itemId: item, quantity: 3, lot: 'B' }],
          },
        }),
      );
      await must(run(t.db, 'submitOrder', { orderId: so.id }));
      await must(run(t.db, 'releaseOrder', { orderId: so.id, reason: 'wait for lot B' }));
      await must(run(t.db, 'allocateOrders', { itemIds: [item] }));
      expect((await lines(so.id))[0]!.qty_allocated).toBe(0);
      await receive(item, w[0]!, 5, { lot: 'B' });
      await must(run(t.db, 'allocateOrders', { itemIds: [item] }));
      const held = await t.db
        .selectFrom('stock_reservations')
        .select(['lot', 'quantity'])
        .where('demand_id', '=', so.id)
        .execute();
      expect(held).toEqual([{ lot: 'B', quantity: 3 }]);
    });

    it('two rows for one line in one shipment ship their sum once', async () => {
      const so = await sales(goodCustomer, [[widget, 5]], {}, true);
      await must(
        run(t.db, 'shipOrder', {
          orderId: so.id,
          lines: [
            { lineNo: 1, quantity: 2 },
            { lineNo: 1, quantity: 3 },
          ],
        }),
      );
      expect((await lines(so.id))[0]).toMatchObject({ qty_shipped: 5, qty_allocated: 5 });
      expect((await order(so.id)).status).toBe('shipped');
      const r = await run(t.db, 'shipOrder', { orderId: so.id, lines: [{ lineNo: 1, quantity: 1 }] });
      expect(codeOf(r)).toBe('order.invalid-transition');
      expect(await balanceDifferences(t.db)).toEqual([]);
    });
  });

  describe('transfers and purchase returns (found by the property test)', () => {
    const transfer = () =>
      must<{ id: string }>(
        run(t.db, 'createOrder', {
          submit: true,
          order: {
            type: 'transfer',
            warehouseId: w[2],
            toWarehouseId: w[1],
            lines: [{ itemId: widget, quantity: 10 }],
          },
        }),
      );
    it('closing a partly shipped transfer cancels the rest, and what is on the road can still be received', async () => {
      const tr = await transfer();
      await must(run(t.db, 'shipOrder', { orderId: tr.id, lines: [{ lineNo: 1, quantity: 4 }] }));
      expect(await must(run(t.db, 'closeOrder', { orderId: tr.id, reason: 'rest not needed' }))).toMatchObject({
        status: 'shipped',
      });
      expect((await lines(tr.id))[0]).toMatchObject({ qty_cancelled: 6, qty_allocated: 4 });
      await must(run(t.db, 'receiveOrder', { orderId: tr.id, lines: [{ lineNo: 1, quantity: 4 }] }));
      expect((await order(tr.id)).status).toBe('received');
      expect(await balanceDifferences(t.db)).toEqual([]);
    });

    it('a partly received transfer ships the rest', async () => {
      const tr = await transfer();
      await must(run(t.db, 'shipOrder', { orderId: tr.id, lines: [{ lineNo: 1, quantity: 5 }] }));
      await must(run(t.db, 'receiveOrder', { orderId: tr.id, lines: [{ lineNo: 1, quantity: 5 }] }));
      expect(await must(run(t.db, 'shipOrder', { orderId: tr.id, lines: [{ lineNo: 1, quantity: 5 }] }))).toMatchObject(
        {
          status: 'partially-received',
        },
      );
      await must(run(t.db, 'receiveOrder', { orderId: tr.id, lines: [{ lineNo: 1, quantity: 5 }] }));
      expect((await order(tr.id)).status).toBe('received');
    });

    it('never returns more to the supplier than was received, counting closed returns', async () => {
      const po = await must<{ id: string }>(
        run(t.db, 'createOrder', {
          submit: true,
          order: {
            type: 'purchase',
            supplierId: supplier,
            warehouseId: w[1],
            lines: [{ itemId: gadget, quantity: 10 }],
          },
        }),
      );
      await must(run(t.db, 'receiveOrder', { orderId: po.id, lines: [{ lineNo: 1, quantity: 10 }] }));
      const back = (quantity: number) =>
        run(t.db, 'createOrder', {
          submit: true,
          order: {
            type: 'purchase-return',
            supplierId: supplier,
            warehouseId: w[1],
            originalOrderId: po.id,
            lines: [{ itemId: gadget, quantity, originalLineNo: 1 }],
          },
        });
      const first = await must<{ id: string }>(back(10));
      await must(run(t.db, 'shipOrder', { orderId: first.id, lines: [{ lineNo: 1, quantity: 6 }] }));
      await must(run(t.db, 'closeOrder', { orderId: first.id, reason: 'the rest is fine' }));
      expect((await lines(po.id))[0]!.qty_returned).toBe(6);
      const second = await back(10);
      expect(second).toMatchObject({ ok: false, error: { code: 'order.not-returnable', details: { returnable: 4 } } });
      expect(codeOf(await back(4))).toBe('ok');
    });
  });

  describe('exchanges', () => {
    it('approving an exchange return creates the linked replacement order at no charge', async () => {
      const so = await sales(goodCustomer, [[gadget, 2, 5000]], {}, true);
      await must(run(t.db, 'shipOrder', { orderId: so.id, lines: [{ lineNo: 1, quantity: 2 }] }));
      const ret = await must<{ id: string; number: string }>(
        run(t.db, 'createOrder', {
          submit: true,
          order: {
            type: 'sales-return',
            exchange: true,
            customerId: goodCustomer,
            warehouseId: w[0],
            originalOrderId: so.id,
            lines: [{ itemId: gadget, quantity: 1, originalLineNo: 1 }],
          },
        }),
      );
      const r = await order(ret.id);
      expect(r.related_order_id).not.toBeNull();
      const replacement = await order(r.related_order_id!);
      expect(replacement).toMatchObject({
        type: 'sales',
        status: 'draft',
        number: `${ret.number}-X`,
        related_order_id: ret.id,
        total_minor: 0,
      });
      expect((await lines(replacement.id)).map((l) => [l.item_id, l.qty_ordered])).toEqual([[gadget, 1]]);
      expect(await must(run(t.db, 'submitOrder', { orderId: replacement.id }))).toMatchObject({ status: 'approved' });
    });
  });

  describe('documents', () => {
    it('refuses a second order with the same channel and external reference', async () => {
      const channel = await id(run(t.db, 'createSalesChannel', { code: 'TMALL', name: '天猫', kind: 'online-shop' }));
      await sales(goodCustomer, [[widget, 1]], { channelId: channel, externalRef: 'TM-1001' });
      const r = await run(t.db, 'createOrder', {
        order: {
          type: 'sales',
          customerId: goodCustomer,
          channelId: channel,
          externalRef: 'TM-1001',
          lines: [{ itemId: widget, quantity: 1 }],
        },
      });
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'order.duplicate-external-ref', details: { externalRef: 'TM-1001' } },
      });
    });

    it('refuses unknown references with a field path, and a receipt without the lot of a lot-tracked item', async () => {
      const r = await run(t.db, 'createOrder', {
        order: {
          type: 'sales',
          customerId: goodCustomer,
          lines: [{ itemId: '00000000-0000-4000-8000-000000000000', quantity: 1 }],
        },
      });
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'order.unknown-reference', details: { fields: [{ path: 'lines.0.itemId' }] } },
      });
      const po = await must<{ id: string }>(
        run(t.db, 'createOrder', {
          submit: true,
          order: { type: 'purchase', supplierId: supplier, warehouseId: w[0], lines: [{ itemId: milk, quantity: 5 }] },
        }),
      );
      const bad = await run(t.db, 'receiveOrder', { orderId: po.id, lines: [{ lineNo: 1, quantity: 5 }] });
      expect(bad).toMatchObject({
        ok: false,
        error: { code: 'inventory.lot-required', details: { fields: [{ path: 'lines.0.lot' }] } },
      });
      expect(
        codeOf(
          await run(t.db, 'receiveOrder', {
            orderId: po.id,
            lines: [{ lineNo: 1, quantity: 6, lot: 'L9', expiry: '2027-01-01' }],
          }),
        ),
      ).toBe('order.over-receipt');
      await must(
        run(t.db, 'receiveOrder', {
          orderId: po.id,
          lines: [{ lineNo: 1, quantity: 5, lot: 'L9', expiry: '2027-01-01' }],
        }),
      );
      expect((await order(po.id)).status).toBe('received');
    });

    it('numbers documents per series and refuses a stale version', async () => {
      const a = await sales(goodCustomer, [[widget, 1]]);
      expect(a.number).toMatch(/^SO-TEST-\d{6}$/);
      const o = await order(a.id);
      expect(codeOf(await run(t.db, 'submitOrder', { orderId: a.id, expectedVersion: o.version + 1 }))).toBe(
        'order.version-conflict',
      );
      expect(codeOf(await run(t.db, 'submitOrder', { orderId: a.id, expectedVersion: o.version }))).toBe('ok');
    });
  });
});
