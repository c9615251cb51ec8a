import { FNC1_GS } from '../../core/gs1/build.ts';
import type { LabelData } from '../../core/labels/data.ts';
import { MM_PER_PT, type LabelTemplate } from '../../core/labels/template.ts';
import type { TextLine } from '../../core/labels/layout.ts';
import { dotsPerMm } from './barcodes.ts';
import { imageBitmap, isPrinterFontText, lineLeftDots, monochromeBmp, textBitmap, type Bitmap } from './bitmap.ts';
import { tsplCode128Data } from './code128.ts';
import { buildScene } from './scene.ts';

/**
 * TSPL/TSPL2 (TSC, Gprinter, Xprinter, HPRT…). Barcodes through the printer's commands:
 * GS1-128 as BARCODE "128M" with our own code sets (!105 start C, !102 FNC1, !099/!100
 * switches), GS1 DataMatrix as DMATRIX with `~` as escape (`~1` = FNC1). ASCII text in the
 * scalable font "0"; other text as a bitmap drawn with the bundled CJK font, which needs no
 * printer-resident Chinese font and no GBK conversion.
 */

/**
 * How text bitmaps travel. 'stored': a bitmap used more than once in the job (titles, the
 * sender and receiver of a batch) is sent once at the start as a BMP file in the printer's DRAM
 * (`DOWNLOAD "T0001.BMP",size,data`) and drawn with PUTBMP on every label; bitmaps used once stay
 * inline. 'inline': every bitmap as BITMAP on every label, for printers without DOWNLOAD.
 */
export type TsplTextMode = 'stored' | 'inline';

export interface TsplOptions {
  /** Gap between labels (GAP), mm; 0 for continuous media. */
  gapMm?: number;
  /** Default 'stored'. */
  tsplTextMode?: TsplTextMode;
}

/**
 * Most files one job stores. TSC's manual allows 50 files in DRAM (Gprinter's 256); DRAM files
 * stay until power-off, so 40 leaves room for files the customer keeps there. Names are reused
 * job after job (T0001.BMP…), so repeated jobs never hold more than this many of ours.
 */
export const TSPL_MAX_STORED_FILES = 40;

/** TSPL strings: a double quote is written \["]. */
function quoted(s: string): string {
  return `"${s.replaceAll('"', '\\["]')}"`;
}

const invertedCache = new WeakMap<Bitmap, Buffer>();

/** BITMAP data: TSPL prints a 0 bit and leaves a 1 bit white, the inverse of our bitmaps. */
function bitmapCommand(x: number, y: number, b: Bitmap): Buffer {
  let data = invertedCache.get(b);
  if (data === undefined) {
    data = Buffer.alloc(b.data.length);
    for (let i = 0; i < b.data.length; i += 1) data[i] = ~b.data[i]! & 0xff;
    // Padding bits past the width stay white.
    invertedCache.set(b, data);
  }
  return Buffer.concat([
    Buffer.from(`BITMAP ${x},${y},${b.rowBytes},${b.height},0,`, 'latin1'),
    data,
    Buffer.from('\r\n'),
  ]);
}

/** A bitmap placed on a label, written as BITMAP or PUTBMP once the job knows what it stores. */
interface Placed {
  x: number;
  y: number;
  bitmap: Bitmap;
}

type Part = Buffer | Placed;

function text(line: TextLine, dpi: number): Part {
  const dpmm = dotsPerMm(dpi);
  const top = Math.round(line.top * dpmm);
  if (isPrinterFontText(line.text)) {
    const pt = Math.max(6, Math.round(line.sizeMm / MM_PER_PT));
    const x = Math.round(line.x * dpmm);
    if (line.width === null || line.align === 'left')
      return Buffer.from(`TEXT ${x},${top},"0",0,${pt},${pt},${quoted(line.text)}\r\n`, 'latin1');
    // Alignment 2 (centre) / 3 (right) anchors the text at x.
    const anchor = Math.round((line.x + (line.align === 'center' ? line.width / 2 : line.width)) * dpmm);
    return Buffer.from(
      `TEXT ${anchor},${top},"0",0,${pt},${pt},${line.align === 'center' ? 2 : 3},${quoted(line.text)}\r\n`,
      'latin1',
    );
  }
  return { x: lineLeftDots(line, dpi), y: top, bitmap: textBitmap(line, dpi) };
}

function dataMatrixData(data: string): string {
  return '~1' + data.replaceAll('~', '~~').replaceAll(FNC1_GS, '~1');
}

