import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parseGs1 } from '../core/gs1/parse.ts';
import { createAppHost, DATABASE_FILE } from '../main/app/host.ts';
import { machineFacts, ratio, summarize, time } from './stats.ts';

/**
 * P3 (../shared/docs/performance.md): scan → parse → receive a carton → balances updated, on the
 * desktop core exactly as the dock screen calls it (GS1 parse of the raw scan, then the
 * `dock.receiveUnit` channel of the app host: one transaction with arrival, stock moves, the
 * purchase order's progress, the receipt and the outbox row). Reference in the same run: raw
 * better-sqlite3 doing the minimum a receipt must write (find the unit, mark it, two ledger rows,
 * two balance updates, the ASN line, the PO line, the receipt) in one transaction.
 */
type Row = Record<string, unknown>;

export async function runDock(quick: boolean): Promise<string> {
  const asnCount = quick ? 20 : 100;
  const unitsPerAsn = 10;
  const dir = mkdtempSync(join(tmpdir(), 'oms-bench-dock-'));
  const results: Row = { when: new Date().toISOString(), node: process.version, machine: machineFacts(), quick };
  const report = (key: string, value: unknown) => {
    results[key] = value;
    console.log(key, JSON.stringify(value));
  };
  const host = await createAppHost({ dataDir: dir, serverUrl: null, shell: 'web' });
  const call = async <T>(channel: string, input: unknown): Promise<T> => {
    const r = await host.handle(channel, input);
    if (!r.ok) throw new Error(`${channel}: ${JSON.stringify(r.error)}`);
    return r.data as T;
  };
  try {
    const wh = (await call<{ id: string }>('warehouses.create', { code: 'W-P3', name: '基准仓' })).id;
    const supplier = (
      await call<{ id: string }>('suppliers.create', { code: 'S-P3', name: '基准供应商', gs1CompanyPrefix: '6901234' })
    ).id;
    const items: string[] = [];
    for (let i = 0; i < 20; i++)
      items.push(
        (
          await call<{ id: string }>('items.create', {
            sku: `P3-${i}`,
            name: `物料${i}`,
            baseUom: 'EA',
            lotTracked: true,
          })
        ).id,
      );
    const ssccs: string[] = [];
    const setup = await time(async () => {
      for (let a = 0; a < asnCount; a++) {
        const lines = items.slice(0, unitsPerAsn).map((itemId) => ({ itemId, quantity: 24, unitPriceMinor: 100 }));
        const po = await call<{ id: string }>('orders.create', {
          submit: true,
          order: { type: 'purchase', supplierId: supplier, warehouseId: wh, lines },
        });
        const asn = await call<{ ssccs: string[] }>('asns.create', {
          orderId: po.id,
          supplierId: supplier,
          shipDate: '2026-11-25',
          lines: lines.map((_, i) => ({ orderLineNo: i + 1, quantity: 24, lot: `L${a}` })),
          units: lines.map((_, i) => ({ contents: [{ line: i + 1, quantity: 24 }] })),
        });
        ssccs.push(...asn.ssccs);
      }
    });
    report('setup', { asns: asnCount, cartons: ssccs.length, ms: Math.round(setup) });

    // Ours: every carton scanned once, as the scanner sends it (symbology id, AI 00).
    const ours: number[] = [];
    for (const sscc of ssccs)
      ours.push(
        await time(async () => {
          const msg = parseGs1(`]C100${sscc}`);
          const unit = msg.elements.find((e) => e.ai === '00')!;
          await call('dock.receiveUnit', { sscc: String(unit.raw), scan: `]C100${sscc}` });
        }),
      );

    // Reference: a second, identical data set received with hand-written SQL.
    const raw = new Database(join(dir, DATABASE_FILE));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.exec(`create table ref_units as select * from handling_units where 0;
      insert into ref_units select id || '-r', asn_id, supplier_id, warehouse_id, sscc || 'r', kind, position, parent_id,
        gross_weight_grams, 'expected', null, null, null from handling_units;
      create unique index ref_units_sscc on ref_units (sscc);
      create table ref_receipts as select * from dock_receipts where 0;
      create table ref_balances as select * from stock_balances;
      create unique index ref_bal_key on ref_balances (item_id, warehouse_id, lot, expiry, owner_id);
      create table ref_movements as select * from stock_movements where 0;
      create table ref_asn_lines as select * from asn_lines;
      create unique index ref_asn_lines_pk on ref_asn_lines (asn_id, line_no);
      create table ref_order_lines as select order_id, line_no, qty_received from order_lines;
      create unique index ref_order_lines_pk on ref_order_lines (order_id, line_no);`);
    const unitBy =
      raw.prepare(`select u.id, u.asn_id, c.asn_line_no, c.quantity, l.item_id, l.lot, l.order_line_no, a.order_id
      from ref_units u join handling_unit_contents c on c.unit_id = substr(u.id, 1, length(u.id) - 2)
      join ref_asn_lines l on l.asn_id = u.asn_id and l.line_no = c.asn_line_no
      join asns a on a.id = u.asn_id where u.sscc = ?`);
    const markUnit = raw.prepare(
      `update ref_units set status = 'received', received_at = ?, received_by = 'x' where id = ?`,
    );
    const move = raw.prepare(`insert into ref_movements (id, op_id, kind, item_id, warehouse_id, lot, expiry, owner_id,
      status, quantity, actor, created_at) values (?, ?, 'receive', ?, ?, ?, '', 'own', ?, ?, 'x', ?)`);
    const bal =
      raw.prepare(`update ref_balances set qty_available = qty_available + ?, qty_in_transit = qty_in_transit - ?
      where item_id = ? and warehouse_id = ? and lot = ? and expiry = '' and owner_id = 'own'`);
    const asnLine = raw.prepare(
      `update ref_asn_lines set qty_received = qty_received + ? where asn_id = ? and line_no = ?`,
    );
    const poLine = raw.prepare(
      `update ref_order_lines set qty_received = qty_received + ? where order_id = ? and line_no = ?`,
    );
    const receipt = raw.prepare(`insert into ref_receipts (id, asn_id, supplier_id, warehouse_id, unit_id, kind, scan,
      quantity, actor, at) values (?, ?, 's', ?, ?, 'unit', ?, ?, 'x', ?)`);
    const receiveRaw = raw.transaction((sscc: string) => {
      const u = unitBy.get(sscc) as Row;
      const now = new Date().toISOString();
      const op = randomUUID();
      markUnit.run(now, u.id);
      move.run(`${op}:1`, op, u.item_id, wh, u.lot, 'in_transit', -Number(u.quantity), now);
      move.run(`${op}:2`, op, u.item_id, wh, u.lot, 'available', u.quantity, now);
      bal.run(u.quantity, u.quantity, u.item_id, wh, u.lot);
      asnLine.run(u.quantity, u.asn_id, u.asn_line_no);
      poLine.run(u.quantity, u.order_id, u.order_line_no);
      receipt.run(op, u.asn_id, wh, u.id, sscc, u.quantity, now);
    });
    const reference: number[] = [];
    for (const sscc of ssccs) reference.push(await time(() => receiveRaw(`${sscc}r`)));
    raw.close();

    const o = summarize(ours);
    const r = summarize(reference);
    report('P3_scan_receive', {
      target: 'p95 <= 20 ms',
      ours: o,
      reference_raw_sql: r,
      ratio_p95: ratio(o.p95, r.p95),
      met: o.p95 <= 20,
    });
  } finally {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  const out = join(import.meta.dirname, 'results', `dock-${Date.now()}.json`);
  writeFileSync(out, JSON.stringify(results, null, 2));
  console.log(`results: ${out}`);
  return out;
}
