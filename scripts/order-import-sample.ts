import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import writeExcelFile from 'write-excel-file/node';
import { buildMasterData, DEMO_SIZE } from '../db/seed/seed.ts';

/**
 * npx tsx scripts/order-import-sample.ts [DIR]   (DIR defaults to docs/samples)
 * Writes the sample order-import file, as CSV (UTF-8 with a BOM, so Excel shows the Chinese) and
 * as XLSX (an instructions sheet first, then the order sheet `订单`): 10 sales orders for the
 * demo data set that `npm start` loads, lines by SKU, by unit GTIN and by case GTIN.
 * test/integration/order-import.test.ts checks that the committed files are what this writes and
 * that they import cleanly.
 */

export const SAMPLE_HEADER = [
  '外部单号',
  '渠道编码',
  '客户编码',
  '客户名称',
  '仓库编码',
  '币种',
  '要求交期',
  '商品编码',
  '商品条码',
  '商品名称',
  '数量',
  '单价（元）',
  '折扣金额',
  '税率',
  '备注',
] as const;

/** The sample's rows (header first), from the demo master data: active customers and items only. */
export function sampleRows(): string[][] {
  const data = buildMasterData(DEMO_SIZE);
  const customers = data.customers.filter((c) => c.active && c.currency === 'CNY').slice(0, 10);
  const items = data.items.filter((i) => i.active && i.gtin !== null);
  const warehouses = data.warehouses.filter((w) => w.active);
  const channels = ['TMALL', 'JDSHOP', 'WXMINI', 'DIST', 'STORE-SH'];
  const notes = ['', '请周末前送达，谢谢', '', '加急, 请电话联系 "王先生"', '', '', '开具增值税专用发票', '', '', ''];
  const rows: string[][] = [[...SAMPLE_HEADER]];
  customers.forEach((c, o) => {
    const lineCount = 1 + (o % 4);
    for (let l = 0; l < lineCount; l += 1) {
      const item = items[(o * 7 + l * 3) % items.length];
      if (!item) throw new Error('the demo data set has no items');
      // Line 1 by SKU, line 2 by the unit GTIN, line 3 by the case GTIN (price per case), line 4 by both.
      const kind = l % 4;
      const caseUom = item.uoms.find((u) => u.gtin !== null);
      const byCase = kind === 2 && caseUom !== undefined;
      const unitPrice = 3 + ((o * 13 + l * 5) % 40) + (l % 2 === 0 ? 0.5 : 0.25);
      const price = byCase ? unitPrice * (caseUom?.factor ?? 1) : unitPrice;
      rows.push([
        `EXT-2026${1201 + o}`,
        channels[o % channels.length] ?? 'MANUAL',
        l === 0 ? c.code : '',
        l === 0 ? c.name : '',
        l === 0 ? (warehouses[o % warehouses.length]?.code ?? '') : '',
        l === 0 ? 'CNY' : '',
        l === 0 ? `2027-01-${String(10 + o).padStart(2, '0')}` : '',
        kind === 0 || kind === 3 ? item.sku : '',
        kind === 1 || kind === 3 ? (item.gtin ?? '') : byCase ? (caseUom?.gtin ?? '') : '',
        item.name,
        String(1 + ((o + l) % 5)),
        price.toFixed(2),
        l === 1 ? '1.00' : '',
        o % 3 === 2 ? '9' : '13',
        l === 0 ? (notes[o] ?? '') : '',
      ]);
    }
  });
  return rows;
}

const quote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);

/** RFC 4180 CSV with CRLF line ends and a UTF-8 BOM (what Excel's "CSV UTF-8" writes). */
export function sampleCsv(rows: string[][] = sampleRows()): string {
  return `\uFEFF${rows.map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`;
}

/** The same rows as a workbook: quantities and prices as numbers, the requested date as a date cell. */
export async function sampleXlsx(rows: string[][] = sampleRows()): Promise<Buffer> {
  const [header = [], ...body] = rows;
  const numeric = new Set(['数量', '单价（元）', '折扣金额', '税率']);
  const typed = body.map((r) =>
    r.map((cell, i) => {
      const name = header[i] ?? '';
      if (cell === '') return null;
      if (numeric.has(name)) return { value: Number(cell), type: Number, format: name === '数量' ? '0' : '0.00' };
      if (name === '要求交期') return { value: new Date(`${cell}T00:00:00Z`), type: Date, format: 'yyyy-mm-dd' };
      return { value: cell, type: String };
    }),
  );
  const instructions = [
    ['说明 / Instructions'],
    ['订单数据在「订单」工作表：每行一个订单行，外部单号相同的连续行是同一个订单。'],
    [
      'Order data is on the sheet 订单: one row per order line; consecutive rows with the same external ref form one order.',
    ],
  ];
  const sheets = [
    { data: instructions, sheet: '说明' },
    { data: [header, ...typed], sheet: '订单' },
  ];
  return writeExcelFile(sheets as never).toBuffer();
}

export async function writeSamples(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const rows = sampleRows();
  writeFileSync(join(dir, 'orders-import-sample.csv'), sampleCsv(rows));
  writeFileSync(join(dir, 'orders-import-sample.xlsx'), await sampleXlsx(rows));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dir = resolve(process.argv[2] ?? join(import.meta.dirname, '..', 'docs', 'samples'));
  await writeSamples(dir);
  console.log(`wrote ${join(dir, 'orders-import-sample.csv')} and .xlsx`);
}
