import pdfmake from 'pdfmake';
import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces';
import type { LabelData } from '../../core/labels/data.ts';
import { textWidthEm, type TextLine } from '../../core/labels/layout.ts';
import type { LabelTemplate } from '../../core/labels/template.ts';
import { cjkFonts } from '../fonts/cjk.ts';
import { barcodeRects, dotsPerMm } from './barcodes.ts';
import { effectiveBold } from './bitmap.ts';
import { buildScene } from './scene.ts';

/**
 * PDF for office printers and label sheets, through pdfmake (server side, promise API) with the
 * bundled CJK font embedded (pdfkit subsets it to the glyphs used). Every item is absolutely
 * positioned from the shared layout; barcodes are vector rectangles on the same whole-dot grid
 * as the thermal outputs (at `dpi`), which prints crisply on any laser printer.
 */

const PT_PER_MM = 72 / 25.4;
/** pdfkit puts the baseline at the top of the line box + hhea ascent (1.16 em in Noto Sans CJK). */
const PDF_ASCENT = 1.16;
const FAMILY = 'NotoSansCJKsc';
const REGULAR_VFS = 'oms-cjk-regular.otf';
const BOLD_VFS = 'oms-cjk-bold.otf';

interface VirtualFs {
  writeFileSync(name: string, content: Buffer): void;
  existsSync(name: string): boolean;
}

let configured = false;

function configure(): void {
  if (configured) return;
  const fonts = cjkFonts();
  // pdfmake's server build reads fonts by name from its virtual file system; URLs and local
  // files are refused outright, so a document definition can never make it read the disk.
  const vfs = (pdfmake as unknown as { virtualfs: VirtualFs }).virtualfs;
  vfs.writeFileSync(REGULAR_VFS, fonts.regular);
  vfs.writeFileSync(BOLD_VFS, fonts.bold);
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy(() => false);
  pdfmake.setFonts({
    [FAMILY]: { normal: REGULAR_VFS, bold: BOLD_VFS, italics: REGULAR_VFS, bolditalics: BOLD_VFS },
  });
  configured = true;
}

const pt = (mm: number) => mm * PT_PER_MM;

function text(line: TextLine): Content {
  const bold = effectiveBold(line);
  let x = line.x;
  if (line.width !== null && line.align !== 'left') {
    const free = line.width - textWidthEm(line.text, bold) * line.sizeMm;
    x += line.align === 'center' ? free / 2 : free;
  }
  const size = pt(line.sizeMm);
  return {
    text: line.text,
    font: FAMILY,
    bold,
    fontSize: size,
    lineHeight: 1,
    noWrap: true,
    absolutePosition: { x: pt(x), y: pt(line.baseline) - PDF_ASCENT * size },
  };
}

function page(template: LabelTemplate, data: LabelData, dpi: number, first: boolean): Content[] {
  const dpmm = dotsPerMm(dpi);
  const scene = buildScene(template, data, dpi, true);
  const rects: { type: 'rect'; x: number; y: number; w: number; h: number; color: string }[] = [];
  const rect = (x: number, y: number, w: number, h: number) =>
    rects.push({ type: 'rect', x: pt(x), y: pt(y), w: pt(w), h: pt(h), color: 'black' });
  const lines: { type: 'rect'; x: number; y: number; w: number; h: number; lineWidth: number; lineColor: string }[] =
    [];
  for (const r of scene.rules) rect(r.x, r.y, r.widthMm, r.heightMm);
  for (const b of scene.boxes) {
    if (b.filled) rect(b.x, b.y, b.widthMm, b.heightMm);
    else {
      const t = b.thicknessMm;
      lines.push({
        type: 'rect',
        x: pt(b.x + t / 2),
        y: pt(b.y + t / 2),
        w: pt(b.widthMm - t),
        h: pt(b.heightMm - t),
        lineWidth: pt(t),
        lineColor: 'black',
      });
    }
  }
  for (const b of scene.barcodes) for (const r of barcodeRects(b)) rect(r.x / dpmm, r.y / dpmm, r.w / dpmm, r.h / dpmm);
  const out: Content[] = [];
  if (!first) out.push({ text: '', pageBreak: 'before' });
  out.push({ canvas: [...rects, ...lines], absolutePosition: { x: 0, y: 0 } });
  for (const img of scene.images)
    out.push({
      image: `data:image/png;base64,${img.png}`,
      width: pt(img.widthMm),
      height: pt(img.heightMm),
      absolutePosition: { x: pt(img.x), y: pt(img.y) },
    });
  for (const t of scene.texts) out.push(text(t));
  return out;
}

export async function renderPdf(template: LabelTemplate, data: readonly LabelData[], dpi: number): Promise<Uint8Array> {
  configure();
  const doc: TDocumentDefinitions = {
    pageSize: { width: pt(template.widthMm), height: pt(template.heightMm) },
    pageMargins: 0,
    info: { title: template.name, creator: 'Dockside OMS' },
    defaultStyle: { font: FAMILY },
    content: data.flatMap((d, i) => page(template, d, dpi, i === 0)),
  };
  const buffer = await pdfmake.createPdf(doc).getBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