function labelParts(template: LabelTemplate, data: LabelData, dpi: number, options: TsplOptions): Part[] {
  const dpmm = dotsPerMm(dpi);
  const scene = buildScene(template, data, dpi, false, true);
  const parts: Part[] = [
    Buffer.from(
      `SIZE ${template.widthMm} mm,${template.heightMm} mm\r\nGAP ${options.gapMm ?? 3} mm,0 mm\r\n` +
        `DIRECTION 0\r\nREFERENCE 0,0\r\nCLS\r\n`,
      'latin1',
    ),
  ];
  const line = (s: string) => parts.push(Buffer.from(`${s}\r\n`, 'latin1'));
  for (const r of scene.rules)
    line(
      `BAR ${Math.round(r.x * dpmm)},${Math.round(r.y * dpmm)},${Math.max(1, Math.round(r.widthMm * dpmm))},${Math.max(1, Math.round(r.heightMm * dpmm))}`,
    );
  for (const b of scene.boxes) {
    const x = Math.round(b.x * dpmm);
    const y = Math.round(b.y * dpmm);
    const w = Math.max(1, Math.round(b.widthMm * dpmm));
    const h = Math.max(1, Math.round(b.heightMm * dpmm));
    if (b.filled) line(`BAR ${x},${y},${w},${h}`);
    else line(`BOX ${x},${y},${x + w},${y + h},${Math.max(1, Math.round(b.thicknessMm * dpmm))}`);
  }
  for (const img of scene.images)
    parts.push({ x: Math.round(img.x * dpmm), y: Math.round(img.y * dpmm), bitmap: imageBitmap(img, dpi) });
  for (const t of scene.texts) parts.push(text(t, dpi));
  for (const b of scene.barcodes) {
    switch (b.prim.symbology) {
      case 'gs1-128':
      case 'code128':
        line(
          `BARCODE ${b.x},${b.y},"128M",${b.height},0,0,${b.moduleDots},${b.moduleDots},${quoted(tsplCode128Data(b.tokens!))}`,
        );
        break;
      case 'gs1-datamatrix':
        line(
          `DMATRIX ${b.x},${b.y},${b.width},${b.height},c126,x${b.moduleDots},${b.matrix!.rows},${b.matrix!.cols},${quoted(dataMatrixData(b.prim.data))}`,
        );
        break;
      case 'qrcode':
        line(`QRCODE ${b.x},${b.y},M,${b.moduleDots},A,0,${quoted(b.prim.data)}`);
        break;
    }
  }
  line('PRINT 1,1');
  return parts;
}

/** One label with every bitmap inline. */
export function tsplLabel(template: LabelTemplate, data: LabelData, dpi: number, options: TsplOptions = {}): Buffer {
  return Buffer.concat(
    labelParts(template, data, dpi, options).map((p) => (Buffer.isBuffer(p) ? p : bitmapCommand(p.x, p.y, p.bitmap))),
  );
}

/**
 * The bitmaps worth storing: used at least twice, the ones saving the most bytes first, at most
 * TSPL_MAX_STORED_FILES; named in order of first use so the same job gives the same bytes.
 */
function storedNames(labels: readonly Part[][]): Map<Bitmap, string> {
  const uses = new Map<Bitmap, { count: number; first: number }>();
  let order = 0;
  for (const parts of labels)
    for (const p of parts) {
      if (Buffer.isBuffer(p)) continue;
      const u = uses.get(p.bitmap);
      if (u) u.count += 1;
      else uses.set(p.bitmap, { count: 1, first: order++ });
    }
  const chosen = [...uses]
    .filter(([, u]) => u.count > 1)
    .sort(([a, ua], [b, ub]) => (ub.count - 1) * b.data.length - (ua.count - 1) * a.data.length || ua.first - ub.first)
    .slice(0, TSPL_MAX_STORED_FILES)
    .sort(([, ua], [, ub]) => ua.first - ub.first);
  return new Map(chosen.map(([b], i) => [b, `T${String(i + 1).padStart(4, '0')}.BMP`]));
}

export function renderTspl(
  template: LabelTemplate,
  data: readonly LabelData[],
  dpi: number,
  options: TsplOptions = {},
): Uint8Array {
  const labels = data.map((d) => labelParts(template, d, dpi, options));
  const names = options.tsplTextMode === 'inline' ? new Map<Bitmap, string>() : storedNames(labels);
  const out: Buffer[] = [];
  // Downloads go before the first label: DOWNLOAD is a file command, not part of a label's
  // image buffer, and every PUTBMP after it finds its file (DRAM: no F, gone at power-off).
  for (const [b, name] of names)
    out.push(
      Buffer.from(`DOWNLOAD ${quoted(name)},${monochromeBmp(b, dpi).length},`, 'latin1'),
      Buffer.from(monochromeBmp(b, dpi)),
      Buffer.from('\r\n'),
    );
  for (const parts of labels)
    for (const p of parts) {
      if (Buffer.isBuffer(p)) out.push(p);
      else {
        const name = names.get(p.bitmap);
        out.push(
          name === undefined
            ? bitmapCommand(p.x, p.y, p.bitmap)
            : Buffer.from(`PUTBMP ${p.x},${p.y},${quoted(name)}\r\n`, 'latin1'),
        );
      }
    }
  return Buffer.concat(out);
}
