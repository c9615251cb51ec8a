import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.ts';
import { parseGs1 } from '../../core/gs1/parse.ts';
import { bindText, validateTemplate } from '../../core/labels/bind.ts';
import type { LabelData } from '../../core/labels/data.ts';
import { DEFAULT_TEMPLATES } from '../../core/labels/defaults.ts';
import { wrapText } from '../../core/labels/layout.ts';
import { SAMPLE_LABEL_DATA } from '../../core/labels/sample.ts';
import type { LabelTemplateInput } from '../../core/labels/template.ts';
import { boldCovers } from '../fonts/cjk.ts';
import { rasteriseTspl, code128mValues } from '../testing/tspl.ts';
import { zplToPngs } from '../testing/zpl.ts';
import { decodePng } from '../testing/zxing.ts';
import { code128Tokens, code128Values, tsplCode128Data, zplCode128Data } from './code128.ts';
import { LABEL_FORMATS, renderLabels } from './render.ts';

function caught(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

async function rejected(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

const base: LabelTemplateInput = {
  id: 'custom',
  name: 'Custom',
  widthMm: 100,
  heightMm: 60,
  elements: [{ id: 't', kind: 'text', x: 2, y: 2, text: '{from.name}', size: { value: 10, unit: 'pt' } }],
};

function withElements(...elements: LabelTemplateInput['elements']): LabelTemplateInput {
  return { ...base, elements };
}

describe('validateTemplate', () => {
  it('accepts every default template as stored JSON', () => {
    for (const t of DEFAULT_TEMPLATES) expect(validateTemplate(JSON.parse(JSON.stringify(t)))).toEqual(t);
  });

  it.each([
    ['a label smaller than 10 mm', { ...base, widthMm: 5 }, 'widthMm'],
    ['an unknown dpi', { ...base, dpi: 600 }, 'dpi'],
    [
      'an element outside the label',
      withElements({ id: 'b', kind: 'box', x: 90, y: 10, widthMm: 20, heightMm: 5 }),
      'elements.0',
    ],
    [
      'two elements with one id',
      withElements(
        { id: 'a', kind: 'line', x: 0, y: 1, x2: 10, y2: 1 },
        { id: 'a', kind: 'line', x: 0, y: 2, x2: 10, y2: 2 },
      ),
      'elements.1.id',
    ],
    ['a slanted line', withElements({ id: 'l', kind: 'line', x: 0, y: 0, x2: 10, y2: 10 }), 'elements.0'],
    [
      'a GS1 symbology bound to plain data',
      withElements({ id: 'c', kind: 'barcode', symbology: 'gs1-128', x: 0, y: 0, moduleDots: 2, data: '{sscc}' }),
      'elements.0',
    ],
    [
      'a barcode with no size',
      withElements({ id: 'c', kind: 'barcode', symbology: 'code128', x: 0, y: 0, data: '{sscc}' }),
      'elements.0',
    ],
    [
      'centred text without a width',
      withElements({ id: 't', kind: 'text', x: 0, y: 0, text: 'x', size: { value: 3, unit: 'mm' }, align: 'center' }),
      'elements.0.align',
    ],
    [
      'an image that is not a PNG',
      withElements({ id: 'i', kind: 'image', x: 0, y: 0, widthMm: 5, heightMm: 5, png: '/9j/4AAQSkZJRgABAQ' }),
      'elements.0.png',
    ],
  ])('refuses %s (label.invalid-template)', (_what, input, path) => {
    const err = caught(() => validateTemplate(input));
    expect(err.code).toBe('label.invalid-template');
    expect(err.details?.fields?.map((f) => f.path)).toContain(path);
  });

  it.each([
    [
      'a text placeholder',
      withElements({ id: 't', kind: 'text', x: 0, y: 0, text: 'To: {to.nmae}', size: { value: 3, unit: 'mm' } }),
      'to.nmae',
    ],
    [
      'a GS1 binding',
      withElements({
        id: 'c',
        kind: 'barcode',
        symbology: 'gs1-128',
        x: 0,
        y: 0,
        moduleDots: 2,
        gs1: [{ ai: '00', field: 'ssc' }],
      }),
      'ssc',
    ],
    [
      'a when condition',
      withElements({
        id: 't',
        kind: 'text',
        x: 0,
        y: 0,
        text: 'x',
        size: { value: 3, unit: 'mm' },
        when: 'content.lot',
      }),
      'content.lot',
    ],
  ])('refuses an unknown field in %s (label.unknown-field)', (_what, input, field) => {
    const err = caught(() => validateTemplate(input));
    expect(err.code).toBe('label.unknown-field');
    expect(err.details?.['field']).toBe(field);
  });
});

describe('barcode data', () => {
  const template = DEFAULT_TEMPLATES[0]!;
  const badGtin: LabelData = {
    ...SAMPLE_LABEL_DATA,
    content: { ...SAMPLE_LABEL_DATA.content!, gtin: '06901234000154' },
  };
  const chineseBatch: LabelData = { ...SAMPLE_LABEL_DATA, content: { ...SAMPLE_LABEL_DATA.content!, batch: '批次7' } };
  const badSscc: LabelData = { ...SAMPLE_LABEL_DATA, sscc: '369012340000001237' };

  it.each(LABEL_FORMATS)('%s: a GTIN with a wrong check digit is refused as label.barcode-invalid', async (format) => {
    // Jobs check every carton (the bad one is second); previews draw the first data item only.
    const data = format === 'svg' || format === 'png' ? [badGtin] : [SAMPLE_LABEL_DATA, badGtin];
    const err = await rejected(renderLabels(template, data, format));
    expect(err.code).toBe('label.barcode-invalid');
    expect(err.details).toMatchObject({ element: 'content-barcode', cause: 'gs1.bad-check-digit' });
  });

  it('a batch outside the GS1 character set and a bad SSCC are refused, naming the element', async () => {
    const batch = await rejected(renderLabels(template, [chineseBatch], 'png'));
    expect(batch.code).toBe('label.barcode-invalid');
    expect(batch.details).toMatchObject({ element: 'content-barcode', cause: 'gs1.bad-characters' });
    const sscc = await rejected(renderLabels(template, [badSscc], 'zpl'));
    expect(sscc.details).toMatchObject({ element: 'sscc-barcode', cause: 'gs1.bad-check-digit' });
  });

  it('a symbol that cannot fit its box in whole dots is refused, not squeezed', async () => {
    const narrow = validateTemplate(
      withElements({
        id: 'c',
        kind: 'barcode',
        symbology: 'gs1-128',
        x: 1,
        y: 1,
        targetWidthMm: 10,
        gs1: [{ ai: '00', field: 'sscc' }],
      }),
    );
    const err = await rejected(renderLabels(narrow, [SAMPLE_LABEL_DATA], 'zpl'));
    expect(err.code).toBe('label.barcode-invalid');
    expect(err.details).toMatchObject({ element: 'c', reason: 'too-wide' });
  });

  it('Code 128 refuses text outside printable ASCII', async () => {
    const t = validateTemplate(
      withElements({ id: 'c', kind: 'barcode', symbology: 'code128', x: 1, y: 1, moduleDots: 2, data: '{from.name}' }),
    );
    const err = await rejected(renderLabels(t, [SAMPLE_LABEL_DATA], 'pdf'));
    expect(err.code).toBe('label.barcode-invalid');
  });

  it('label data that is not LabelData, or none at all, is refused before rendering', async () => {
    const err = await rejected(renderLabels(template, [{ ...SAMPLE_LABEL_DATA, sscc: '12' }], 'zpl'));
    expect(err.code).toBe('validation.invalid-input');
    expect(err.details?.fields?.[0]?.path).toBe('0.sscc');
    expect((await rejected(renderLabels(template, [], 'pdf'))).code).toBe('validation.invalid-input');
  });
});

describe('custom template: Code 128, QR, image, box', () => {
  const png = new PNG({ width: 8, height: 8 });
  png.data.fill(0);
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;
  const template = validateTemplate({
    ...base,
    heightMm: 80,
    elements: [
      {
        id: 'logo',
        kind: 'image',
        x: 80,
        y: 2,
        widthMm: 10,
        heightMm: 10,
        png: PNG.sync.write(png).toString('base64'),
      },
      { id: 'frame', kind: 'box', x: 1, y: 1, widthMm: 98, heightMm: 78, thicknessMm: 0.5 },
      {
        id: 'asn',
        kind: 'barcode',
        symbology: 'code128',
        x: 5,
        y: 5,
        moduleDots: 2,
        heightMm: 12,
        data: '{asnNumber}',
      },
      { id: 'qr', kind: 'barcode', symbology: 'qrcode', x: 5, y: 30, moduleDots: 4, data: 'ASN {asnNumber} {sscc}' },
    ],
  });

  it.each(['zpl', 'tspl', 'png', 'pdf'] as const)('%s decodes both symbols', async (format) => {
    const bytes = await renderLabels(template, [SAMPLE_LABEL_DATA], format);
    let image: Uint8Array;
    if (format === 'zpl') image = (await zplToPngs(Buffer.from(bytes).toString(), 100, 80, 203))[0]!;
    else if (format === 'tspl') image = rasteriseTspl(bytes, 203)[0]!.png;
    else if (format === 'pdf') image = (await (await import('../testing/pdf.ts')).pdfToPngs(bytes))[0]!;
    else image = bytes;
    const texts = (await decodePng(image)).map((d) => [d.format, d.text]);
    expect(texts).toEqual([
      ['Code128', 'ASN-000042'],
      ['QRCode', 'ASN ASN-000042 369012340000001236'],
    ]);
  });
});

describe('Code 128 code sets', () => {
  it('starts in C with FNC1, goes to B for letters and back to C for a long digit run', () => {
    const tokens = code128Tokens('0206901234000153\x1d10L240601-A', true);
    expect(zplCode128Data(code128Tokens('0206901234000153\x1d10L240601-A', true, false))).toBe(
      '>;>80206901234000153>810>6L240601-A',
    );
    expect(tsplCode128Data(tokens)).toBe('!105!1020206901234000153!10210!100L!099240601!100-A');
    // The test interpreter reads back the same symbol values we computed.
    expect(code128mValues(tsplCode128Data(tokens))).toEqual(code128Values(tokens));
  });

  it('leaves the first digit of an odd run in B', () => {
    // (400)PO12345: "40" in C, "0PO1" in B, then "2345" as pairs in C.
    expect(tsplCode128Data(code128Tokens('400PO12345', true))).toBe('!105!10240!1000PO1!0992345');
  });
});

describe('text', () => {
  it('wraps CJK anywhere and Latin at spaces, to at most maxLines lines', () => {
    expect(wrapText('码头边仓储 Dockside Warehouse 3 号库', 10, false, 3)).toEqual([
      '码头边仓储 Dockside',
      'Warehouse 3 号库',
    ]);
    expect(wrapText('一二三四五六七八九十', 4, false, 2)).toEqual(['一二三四', '五六七八']);
    expect(wrapText('line 1\nline 2', null, false, 5)).toEqual(['line 1', 'line 2']);
  });

  it('binds fields, leaves literal braces, and prints null as nothing', () => {
    expect(bindText('{{ {unit.index} / {unit.count} }}', SAMPLE_LABEL_DATA)).toBe('{ 2 / 5 }');
    expect(bindText('PO {purchaseOrder}', { ...SAMPLE_LABEL_DATA, purchaseOrder: null })).toBe('PO ');
    expect(bindText('{from.address.1}', SAMPLE_LABEL_DATA)).toBe('Zhangjiang Rd 88, Pudong, Shanghai');
  });

  it('sets bold only when the bold subset has every hanzi (GB2312 level 1)', () => {
    expect(boldCovers('上海东岸食品 ABC')).toBe(true);
    // 亍 is GB2312 level 2 (0xD8A1): the bold subset leaves it out.
    expect(boldCovers('亍')).toBe(false);
  });
});

it('the SSCC the default label prints parses as the same SSCC', async () => {
  const zpl = Buffer.from(await renderLabels(DEFAULT_TEMPLATES[1]!, [SAMPLE_LABEL_DATA], 'zpl')).toString();
  const [png] = await zplToPngs(zpl, 105, 148, 203);
  const last = (await decodePng(png!)).at(-1)!;
  expect(parseGs1(last.scan).elements).toMatchObject([{ ai: '00', raw: SAMPLE_LABEL_DATA.sscc }]);
});
