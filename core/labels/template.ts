import { z } from 'zod';

/**
 * The declarative label template: sizes in millimetres, elements placed from the top-left
 * corner. One model feeds every output (ZPL, TSPL, PDF, SVG, PNG) and the template editor, so it
 * holds no printer-specific numbers except `moduleDots`, which a thermal barcode needs to stay
 * scannable (whole printer dots per module).
 *
 * Bindings: a text's `text` is a pattern in which `{path}` is replaced by a field of LabelData
 * (`{from.name}`, `{unit.index}`, `{from.address.0}`); `{{` and `}}` are literal braces. A
 * barcode binds either a GS1 element list (`[{ ai: '00', field: 'sscc' }]`) or one field. Any
 * element may carry `when`: a field path; the element is left out when that field is null or
 * empty (the content barcode of a mixed carton).
 */

const mm = z.number().min(0).max(1000);
const fieldPath = z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z0-9]+)*$/, 'a dotted field path');

const base = {
  /** Stable id inside the template (the editor selects by it). */
  id: z.string().min(1).max(40),
  x: mm,
  y: mm,
  when: fieldPath.optional(),
};

export const textElement = z.object({
  ...base,
  kind: z.literal('text'),
  /** Literal text with `{field.path}` placeholders; `\n` starts a new line. */
  text: z.string().min(1).max(500),
  /** Cap height is not used: this is the em size of the font. */
  size: z.object({ value: z.number().positive().max(200), unit: z.enum(['mm', 'pt']) }),
  bold: z.boolean().default(false),
  /** Lines longer than this wrap (CJK anywhere, Latin at spaces); required for centre/right. */
  maxWidth: mm.positive().optional(),
  /** At most this many lines are printed; the last one is cut. */
  maxLines: z.number().int().min(1).max(20).default(3),
  align: z.enum(['left', 'center', 'right']).default('left'),
});

export const gs1Binding = z.object({
  ai: z.string().regex(/^\d{2,4}$/),
  field: fieldPath,
});

export const barcodeElement = z.object({
  ...base,
  kind: z.literal('barcode'),
  symbology: z.enum(['gs1-128', 'gs1-datamatrix', 'code128', 'qrcode']),
  /** GS1 symbologies: the element list (empty fields are left out); others: one field or a pattern. */
  gs1: z.array(gs1Binding).min(1).max(20).optional(),
  data: z.string().min(1).max(500).optional(),
  /** Module (narrowest bar, matrix cell) in printer dots at 203 dpi, scaled for 300 dpi. */
  moduleDots: z.number().int().min(1).max(20).optional(),
  /**
   * The box the symbol sits in: it is centred in it, and so is its human-readable text. Without
   * moduleDots the largest whole-dot module that fits is taken; with it, the module only shrinks
   * when the symbol would not fit.
   */
  targetWidthMm: mm.positive().optional(),
  /** Bar height of linear symbols (matrix symbols are square, sized by the module). */
  heightMm: mm.positive().max(200).default(15),
  /** Human-readable interpretation under the symbol. */
  hri: z.boolean().default(true),
  hriSize: z
    .object({ value: z.number().positive().max(50), unit: z.enum(['mm', 'pt']) })
    .default({ value: 2.6, unit: 'mm' }),
});

export const lineElement = z.object({
  ...base,
  kind: z.literal('line'),
  /** End point; lines are horizontal or vertical (thermal printers draw boxes, not slants). */
  x2: mm,
  y2: mm,
  thicknessMm: z.number().positive().max(20).default(0.4),
});

export const boxElement = z.object({
  ...base,
  kind: z.literal('box'),
  widthMm: mm.positive(),
  heightMm: mm.positive(),
  thicknessMm: z.number().positive().max(50).default(0.4),
  /** A filled box (black block). */
  filled: z.boolean().default(false),
});

