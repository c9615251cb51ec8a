import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { parseGs1 } from '../../core/gs1/parse.ts';
import type { LabelData } from '../../core/labels/data.ts';
import { DEFAULT_TEMPLATES } from '../../core/labels/defaults.ts';
import { SAMPLE_LABEL_DATA } from '../../core/labels/sample.ts';
import type { LabelTemplate } from '../../core/labels/template.ts';
import { cjkFonts } from '../fonts/cjk.ts';
import { pdfText, pdfToPngs } from '../testing/pdf.ts';
import { rasteriseTspl } from '../testing/tspl.ts';
import { zplToPngs } from '../testing/zpl.ts';
import { decodePng } from '../testing/zxing.ts';
import { renderLabels, type LabelFormat } from './render.ts';

/**
 * Every default template × every format: render, turn into an image the way a printer or a
 * viewer would, decode with zxing, parse with our GS1 parser and compare with the source data.
 */

/** A mixed carton (no single content) and no PO: only the SSCC barcode must be printed. */
const MIXED: LabelData = {
  ...SAMPLE_LABEL_DATA,
  sscc: '069012340000004212',
  content: null,
  purchaseOrder: null,
  unit: { kind: 'pallet', index: 1, count: 1 },
};

/** Another carton: other Chinese names, a batch that forces code-set switches, day-00 expiry. */
const SECOND: LabelData = {
  ...SAMPLE_LABEL_DATA,
  sscc: '369012340000001243',
  from: { ...SAMPLE_LABEL_DATA.from, name: '广州南沙冷链物流有限公司' },
  purchaseOrder: 'PO7788',
  content: {
    ...SAMPLE_LABEL_DATA.content!,
    gtin: '06901234000221',
    count: 1200,
    batch: 'B12345X9',
    expiry: '2026-03-00',
  },
};

const CARTONS = [SAMPLE_LABEL_DATA, MIXED, SECOND];

function yymmdd(date: string): string {
  return date.slice(2, 4) + date.slice(5, 7) + date.slice(8, 10);
}

/** What each carton's barcodes must carry, top to bottom, as AI → raw value. */
function expectedBarcodes(template: LabelTemplate, d: LabelData): Record<string, string>[] {
  const content: Record<string, string> = {};
  if (d.content) {
    content['02'] = d.content.gtin;
    if (d.content.expiry) content['17'] = yymmdd(d.content.expiry);
    content['37'] = String(d.content.count);
    if (d.content.batch) content['10'] = d.content.batch;
  }
  const sscc = { '00': d.sscc };
  const out: Record<string, string>[] = [];
  if (template.id.endsWith('-dm')) {
    const dm = { ...sscc, ...content, ...(d.purchaseOrder ? { '400': d.purchaseOrder } : {}) };
    out.push(dm);
  } else {
    if (d.content) out.push(content);
    if (d.purchaseOrder) out.push({ '400': d.purchaseOrder });
  }
  out.push(sscc);
  return out;
}

async function images(template: LabelTemplate, format: LabelFormat, data: LabelData[], dpi: 203 | 300) {
  const bytes = await renderLabels(template, data, format, { dpi });
  switch (format) {
    case 'zpl':
      return {
        bytes,
        pngs: await zplToPngs(Buffer.from(bytes).toString('utf8'), template.widthMm, template.heightMm, dpi),
      };
    case 'tspl':
      return { bytes, pngs: rasteriseTspl(bytes, dpi).map((r) => r.png) };
    case 'pdf':
      return { bytes, pngs: await pdfToPngs(bytes, 300) };
    case 'png':
      return { bytes, pngs: [Buffer.from(bytes)] };
    case 'svg': {
      const fonts = cjkFonts();
      const png = new Resvg(Buffer.from(bytes).toString('utf8'), {
        fitTo: { mode: 'zoom', value: 12 },
        font: { fontFiles: [fonts.regularPath, fonts.boldPath], loadSystemFonts: false },
      })
        .render()
        .asPng();
      return { bytes, pngs: [png] };
    }
  }
}

function asRecord(scan: string): { symbology: string | null; elements: Record<string, string> } {
  const message = parseGs1(scan);
  return { symbology: message.symbology, elements: Object.fromEntries(message.elements.map((e) => [e.ai, e.raw])) };
}

const MULTI: LabelFormat[] = ['zpl', 'tspl', 'pdf'];
const SINGLE: LabelFormat[] = ['png', 'svg'];

