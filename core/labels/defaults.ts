import { labelTemplate, type LabelTemplate, type LabelTemplateInput } from './template.ts';

/**
 * The default GS1 logistic labels, laid out as the GS1 logistic label guideline does: from/to
 * block on top, human-readable data with data titles (Chinese first, English after) in the
 * middle, barcodes at the bottom with their human-readable text under each, and the SSCC
 * GS1-128 as the lowest barcode. Content AIs are ordered fixed-length first, (02)(17)(37)(10),
 * so the symbol needs one FNC1 separator fewer than (02)(37)(10)(17); scanners do not care
 * about the order.
 */

type Element = LabelTemplateInput['elements'][number];

const TITLE = { value: 2.3, unit: 'mm' } as const;
const VALUE = { value: 3.4, unit: 'mm' } as const;

function field(
  id: string,
  x: number,
  y: number,
  width: number,
  title: string,
  value: string,
  when?: string,
): Element[] {
  const w = when === undefined ? {} : { when };
  return [
    { id: `${id}-title`, kind: 'text', x, y, text: title, size: TITLE, maxWidth: width, maxLines: 1, ...w },
    { id, kind: 'text', x, y: y + 3, text: value, size: VALUE, bold: true, maxWidth: width, maxLines: 1, ...w },
  ];
}

interface Geometry {
  id: string;
  name: string;
  widthMm: number;
  heightMm: number;
  dataMatrix: boolean;
}

