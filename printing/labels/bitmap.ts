import { Resvg } from '@resvg/resvg-js';
import { ASCENT, LINE_HEIGHT, textWidthEm, type ImagePrimitive, type TextLine } from '../../core/labels/layout.ts';
import { boldCovers, CJK_FAMILY, cjkFonts } from '../fonts/cjk.ts';
import { dotsPerMm } from './barcodes.ts';

/**
 * 1-bit bitmaps for thermal printers: text the printer has no font for (Chinese) and images,
 * drawn with resvg and the bundled font. A bitmap field prints the same on every ZPL and TSPL
 * printer, which a downloaded or resident font does not.
 */

export interface Bitmap {
  /** Bytes per row; bit 7 of a byte is the leftmost dot; 1 = black. */
  rowBytes: number;
  width: number;
  height: number;
  data: Uint8Array;
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The font weight a line is set in: bold only when the bold subset has all its hanzi. */
export function effectiveBold(line: Pick<TextLine, 'bold' | 'text'>): boolean {
  return line.bold && boldCovers(line.text);
}

function pack(
  rgba: Uint8Array,
  width: number,
  height: number,
  ink: (r: number, g: number, b: number, a: number) => boolean,
): Bitmap {
  const rowBytes = Math.ceil(width / 8);
  const data = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y += 1)
    for (let x = 0; x < width; x += 1) {
      const o = (y * width + x) * 4;
      if (ink(rgba[o]!, rgba[o + 1]!, rgba[o + 2]!, rgba[o + 3]!)) data[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  return { rowBytes, width, height, data };
}

function render(svg: string): { pixels: Uint8Array; width: number; height: number } {
  const fonts = cjkFonts();
  const img = new Resvg(svg, {
    font: { fontFiles: [fonts.regularPath, fonts.boldPath], loadSystemFonts: false, defaultFontFamily: CJK_FAMILY },
    shapeRendering: 1,
    textRendering: 1,
  }).render();
  return { pixels: img.pixels as unknown as Uint8Array, width: img.width, height: img.height };
}

// Bitmaps of the same text at the same size are the same: the titles of a template, and the
// sender and receiver of a batch, are drawn once per process. Bounded so a long-running app
// printing many addresses does not grow without end.
const textCache = new Map<string, Bitmap>();
const imageCache = new Map<string, Bitmap>();
const CACHE_LIMIT = 2000;

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

/** The line's text as a bitmap whose top-left is the start of the text at (line.top − margin). */
export function textBitmap(line: TextLine, dpi: number): Bitmap {
  const bold = effectiveBold(line);
  const key = `${dpi}|${bold ? 1 : 0}|${line.sizeMm}|${line.text}`;
  const hit = textCache.get(key);
  if (hit) return hit;
  const dpmm = dotsPerMm(dpi);
  const size = line.sizeMm * dpmm;
  const width = Math.max(1, Math.ceil(textWidthEm(line.text, bold) * size) + 2);
  const height = Math.max(1, Math.ceil(LINE_HEIGHT * size));
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<text x="0" y="${(ASCENT * size).toFixed(2)}" font-family="${CJK_FAMILY}" font-size="${size.toFixed(2)}" ` +
    `font-weight="${bold ? 700 : 400}" xml:space="preserve">${escapeXml(line.text)}</text></svg>`;
  const img = render(svg);
  return remember(
    textCache,
    key,
    pack(img.pixels, img.width, img.height, (_r, _g, _b, a) => a >= 128),
  );
}

/** Left edge of a line in dots, after alignment in its box. */
export function lineLeftDots(line: TextLine, dpi: number): number {
  const dpmm = dotsPerMm(dpi);
  if (line.width === null || line.align === 'left') return Math.round(line.x * dpmm);
  const textMm = textWidthEm(line.text, effectiveBold(line)) * line.sizeMm;
  const free = line.width - textMm;
  return Math.round((line.x + (line.align === 'center' ? free / 2 : free)) * dpmm);
}

export function imageBitmap(image: ImagePrimitive, dpi: number): Bitmap {
  const dpmm = dotsPerMm(dpi);
  const width = Math.max(1, Math.round(image.widthMm * dpmm));
  const height = Math.max(1, Math.round(image.heightMm * dpmm));
  const key = `${width}x${height}|${image.png}`;
  const hit = imageCache.get(key);
  if (hit) return hit;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}">` +
    `<image width="${width}" height="${height}" preserveAspectRatio="none" xlink:href="data:image/png;base64,${image.png}"/></svg>`;
  const img = render(svg);
  return remember(
    imageCache,
    key,
    pack(img.pixels, img.width, img.height, (r, g, b, a) => a >= 128 && 0.299 * r + 0.587 * g + 0.114 * b < 128),
  );
}

export function isPrinterFontText(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}