describe.each(DEFAULT_TEMPLATES.map((t) => [t.id, t] as const))('%s', (_id, template) => {
  it.each(MULTI)('%s: every carton of a job decodes to its own data, SSCC lowest', async (format) => {
    const { pngs } = await images(template, format, CARTONS, 203);
    expect(pngs).toHaveLength(CARTONS.length);
    for (const [i, png] of pngs.entries()) {
      const decoded = await decodePng(png);
      const got = decoded.map((d) => asRecord(d.scan));
      expect(got.map((g) => g.elements)).toEqual(expectedBarcodes(template, CARTONS[i]!));
      // The lowest symbol is the SSCC GS1-128, read as GS1 (]C1), not as plain Code 128.
      expect(got.at(-1)!.symbology).toBe('gs1-128');
      if (template.id.endsWith('-dm')) expect(got[0]!.symbology).toBe('gs1-datamatrix');
    }
  });

  it.each(SINGLE)('%s: the preview decodes to the sample data', async (format) => {
    const { pngs } = await images(template, format, [SAMPLE_LABEL_DATA], 203);
    const got = (await decodePng(pngs[0]!)).map((d) => asRecord(d.scan).elements);
    expect(got).toEqual(expectedBarcodes(template, SAMPLE_LABEL_DATA));
  });
});

describe('300 dpi', () => {
  const template = DEFAULT_TEMPLATES[0]!;
  it.each(['zpl', 'tspl', 'png'] as const)('%s decodes at 300 dpi', async (format) => {
    const { pngs } = await images(template, format, [SECOND], 300);
    const got = (await decodePng(pngs[0]!)).map((d) => asRecord(d.scan).elements);
    expect(got).toEqual(expectedBarcodes(template, SECOND));
  });
});

describe('Chinese text', () => {
  const template = DEFAULT_TEMPLATES[0]!;

  it('PDF embeds the CJK font: the text layer holds the Chinese titles and names', async () => {
    const text = await pdfText(await renderLabels(template, [SAMPLE_LABEL_DATA, SECOND], 'pdf'));
    expect(text).toContain('发货方');
    expect(text).toContain('收货方');
    expect(text).toContain('上海东岸食品有限公司');
    expect(text).toContain('广州南沙冷链物流有限公司');
    expect(text).toContain('冷冻水饺');
  });

  it('ZPL carries Chinese as ^GF bitmaps (one label) and stored ~DG graphics recalled by ^XG (a job)', async () => {
    const one = Buffer.from(await renderLabels(template, [SAMPLE_LABEL_DATA], 'zpl')).toString('utf8');
    expect(one).toMatch(/\^GFA,\d+,\d+,\d+,/);
    expect(one).not.toMatch(/[\u4e00-\u9fff]/);
    // ASCII-only lines use the printer font.
    expect(one).toContain('^A0N,');
    const job = Buffer.from(
      await renderLabels(template, [SAMPLE_LABEL_DATA, SECOND, SAMPLE_LABEL_DATA], 'zpl'),
    ).toString('utf8');
    const downloads = job.match(/~DGR:OMS[0-9A-Z]+\.GRF/g) ?? [];
    expect(downloads.length).toBeGreaterThan(0);
    expect(new Set(downloads).size).toBe(downloads.length);
    // The third label is the first again: it recalls, it downloads nothing new.
    const labels = job.split('^XA');
    expect(labels.at(-1)).not.toContain('~DG');
    expect(labels.at(-1)).toMatch(/\^XGR:OMS/);
  });

  it('ZPL bitmaps render: the sender block has ink where the Chinese name is', async () => {
    const { pngs } = await images(template, 'zpl', [SAMPLE_LABEL_DATA], 203);
    const { PNG } = await import('pngjs');
    const img = PNG.sync.read(pngs[0]!);
    let dark = 0;
    // The sender's name: x 3–50 mm, y 6–14 mm at 8 dots/mm.
    for (let y = 6 * 8; y < 14 * 8; y += 1)
      for (let x = 3 * 8; x < 50 * 8; x += 1) if (img.data[(y * img.width + x) * 4]! < 128) dark += 1;
    expect(dark).toBeGreaterThan(500);
  });

  it('TSPL carries Chinese as BITMAP commands, ASCII as TEXT', async () => {
    const job = await renderLabels(template, [SAMPLE_LABEL_DATA], 'tspl');
    const commands = rasteriseTspl(job, 203)[0]!.commands;
    expect(commands.filter((c) => c.startsWith('BITMAP')).length).toBeGreaterThan(5);
    expect(commands.some((c) => c.startsWith('TEXT ') && c.includes('369012340000001236'))).toBe(true);
  });

  it('SVG keeps the Chinese as text for the editor', async () => {
    const svg = Buffer.from(await renderLabels(template, [SAMPLE_LABEL_DATA], 'svg')).toString('utf8');
    expect(svg).toContain('>发货方 FROM<');
    expect(svg).toContain('上海东岸食品有限公司');
  });
});