function logisticLabel(g: Geometry): LabelTemplate {
  const m = 3;
  const w = g.widthMm;
  const inner = w - 2 * m;
  const half = w / 2;
  const col = half - m - 1.5;
  // Bottom-up: the SSCC barcode is anchored to the bottom edge, so A6 and 4×6 differ only above it.
  const ssccHeight = g.heightMm >= 150 ? 25 : 22;
  const ssccY = g.heightMm - m - 4 - ssccHeight;
  const elements: Element[] = [
    // From / to block.
    { id: 'from-title', kind: 'text', x: m, y: m, text: '发货方 FROM', size: TITLE },
    {
      id: 'from-name',
      kind: 'text',
      x: m,
      y: m + 3.2,
      text: '{from.name}',
      size: VALUE,
      bold: true,
      maxWidth: col,
      maxLines: 2,
    },
    {
      id: 'from-address',
      kind: 'text',
      x: m,
      y: m + 11.5,
      text: '{from.address}',
      size: TITLE,
      maxWidth: col,
      maxLines: 4,
    },
    { id: 'to-title', kind: 'text', x: half + 1.5, y: m, text: '收货方 TO', size: TITLE },
    {
      id: 'to-name',
      kind: 'text',
      x: half + 1.5,
      y: m + 3.2,
      text: '{to.name}',
      size: VALUE,
      bold: true,
      maxWidth: col,
      maxLines: 2,
    },
    {
      id: 'to-address',
      kind: 'text',
      x: half + 1.5,
      y: m + 11.5,
      text: '{to.address}',
      size: TITLE,
      maxWidth: col,
      maxLines: 4,
    },
    { id: 'from-to-rule', kind: 'line', x: half, y: m, x2: half, y2: 31 },
    { id: 'top-rule', kind: 'line', x: 0, y: 32.5, x2: w, y2: 32.5, thicknessMm: 0.5 },
    // Human-readable data with data titles.
    { id: 'sscc-title', kind: 'text', x: m, y: 34, text: '系列货运包装箱代码 SSCC', size: TITLE },
    { id: 'sscc-text', kind: 'text', x: m, y: 37, text: '{sscc}', size: { value: 4.2, unit: 'mm' }, bold: true },
    ...field('gtin', m, 44, col, '内容 CONTENT (GTIN)', '{content.gtin}', 'content'),
    ...field('count', half + 1.5, 44, col, '数量 COUNT', '{content.count}', 'content'),
    ...field('batch', m, 52, col, '批号 BATCH/LOT', '{content.batch}', 'content.batch'),
    ...field('expiry', half + 1.5, 52, col, '有效期 EXPIRY', '{content.expiry}', 'content.expiry'),
    ...field('po', m, 60, col, '采购单 PO', '{purchaseOrder}', 'purchaseOrder'),
    ...field('carton', half + 1.5, 60, col, '件 CARTON', '{unit.index} / {unit.count}'),
    ...field('item', m, 68, inner, '品名 ITEM', '{content.itemCode} {content.itemName}', 'content'),
    {
      id: 'asn',
      kind: 'text',
      x: half + 1.5,
      y: 34,
      text: '送货单 ASN {asnNumber}\n{shipDate}',
      size: TITLE,
      maxWidth: col,
      maxLines: 2,
    },
    { id: 'data-rule', kind: 'line', x: 0, y: 76.5, x2: w, y2: 76.5, thicknessMm: 0.5 },
  ];
  if (g.dataMatrix) {
    elements.push({
      id: 'content-dm',
      kind: 'barcode',
      symbology: 'gs1-datamatrix',
      x: m,
      y: 79,
      moduleDots: 5,
      targetWidthMm: inner,
      // (00) too: GS1's association rules want 02 and 37 with the SSCC in the same message, and
      // bwip-js lints DataMatrix with those rules on.
      gs1: [
        { ai: '00', field: 'sscc' },
        { ai: '02', field: 'content.gtin' },
        { ai: '17', field: 'content.expiry' },
        { ai: '37', field: 'content.count' },
        { ai: '10', field: 'content.batch' },
        { ai: '400', field: 'purchaseOrder' },
      ],
    });
  } else {
    elements.push(
      {
        id: 'content-barcode',
        kind: 'barcode',
        symbology: 'gs1-128',
        x: m,
        y: 79,
        targetWidthMm: inner,
        heightMm: g.heightMm >= 150 ? 14 : 12,
        when: 'content',
        gs1: [
          { ai: '02', field: 'content.gtin' },
          { ai: '17', field: 'content.expiry' },
          { ai: '37', field: 'content.count' },
          { ai: '10', field: 'content.batch' },
        ],
      },
      {
        id: 'po-barcode',
        kind: 'barcode',
        symbology: 'gs1-128',
        x: m,
        y: ssccY - 20,
        targetWidthMm: inner,
        moduleDots: 3,
        heightMm: 10,
        when: 'purchaseOrder',
        gs1: [{ ai: '400', field: 'purchaseOrder' }],
      },
    );
  }
  elements.push(
    { id: 'sscc-rule', kind: 'line', x: 0, y: ssccY - 3.5, x2: w, y2: ssccY - 3.5, thicknessMm: 0.5 },
    {
      id: 'sscc-barcode',
      kind: 'barcode',
      symbology: 'gs1-128',
      x: m,
      y: ssccY,
      targetWidthMm: inner,
      moduleDots: 4,
      heightMm: ssccHeight,
      hriSize: { value: 3.2, unit: 'mm' },
      gs1: [{ ai: '00', field: 'sscc' }],
    },
  );
  return labelTemplate.parse({ id: g.id, name: g.name, widthMm: g.widthMm, heightMm: g.heightMm, dpi: 203, elements });
}

export const DEFAULT_TEMPLATES: LabelTemplate[] = [
  logisticLabel({
    id: 'gs1-logistic-4x6',
    name: 'GS1 物流标签 4×6 in',
    widthMm: 101.6,
    heightMm: 152.4,
    dataMatrix: false,
  }),
  logisticLabel({ id: 'gs1-logistic-a6', name: 'GS1 物流标签 A6', widthMm: 105, heightMm: 148, dataMatrix: false }),
  logisticLabel({
    id: 'gs1-logistic-4x6-dm',
    name: 'GS1 物流标签 4×6 in (DataMatrix)',
    widthMm: 101.6,
    heightMm: 152.4,
    dataMatrix: true,
  }),
];

export function defaultTemplate(id: string): LabelTemplate | undefined {
  return DEFAULT_TEMPLATES.find((t) => t.id === id);
}