export const imageElement = z.object({
  ...base,
  kind: z.literal('image'),
  widthMm: mm.positive(),
  heightMm: mm.positive(),
  /** PNG, base64 (no data: prefix); thermal outputs threshold it to 1 bit. */
  png: z
    .string()
    .min(8)
    .max(2_000_000)
    .regex(/^iVBORw0KGgo[A-Za-z0-9+/]*={0,2}$/, 'a base64 PNG'),
});

export const labelElement = z.discriminatedUnion('kind', [
  textElement,
  barcodeElement,
  lineElement,
  boxElement,
  imageElement,
]);

/** Custom issues carry a translation key (validation.<code>) next to the English message. */
function issue(path: (string | number)[], message: string, code: string) {
  return { code: 'custom' as const, path, message, params: { code: `label-${code}` } };
}

export const labelTemplate = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
    name: z.string().min(1).max(120),
    widthMm: z.number().min(10).max(300),
    heightMm: z.number().min(10).max(600),
    dpi: z.union([z.literal(203), z.literal(300)]).default(203),
    elements: z.array(labelElement).max(200),
  })
  .superRefine((t, ctx) => {
    const ids = new Set<string>();
    t.elements.forEach((e, i) => {
      if (ids.has(e.id)) ctx.addIssue(issue(['elements', i, 'id'], 'duplicate element id', 'duplicate-id'));
      ids.add(e.id);
      const right =
        e.kind === 'line' ? Math.max(e.x, e.x2) : e.kind === 'box' || e.kind === 'image' ? e.x + e.widthMm : e.x;
      const bottom =
        e.kind === 'line' ? Math.max(e.y, e.y2) : e.kind === 'box' || e.kind === 'image' ? e.y + e.heightMm : e.y;
      if (right > t.widthMm + 0.01 || bottom > t.heightMm + 0.01)
        ctx.addIssue(issue(['elements', i], 'outside the label', 'outside'));
      if (e.kind === 'text' && e.maxWidth !== undefined && e.x + e.maxWidth > t.widthMm + 0.01)
        ctx.addIssue(issue(['elements', i, 'maxWidth'], 'wider than the label', 'too-wide'));
      if (e.kind === 'text' && e.align !== 'left' && e.maxWidth === undefined)
        ctx.addIssue(issue(['elements', i, 'align'], 'centre/right alignment needs maxWidth', 'align-needs-width'));
      if (e.kind === 'line' && e.x !== e.x2 && e.y !== e.y2)
        ctx.addIssue(issue(['elements', i], 'lines are horizontal or vertical', 'slanted-line'));
      if (e.kind === 'barcode') {
        const isGs1 = e.symbology === 'gs1-128' || e.symbology === 'gs1-datamatrix';
        if (isGs1 !== (e.gs1 !== undefined) || (e.gs1 !== undefined) === (e.data !== undefined))
          ctx.addIssue(
            issue(['elements', i], 'GS1 symbologies bind `gs1` elements, others bind `data`', 'binding-kind'),
          );
        if (e.moduleDots === undefined && e.targetWidthMm === undefined)
          ctx.addIssue(issue(['elements', i], 'give moduleDots or targetWidthMm', 'barcode-size'));
        if (e.targetWidthMm !== undefined && e.x + e.targetWidthMm > t.widthMm + 0.01)
          ctx.addIssue(issue(['elements', i, 'targetWidthMm'], 'wider than the label', 'too-wide'));
      }
    });
  });

export type LabelTemplate = z.output<typeof labelTemplate>;
export type LabelTemplateInput = z.input<typeof labelTemplate>;
export type LabelElement = LabelTemplate['elements'][number];
export type TextElement = z.output<typeof textElement>;
export type BarcodeElement = z.output<typeof barcodeElement>;
export type LineElement = z.output<typeof lineElement>;
export type BoxElement = z.output<typeof boxElement>;
export type ImageElement = z.output<typeof imageElement>;
export type Symbology = BarcodeElement['symbology'];

export const MM_PER_PT = 25.4 / 72;

export function sizeToMm(size: { value: number; unit: 'mm' | 'pt' }): number {
  return size.unit === 'mm' ? size.value : size.value * MM_PER_PT;
}
