import type { LabelData } from '../../core/labels/data.ts';
import type { TextLine } from '../../core/labels/layout.ts';
import type { LabelTemplate } from '../../core/labels/template.ts';
import { dotsPerMm } from './barcodes.ts';
import { imageBitmap, isPrinterFontText, lineLeftDots, textBitmap, type Bitmap } from './bitmap.ts';
import { zplCode128Data } from './code128.ts';
import { FNC1_GS } from '../../core/gs1/build.ts';
import { buildScene } from './scene.ts';

/**
 * ZPL II. Barcodes use the printer's own commands (sharper than an image, and sized in whole
 * dots by construction): GS1-128 as ^BC in mode N with our own code-set choice and an explicit
 * >8 (FNC1) after every non-final variable-length AI; GS1 DataMatrix as ^BX with `_` as escape
 * and `_1` as FNC1. ASCII text uses the resident scalable font ^A0; any other text is a 1-bit
 * ^GF bitmap drawn with the bundled CJK font, the one route that works on every Zebra.
 */

const hexCache = new WeakMap<Bitmap, string>();

/** A run of one hex digit in ZPL's ASCII compression: counts G–Y = 1–19, g–z = 20–400. */
function run(digit: string, count: number): string {
  let out = '';
  let left = count;
  while (left >= 20) {
    const twenties = Math.min(20, Math.floor(left / 20));
    out += String.fromCharCode(0x66 + twenties); // g = 20 … z = 400
    left -= twenties * 20;
  }
  if (left > 0) out += String.fromCharCode(0x46 + left); // G = 1 … Y = 19
  return count === 1 ? digit : out + digit;
}

/**
 * ^GF data with ZPL's ASCII compression (`,` = rest of row white, `:` = same row as above,
 * repeat counts): text bitmaps are mostly white, and a job of 1,000 labels shrinks ~5×.
 */
function compressedHex(b: Bitmap): string {
  const hex = Buffer.from(b.data).toString('hex').toUpperCase();
  const width = b.rowBytes * 2;
  let out = '';
  let previous: string | null = null;
  for (let r = 0; r < b.height; r += 1) {
    const row = hex.slice(r * width, (r + 1) * width);
    if (row === previous) {
      out += ':';
      continue;
    }
    previous = row;
    const trimmed = row.replace(/0+$/, '');
    let i = 0;
    while (i < trimmed.length) {
      let j = i + 1;
      while (j < trimmed.length && trimmed[j] === trimmed[i]) j += 1;
      out += run(trimmed[i]!, j - i);
      i = j;
    }
    if (trimmed.length < row.length) out += ',';
  }
  return out;
}

function hexOf(b: Bitmap): string {
  let hex = hexCache.get(b);
  if (hex === undefined) {
    hex = compressedHex(b);
    hexCache.set(b, hex);
  }
  return hex;
}

/**
 * Graphics stored in the printer's RAM for a multi-label job: each distinct bitmap (the titles,
 * the sender's and receiver's names) is sent once with ~DG and recalled by ^XG on every label,
 * instead of riding along in full 1,000 times. Names are reused job after job (R: is volatile).
 */
class GraphicStore {
  readonly names = new Map<Bitmap, string>();
  pending: string[] = [];

  recall(b: Bitmap): string {
    let name = this.names.get(b);
    if (name === undefined) {
      name = `R:OMS${this.names.size.toString(36).toUpperCase()}.GRF`;
      this.names.set(b, name);
      this.pending.push(`~DG${name},${b.data.length},${b.rowBytes},${hexOf(b)}\n`);
    }
    return `^XG${name},1,1^FS`;
  }
}

function gf(b: Bitmap, store: GraphicStore | null): string {
  if (store) return store.recall(b);
  return `^GFA,${b.data.length},${b.data.length},${b.rowBytes},${hexOf(b)}^FS`;
}

/** ^FH_ hex escapes for the characters ZPL treats as commands inside ^FD. */
function fieldData(text: string): string {
  return text.replace(/[\^~_]/g, (c) => `_${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function dataMatrixData(data: string): string {
  // `_` is the escape character: FNC1 is `_1`, a literal underscore `_d095`.
  return data.replace(/_/g, '_d095').replaceAll(FNC1_GS, '_1');
}

function text(line: TextLine, dpi: number, store: GraphicStore | null): string {
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
  return `^FO${lineLeftDots(line, dpi)},${top}${gf(textBitmap(line, dpi), store)}`;
}

export function zplLabel(
  template: LabelTemplate,
  data: LabelData,
  dpi: number,
  store: GraphicStore | null = null,
): string {
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
    parts.push(`^FO${Math.round(img.x * dpmm)},${Math.round(img.y * dpmm)}${gf(imageBitmap(img, dpi), store)}`);
  for (const line of scene.texts) parts.push(text(line, dpi, store));
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
  if (data.length === 1) return Buffer.from(zplLabel(template, data[0]!, dpi), 'utf8');
  const store = new GraphicStore();
  const out: string[] = [];
  for (const d of data) {
    const label = zplLabel(template, d, dpi, store);
    // Downloads go between formats, before the first label that recalls them.
    out.push(...store.pending, label);
    store.pending = [];
  }
  return Buffer.from(out.join(''), 'utf8');
}
