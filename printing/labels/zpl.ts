import type { LabelData } from '../../core/labels/data.ts';
import type { TextLine } from '../../core/labels/layout.ts';
import type { LabelTemplate } from '../../core/labels/template.ts';
import { dotsPerMm } from './barcodes.ts';
import { imageBitmap, isPrinterFontText, lineLeftDots, textBitmap, type Bitmap } from './bitmap.ts';
import { zplCode128Data } from './code128.ts';
import { FNC1_GS } from '../../core/labels/gs1-temp.ts';
import { buildScene } from './scene.ts';

/**
 * ZPL II. Barcodes use the printer's own commands (sharper than an image, and sized in whole
 * dots by construction): GS1-128 as ^BC in mode N with our own code-set choice and an explicit
 * >8 (FNC1) after every non-final variable-length AI; GS1 DataMatrix as ^BX with `_` as escape
 * and `_1` as FNC1. ASCII text uses the resident scalable font ^A0; any other text is a 1-bit
 * ^GF bitmap drawn with the bundled CJK font, the one route that works on every Zebra.
 */

const hexCache = new WeakMap<Bitmap, string>();

function gf(b: Bitmap): string {
  let hex = hexCache.get(b);
  if (hex === undefined) {
    hex = Buffer.from(b.data).toString('hex').toUpperCase();
    hexCache.set(b, hex);
  }
  return `^GFA,${b.data.length},${b.data.length},${b.rowBytes},${hex}^FS`;
}

/** ^FH_ hex escapes for the characters ZPL treats as commands inside ^FD. */
function fieldData(text: string): string {
  return text.replace(/[\^~_]/g, (c) => `_${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function dataMatrixData(data: string): string {
  // `_` is the escape character: FNC1 is `_1`, a literal underscore `_d095`.
  return data.replace(/_/g, '_d095').replaceAll(FNC1_GS, '_1');
}

function text(line: TextLine, dpi: number): string {
  const dpmm = dotsPerMm(dpi);
  const top = Math.round(line.top * dpmm);
  if (isPrinterFontText(line.text)) {
    const h = Math.max(10, Math.round(line.sizeMm * dpmm));
    const x = Math.round(line.x * dpmm);
    const block =
      line.width === null || line.align === 'left'
        ? ''
        : `^FB${Math.round(line.width * dpmm)},1,0,${line.align === 'center' ? 'C' : 'R'}`;
    return `^FO${x},${top}^A0N,${h},${h}${block}^FH_^FD${fieldData(line.text)}^FS`;
  }
  return `^FO${lineLeftDots(line, dpi)},${top}${gf(textBitmap(line, dpi))}`;
}

export function zplLabel(template: LabelTemplate, data: LabelData, dpi: number): string {
  const dpmm = dotsPerMm(dpi);
  const scene = buildScene(template, data, dpi, false, false);
  const parts: string[] = [
    `^XA^CI28^PW${Math.round(template.widthMm * dpmm)}^LL${Math.round(template.heightMm * dpmm)}^LH0,0`,
  ];
  for (const r of scene.rules) {
    const w = Math.max(1, Math.round(r.widthMm * dpmm));
    const h = Math.max(1, Math.round(r.heightMm * dpmm));
    parts.push(`^FO${Math.round(r.x * dpmm)},${Math.round(r.y * dpmm)}^GB${w},${h},${Math.min(w, h)}^FS`);
  }
  for (const b of scene.boxes) {
    const w = Math.max(1, Math.round(b.widthMm * dpmm));
    const h = Math.max(1, Math.round(b.heightMm * dpmm));
    const t = b.filled ? Math.min(w, h) : Math.max(1, Math.round(b.thicknessMm * dpmm));
    parts.push(`^FO${Math.round(b.x * dpmm)},${Math.round(b.y * dpmm)}^GB${w},${h},${t}^FS`);
  }
  for (const img of scene.images)
    parts.push(`^FO${Math.round(img.x * dpmm)},${Math.round(img.y * dpmm)}${gf(imageBitmap(img, dpi))}`);
  for (const line of scene.texts) parts.push(text(line, dpi));
  for (const b of scene.barcodes) {
    const at = `^FO${b.x},${b.y}`;
    switch (b.prim.symbology) {
      case 'gs1-128':
      case 'code128':
        parts.push(`${at}^BY${b.moduleDots}^BCN,${b.height},N,N,N,N^FD${zplCode128Data(b.tokens!)}^FS`);
        break;
      case 'gs1-datamatrix':
        parts.push(
          `${at}^BXN,${b.moduleDots},200,${b.matrix!.cols},${b.matrix!.rows},6,_^FD_1${dataMatrixData(b.prim.data)}^FS`,
        );
        break;
      case 'qrcode':
        // ^BQ's field data starts with the error correction level and input mode (M, A).
        parts.push(`${at}^BQN,2,${b.moduleDots}^FH_^FDMA,${fieldData(b.prim.data)}^FS`);
        break;
    }
  }
  parts.push('^PQ1^XZ\n');
  return parts.join('\n');
}

export function renderZpl(template: LabelTemplate, data: readonly LabelData[], dpi: number): Uint8Array {
  return Buffer.from(data.map((d) => zplLabel(template, d, dpi)).join(''), 'utf8');
}
