import { FNC1_GS } from '../../core/gs1/build.ts';
import type { LabelData } from '../../core/labels/data.ts';
import { MM_PER_PT, type LabelTemplate } from '../../core/labels/template.ts';
import type { TextLine } from '../../core/labels/layout.ts';
import { dotsPerMm } from './barcodes.ts';
import { imageBitmap, isPrinterFontText, lineLeftDots, textBitmap, type Bitmap } from './bitmap.ts';
import { tsplCode128Data } from './code128.ts';
import { buildScene } from './scene.ts';

/**
 * TSPL/TSPL2 (TSC, Gprinter, Xprinter, HPRT…). Barcodes through the printer's commands:
 * GS1-128 as BARCODE "128M" with our own code sets (!105 start C, !102 FNC1, !099/!100
 * switches), GS1 DataMatrix as DMATRIX with `~` as escape (`~1` = FNC1). ASCII text in the
 * scalable font "0"; other text as BITMAP drawn with the bundled CJK font, which needs no
 * printer-resident Chinese font and no GBK conversion.
 */

export interface TsplOptions {
  /** Gap between labels (GAP), mm; 0 for continuous media. */
  gapMm?: number;
}

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

function text(line: TextLine, dpi: number): Buffer {
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
  return bitmapCommand(lineLeftDots(line, dpi), top, textBitmap(line, dpi));
}

function dataMatrixData(data: string): string {
  return '~1' + data.replaceAll('~', '~~').replaceAll(FNC1_GS, '~1');
}

export function tsplLabel(template: LabelTemplate, data: LabelData, dpi: number, options: TsplOptions = {}): Buffer {
  const dpmm = dotsPerMm(dpi);
  const scene = buildScene(template, data, dpi, false, true);
  const parts: Buffer[] = [
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
    parts.push(bitmapCommand(Math.round(img.x * dpmm), Math.round(img.y * dpmm), imageBitmap(img, dpi)));
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
  return Buffer.concat(parts);
}

export function renderTspl(
  template: LabelTemplate,
  data: readonly LabelData[],
  dpi: number,
  options: TsplOptions = {},
): Uint8Array {
  return Buffer.concat(data.map((d) => tsplLabel(template, d, dpi, options)));
}
