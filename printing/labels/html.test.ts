import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.ts';
import { parseGs1 } from '../../core/gs1/parse.ts';
import type { LabelData } from '../../core/labels/data.ts';
import { DEFAULT_TEMPLATES } from '../../core/labels/defaults.ts';
import { SAMPLE_LABEL_DATA } from '../../core/labels/sample.ts';
import { cjkFonts } from '../fonts/cjk.ts';
import { pdfText, pdfToPngs } from '../testing/pdf.ts';
import { decodePng } from '../testing/zxing.ts';
import { embedLabelFonts, renderLabelsHtml } from './html.ts';
import { pngFromSvg } from './svg.ts';

const run = promisify(execFile);

const CARTONS: LabelData[] = [
  SAMPLE_LABEL_DATA,
  {
    ...SAMPLE_LABEL_DATA,
    sscc: '369012340000001243',
    from: { ...SAMPLE_LABEL_DATA.from, name: '广州南沙冷链物流有限公司' },
  },
  { ...SAMPLE_LABEL_DATA, sscc: '069012340000004212', content: null, purchaseOrder: null },
];

const svgs = (html: string) => [...html.matchAll(/<div class="label">(<svg[\s\S]*?<\/svg>)<\/div>/g)].map((m) => m[1]!);

/** The one SSCC (AI 00) the symbols zxing finds carry (a DataMatrix may repeat it); null if none. */
async function ssccIn(png: Uint8Array): Promise<string | null> {
  const found = new Set<string>();
  for (const d of await decodePng(png)) {
    const sscc = parseGs1(d.scan).elements.find((e) => e.ai === '00');
    if (sscc) found.add(sscc.raw);
  }
  expect(found.size).toBeLessThanOrEqual(1);
  return [...found][0] ?? null;
}

describe('renderLabelsHtml (labels for OS printers)', () => {
  it.each(DEFAULT_TEMPLATES.map((t) => [t.id, t] as const))(
    '%s: one page of the exact label size per carton, each decodes to its SSCC',
    async (_id, template) => {
      const html = renderLabelsHtml(template, CARTONS);
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).toContain(`@page { size: ${template.widthMm}mm ${template.heightMm}mm; margin: 0 }`);
      expect(html).toContain(
        `.label{width:${template.widthMm}mm;height:${template.heightMm}mm;page-break-after:always;`,
      );
      const pages = svgs(html);
      expect(pages).toHaveLength(CARTONS.length);
      for (const [i, svg] of pages.entries()) {
        expect(svg).toContain(`width="${template.widthMm}mm" height="${template.heightMm}mm"`);
        const png = pngFromSvg(svg, template.widthMm, template.dpi);
        expect(await ssccIn(png)).toBe(CARTONS[i]!.sscc);
      }
      expect(pages[1]).toContain('广州南沙冷链物流有限公司');
    },
  );

  it('carries the bundled font as data: URLs (bold only when a line is bold); the queue stores it without', () => {
    const template = DEFAULT_TEMPLATES[0]!;
    const bare = renderLabelsHtml(template, [SAMPLE_LABEL_DATA], { embedFonts: false });
    expect(bare).toContain('<!--oms:label-fonts-->');
    expect(bare).not.toContain('@font-face');
    expect(bare.length).toBeLessThan(100_000);

    const full = embedLabelFonts(bare);
    expect(full).toBe(renderLabelsHtml(template, [SAMPLE_LABEL_DATA]));
    expect(full).not.toContain('<!--oms:label-fonts-->');
    const faces = [...full.matchAll(/font-weight:(\d+);src:url\(data:font\/otf;base64,([A-Za-z0-9+/=]+)\)/g)];
    expect(faces.map((f) => f[1])).toEqual(['400', '700']);
    expect(Buffer.from(faces[0]![2]!, 'base64').equals(cjkFonts().regular)).toBe(true);
    expect(Buffer.from(faces[1]![2]!, 'base64').equals(cjkFonts().bold)).toBe(true);
    // Already embedded, or a document of someone else: left as it is.
    expect(embedLabelFonts(full)).toBe(full);

    const noBold = embedLabelFonts(bare.replaceAll(' font-weight="700"', ''));
    expect([...noBold.matchAll(/@font-face\{[^}]*font-weight:(\d+)/g)].map((m) => m[1])).toEqual(['400']);
  });

  it('refuses no data and invalid data', () => {
    const template = DEFAULT_TEMPLATES[0]!;
    const none = (() => {
      try {
        renderLabelsHtml(template, []);
      } catch (err) {
        return err;
      }
    })();
    expect(none).toBeInstanceOf(AppError);
    expect((none as AppError).code).toBe('validation.invalid-input');
    let bad: unknown;
    try {
      renderLabelsHtml(template, [{ ...SAMPLE_LABEL_DATA, sscc: 'x' } as LabelData]);
    } catch (err) {
      bad = err;
    }
    expect(bad).toBeInstanceOf(AppError);
    expect((bad as AppError).details?.['fields']).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: '0.sscc' })]),
    );
  });

  /*
   * Electron cannot run here, but its printing is Chromium's: Debian Chromium prints the same
   * document to PDF on a machine whose only fonts are Latin (DejaVu), so every hanzi printed
   * came from the embedded font, and the pages must be exactly the label's size.
   */
  it('prints in Chromium on the exact page size, Chinese from the embedded font, barcodes decodable', async () => {
    const template = DEFAULT_TEMPLATES.find((t) => t.id === 'gs1-logistic-4x6')!;
    const dir = await mkdtemp(join(tmpdir(), 'oms-html-'));
    try {
      await writeFile(join(dir, 'labels.html'), renderLabelsHtml(template, CARTONS));
      await writeFile(
        join(dir, 'fonts.conf'),
        `<?xml version="1.0"?><fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>${dir}/fc</cachedir></fontconfig>`,
      );
      const pdfPath = join(dir, 'labels.pdf');
      await run(
        '/usr/bin/chromium',
        [
          '--headless=new',
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          `--user-data-dir=${join(dir, 'profile')}`,
          '--no-pdf-header-footer',
          `--print-to-pdf=${pdfPath}`,
          `file://${join(dir, 'labels.html')}`,
        ],
        { env: { ...process.env, FONTCONFIG_FILE: join(dir, 'fonts.conf') }, timeout: 60_000 },
      );
      const pdf = await readFile(pdfPath);
      const { stdout: info } = await run('pdfinfo', [pdfPath]);
      expect(info).toMatch(/^Pages:\s+3$/m);
      // 4 × 6 in = 288 × 432 pt, on every page.
      const { stdout: sizes } = await run('pdfinfo', ['-f', '1', '-l', '3', pdfPath]);
      const pageSizes = [...sizes.matchAll(/Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/g)].map((m) => [
        Number(m[1]),
        Number(m[2]),
      ]);
      expect(pageSizes).toHaveLength(3);
      for (const [w, h] of pageSizes) {
        expect(w).toBeCloseTo((template.widthMm / 25.4) * 72, 1);
        expect(h).toBeCloseTo((template.heightMm / 25.4) * 72, 1);
      }
      const { stdout: fonts } = await run('pdffonts', [pdfPath]);
      expect(fonts).not.toMatch(/DejaVu/);
      const text = await pdfText(pdf);
      expect(text).toContain('上海东岸食品有限公司');
      expect(text).toContain('广州南沙冷链物流有限公司');
      const pngs = await pdfToPngs(pdf, 300);
      expect(pngs).toHaveLength(3);
      for (const [i, png] of pngs.entries()) expect(await ssccIn(png)).toBe(CARTONS[i]!.sscc);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
