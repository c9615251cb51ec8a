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

/** A 1-bit Windows BMP: 14-byte file header, 40-byte BITMAPINFOHEADER, two palette entries. */
export const BMP_HEADER_BYTES = 62;

/**
 * The bitmap as a monochrome BMP file for printers that store graphics as files (TSPL's
 * DOWNLOAD/PUTBMP). Palette index 0 is black and index 1 white, the monochrome BMP every
 * paint program writes, so a printer that honours the palette and one that, like TSPL's BITMAP,
 * prints a 0 bit both print the ink. Rows are bottom-up, each padded to 4 bytes; the bits past
 * the width and the padding bytes are 1 (white), so firmware that prints the whole stored row
 * still leaves them blank.
 */
export function monochromeBmp(b: Bitmap, dpi = 203): Uint8Array {
  const stride = Math.ceil(b.rowBytes / 4) * 4;
  const imageBytes = stride * b.height;
  const out = Buffer.alloc(BMP_HEADER_BYTES + imageBytes, 0xff);
  const pelsPerMetre = Math.round(dpi / 0.0254);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(0, 6); // reserved
  out.writeUInt32LE(BMP_HEADER_BYTES, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(b.width, 18);
  out.writeInt32LE(b.height, 22); // positive: bottom-up rows
  out.writeUInt16LE(1, 26); // planes
  out.writeUInt16LE(1, 28); // bits per pixel
  out.writeUInt32LE(0, 30); // BI_RGB, uncompressed
  out.writeUInt32LE(imageBytes, 34);
  out.writeInt32LE(pelsPerMetre, 38);
  out.writeInt32LE(pelsPerMetre, 42);
  out.writeUInt32LE(2, 46); // colours used
  out.writeUInt32LE(2, 50); // colours important
  out.writeUInt32LE(0x00000000, 54); // index 0: black (B, G, R, reserved)
  out.writeUInt32LE(0x00ffffff, 58); // index 1: white
  const lastMask = b.width % 8 === 0 ? 0xff : (0xff << (8 - (b.width % 8))) & 0xff;
  for (let r = 0; r < b.height; r += 1) {
    const src = r * b.rowBytes;
    const dst = BMP_HEADER_BYTES + (b.height - 1 - r) * stride;
    for (let k = 0; k < b.rowBytes; k += 1) {
      let ink = b.data[src + k]!;
      if (k === b.rowBytes - 1) ink &= lastMask;
      out[dst + k] = ~ink & 0xff;
    }
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
