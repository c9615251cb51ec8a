import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import net from 'node:net';
import pdfmake from 'pdfmake';
import { makeSscc } from '../core/gs1/build.ts';
import { parseGs1 } from '../core/gs1/parse.ts';
import type { LabelData } from '../core/labels/data.ts';
import { defaultTemplate } from '../core/labels/defaults.ts';
import { SAMPLE_LABEL_DATA } from '../core/labels/sample.ts';
import { renderLabels } from '../printing/labels/render.ts';
import { sendToPrinter } from '../printing/transports/targets.ts';
import { createAppHost, DATABASE_FILE } from '../main/app/host.ts';
import { machineFacts, ratio, summarize, time } from './stats.ts';

/** A fake network label printer: a TCP listener that counts what it receives. */
async function fakePrinter(): Promise<{ port: number; received: () => number; close: () => Promise<void> }> {
  let bytes = 0;
  const server = net.createServer((s) => s.on('data', (c: Buffer) => (bytes += c.length)));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: (server.address() as net.AddressInfo).port,
    received: () => bytes,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/** Cartons as the dock prints them: each its own SSCC, the same content otherwise. */
const cartons = (n: number): LabelData[] =>
  Array.from({ length: n }, (_, i) => ({
    ...SAMPLE_LABEL_DATA,
    sscc: makeSscc('6901234', 0, 100_000 + i),
    unit: { kind: 'carton' as const, index: i + 1, count: n },
  }));

/**
 * P1: 1,000 SSCC labels rendered to ZPL (the default 4×6 GS1 logistic label, Chinese text as
 * stored bitmaps) and delivered to a TCP 9100 printer. Reference: the same 1,000 labels as a
 * hand-written minimal ZPL string (SSCC barcode + text, no template engine), delivered the same way.
 * P2: one 100-label PDF with Chinese text and barcodes. Reference: pdfmake laying out the same
 * 100 pages of Chinese text with the same embedded font, without barcodes.
 */
async function runLabelBenchmarks(report: (key: string, value: unknown) => void, quick: boolean): Promise<void> {
  const rounds = quick ? 2 : 5;
  const template = defaultTemplate('gs1-logistic-4x6')!;
  const printer = await fakePrinter();
  try {
    const data = cartons(1000);
    await renderLabels(template, data.slice(0, 2), 'zpl'); // load fonts and encoders once
    const ours: number[] = [];
    const reference: number[] = [];
    let size = 0;
    for (let r = 0; r < rounds; r++) {
      ours.push(
        await time(async () => {
          const zpl = await renderLabels(template, data, 'zpl');
          size = zpl.byteLength;
          await sendToPrinter(`tcp://127.0.0.1:${printer.port}`, zpl);
        }),
      );
      reference.push(
        await time(async () => {
          const zpl = data
            .map(
              (d) =>
                `^XA^PW812^LL1218^FO40,40^A0N,30,30^FD${d.from.name}^FS^FO60,900^BY4^BCN,200,Y,N,N^FD>;>800${d.sscc}^FS^XZ`,
            )
            .join('');
          await sendToPrinter(`tcp://127.0.0.1:${printer.port}`, new TextEncoder().encode(zpl));
        }),
      );
    }
    const o = summarize(ours);
    const ref = summarize(reference);
    report('P1_zpl_1000_labels_to_tcp', {
      target: '<= 1000 ms',
      labels: 1000,
      jobBytes: size,
      ours_ms: o,
      reference_minimal_zpl_ms: ref,
      ratio_p50: ratio(o.p50, ref.p50),
      printerReceivedBytes: printer.received(),
      met: o.max <= 1000,
    });

    const hundred = cartons(100);
    await renderLabels(template, hundred.slice(0, 1), 'pdf');
    const pdfOurs: number[] = [];
    const pdfRef: number[] = [];
    let pdfSize = 0;
    for (let r = 0; r < rounds; r++) {
      pdfOurs.push(
        await time(async () => {
          pdfSize = (await renderLabels(template, hundred, 'pdf')).byteLength;
        }),
      );
      pdfRef.push(
        await time(async () => {
          // The same pdfmake, with the font family renderLabels registered (fonts already loaded).
          await pdfmake
            .createPdf({
              pageSize: { width: 288, height: 432 },
              defaultStyle: { font: 'NotoSansCJKsc', fontSize: 10 },
              content: hundred.map((d, i) => ({
                stack: [d.from.name, ...d.from.address, d.to.name, ...d.to.address, d.content!.itemName, d.sscc],
                pageBreak: i > 0 ? ('before' as const) : undefined,
              })),
            })
            .getBuffer();
        }),
      );
    }
    const po = summarize(pdfOurs);
    const pr = summarize(pdfRef);
    report('P2_pdf_100_labels', {
      target: '<= 3000 ms',
      labels: 100,
      pdfBytes: pdfSize,
      ours_ms: po,
      reference_text_only_pdf_ms: pr,
      ratio_p50: ratio(po.p50, pr.p50),
      met: po.max <= 3000,
    });
  } finally {
    await printer.close();
  }
}

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
  await runLabelBenchmarks(report, quick);
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
