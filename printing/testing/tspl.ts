import bwipjs from 'bwip-js/node';
import { PNG } from 'pngjs';

/**
 * A TEST-SIDE TSPL interpreter of our own output, not a printer emulator: there is no offline
 * TSPL renderer, so the round-trip tests run our TSPL output through this. It executes the
 * graphic commands that carry data — BAR, BOX, BITMAP, DOWNLOAD of a BMP file into a per-job
 * file store + PUTBMP (the BMP decoded and its palette honoured), BARCODE "128M", DMATRIX,
 * QRCODE — drawing symbols with bwip-js from exactly the codewords / escapes the command holds
 * (so a wrong !099/!100 switch or a missing ~1 shows up as a wrong decode), and ignores TEXT (resident printer fonts are not
 * reproduced; ASCII text on our labels is never the only copy of barcode data). It follows
 * TSC's documented conventions; a real printer remains the final check.
 */

interface Canvas {
  width: number;
  height: number;
  ink: Uint8Array;
}

function fill(c: Canvas, x: number, y: number, w: number, h: number): void {
  for (let yy = Math.max(0, y); yy < Math.min(c.height, y + h); yy += 1)
    c.ink.fill(1, yy * c.width + Math.max(0, x), yy * c.width + Math.min(c.width, x + w));
}

function args(s: string): string[] {
  // Comma-separated, quoted strings may contain commas and \["] escapes.
  const out: string[] = [];
  let cur = '';
  let inQuote = false;
  for (let i = 0; i < s.length; i += 1) {
    const ch = s[i]!;
    if (inQuote && s.startsWith('\\["]', i)) {
      cur += '"';
      i += 3;
    } else if (ch === '"') inQuote = !inQuote;
    else if (ch === ',' && !inQuote) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** 128M content → Code 128 symbol values (start included), following the set switches. */
export function code128mValues(content: string): number[] {
  const values: number[] = [];
  let set: 'A' | 'B' | 'C' | null = null;
  let i = 0;
  while (i < content.length) {
    if (content[i] === '!' && /^\d{3}$/.test(content.slice(i + 1, i + 4))) {
      const v = Number(content.slice(i + 1, i + 4));
      values.push(v);
      if (v === 103) set = 'A';
      else if (v === 104) set = 'B';
      else if (v === 105) set = 'C';
      else if (v === 99 && set !== 'C') set = 'C';
      else if (v === 100 && set === 'C') set = 'B';
      else if (v === 101 && set !== 'A') set = 'A';
      i += 4;
      continue;
    }
    if (set === null) throw new Error('128M content must start with !103, !104 or !105');
    if (set === 'C') {
      const pair = content.slice(i, i + 2);
      if (!/^\d\d$/.test(pair)) throw new Error(`128M: "${pair}" in code set C`);
      values.push(Number(pair));
      i += 2;
    } else {
      values.push(content.charCodeAt(i) - 32);
      i += 1;
    }
  }
  return values;
}

function drawBars(c: Canvas, x: number, y: number, height: number, module: number, sbs: number[]): void {
  let pos = 0;
  sbs.forEach((n, k) => {
    if (k % 2 === 0) fill(c, x + pos * module, y, n * module, height);
    pos += n;
  });
}

function drawMatrix(
  c: Canvas,
  x: number,
  y: number,
  module: number,
  raw: { pixs: number[]; pixx: number; pixy: number },
): void {
  for (let r = 0; r < raw.pixy; r += 1)
    for (let k = 0; k < raw.pixx; k += 1)
      if (raw.pixs[r * raw.pixx + k] === 1) fill(c, x + k * module, y + r * module, module, module);
}

export interface DecodedBmp {
  width: number;
  height: number;
  /** Row-major, top row first; 1 = the palette colour of that pixel is dark (prints). */
  ink: Uint8Array;
  /** Bytes per stored row (4-byte aligned) and whether rows are stored bottom-up. */
  stride: number;
  bottomUp: boolean;
  palette: [number, number, number][];
}

/** An uncompressed 1-bit Windows BMP (what TSPL's PUTBMP takes from us); anything else throws. */
export function decodeBmp(file: Uint8Array): DecodedBmp {
  const b = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (b.length < 62 || b.toString('latin1', 0, 2) !== 'BM') throw new Error('BMP: no BM signature');
  if (b.readUInt32LE(2) !== b.length) throw new Error(`BMP: file size field ${b.readUInt32LE(2)} ≠ ${b.length}`);
  const offset = b.readUInt32LE(10);
  const infoSize = b.readUInt32LE(14);
  if (infoSize < 40) throw new Error(`BMP: info header of ${infoSize} bytes`);
  const width = b.readInt32LE(18);
  const rawHeight = b.readInt32LE(22);
  if (b.readUInt16LE(26) !== 1) throw new Error('BMP: planes ≠ 1');
  if (b.readUInt16LE(28) !== 1) throw new Error(`BMP: ${b.readUInt16LE(28)} bits per pixel, not 1`);
  if (b.readUInt32LE(30) !== 0) throw new Error('BMP: compressed');
  const colours = b.readUInt32LE(46) || 2;
  const palette: [number, number, number][] = [];
  for (let i = 0; i < colours; i += 1) {
    const o = 14 + infoSize + i * 4;
    palette.push([b[o + 2]!, b[o + 1]!, b[o]!]);
  }
  const dark = palette.map(([r, g, bl]) => 0.299 * r + 0.587 * g + 0.114 * bl < 128);
  const height = Math.abs(rawHeight);
  const bottomUp = rawHeight > 0;
  const stride = Math.ceil(width / 32) * 4;
  if (offset + stride * height > b.length) throw new Error('BMP: pixel data shorter than width × height');
  const ink = new Uint8Array(width * height);
  for (let r = 0; r < height; r += 1) {
    const row = offset + (bottomUp ? height - 1 - r : r) * stride;
    for (let x = 0; x < width; x += 1) {
      const index = (b[row + (x >> 3)]! >> (7 - (x & 7))) & 1;
      if (dark[index]) ink[r * width + x] = 1;
    }
  }
  return { width, height, ink, stride, bottomUp, palette };
}

function toPng(c: Canvas): Buffer {
  const margin = 40;
  const png = new PNG({ width: c.width + 2 * margin, height: c.height + 2 * margin });
  png.data.fill(255);
  for (let y = 0; y < c.height; y += 1)
    for (let x = 0; x < c.width; x += 1)
      if (c.ink[y * c.width + x]) {
        const o = ((y + margin) * png.width + x + margin) * 4;
        png.data[o] = png.data[o + 1] = png.data[o + 2] = 0;
      }
  return PNG.sync.write(png);
}

export interface TsplRaster {
  png: Buffer;
  /** The label's dots, row-major, 1 = black: for pixel comparisons between two jobs. */
  ink: Uint8Array;
  /** Commands seen, for assertions (BITMAP count, TEXT lines…). */
  commands: string[];
}

/** Runs a TSPL job; one PNG per PRINT. Files DOWNLOADed (to DRAM) live for this job. */
export function rasteriseTspl(job: Uint8Array, dpi: number): TsplRaster[] {
  const files = new Map<string, DecodedBmp>();
  const buf = Buffer.from(job);
  const dpmm = dpi / 25.4;
  const out: TsplRaster[] = [];
  let canvas: Canvas | null = null;
  let commands: string[] = [];
  let pos = 0;
  while (pos < buf.length) {
    let end = buf.indexOf('\r\n', pos, 'latin1');
    if (end < 0) end = buf.length;
    let line = buf.subarray(pos, end).toString('latin1');
    let next = end + 2;
    if (line.startsWith('BITMAP ')) {
      // BITMAP x,y,widthBytes,height,mode,<binary>: the data length comes from the header.
      const header = line.slice(7).split(',', 5);
      const [x, y, wb, h] = header.map(Number) as [number, number, number, number];
      const start = pos + 7 + header.join(',').length + 1;
      const data = buf.subarray(start, start + wb * h);
      next = start + wb * h + 2;
      line = `BITMAP ${header.join(',')}`;
      if (canvas)
        for (let r = 0; r < h; r += 1)
          for (let k = 0; k < wb * 8; k += 1)
            if ((data[r * wb + (k >> 3)]! & (0x80 >> (k & 7))) === 0) fill(canvas, x + k, y + r, 1, 1);
    }
    if (line.startsWith('DOWNLOAD ')) {
      // DOWNLOAD [n,]"NAME",size,<size bytes>: a data file; the program-file form has no size.
      const head = /^DOWNLOAD (?:([FE]),)?"([^"]+)",(\d+),/.exec(
        buf.toString('latin1', pos, Math.min(buf.length, pos + 80)),
      );
      if (!head) throw new Error(`test TSPL rasteriser: unsupported DOWNLOAD ${line.slice(0, 60)}`);
      if (head[1]) throw new Error(`test TSPL rasteriser: DOWNLOAD to ${head[1]} (flash/card), not DRAM`);
      const start = pos + head[0].length;
      const size = Number(head[3]);
      if (buf.toString('latin1', start + size, start + size + 2) !== '\r\n')
        throw new Error(`test TSPL rasteriser: DOWNLOAD "${head[2]}" data is not ${size} bytes followed by CRLF`);
      files.set(head[2]!, decodeBmp(buf.subarray(start, start + size)));
      next = start + size + 2;
      line = head[0].slice(0, -1);
    }
    pos = next;
    const [cmd = '', ...restParts] = line.split(' ');
    const rest = restParts.join(' ');
    commands.push(line.startsWith('BITMAP') ? line : line);
    switch (cmd) {
      case 'SIZE': {
        const [w, h] = rest.split(',').map((p) => parseFloat(p)) as [number, number];
        canvas = {
          width: Math.round(w * dpmm),
          height: Math.round(h * dpmm),
          ink: new Uint8Array(Math.round(w * dpmm) * Math.round(h * dpmm)),
        };
        break;
      }
      case 'CLS':
        if (canvas) canvas.ink.fill(0);
        break;
      case 'BAR': {
        const [x, y, w, h] = args(rest).map(Number) as [number, number, number, number];
        if (canvas) fill(canvas, x, y, w, h);
        break;
      }
      case 'BOX': {
        const [x, y, x2, y2, t] = args(rest).map(Number) as [number, number, number, number, number];
        if (canvas) {
          fill(canvas, x, y, x2 - x, t);
          fill(canvas, x, y2 - t, x2 - x, t);
          fill(canvas, x, y, t, y2 - y);
          fill(canvas, x2 - t, y, t, y2 - y);
        }
        break;
      }
      case 'PUTBMP': {
        const [x, y, name] = args(rest);
        const file = files.get(name!);
        if (!file) throw new Error(`test TSPL rasteriser: PUTBMP of "${name}", never downloaded`);
        if (canvas)
          for (let r = 0; r < file.height; r += 1)
            for (let k = 0; k < file.width; k += 1)
              if (file.ink[r * file.width + k]) fill(canvas, Number(x) + k, Number(y) + r, 1, 1);
        break;
      }
      case 'BARCODE': {
        const a = args(rest);
        if (a[2] !== '128M') throw new Error(`test TSPL rasteriser: BARCODE type ${a[2]} not supported`);
        const values = code128mValues(a[8]!);
        const raw = bwipjs.raw('code128', values.map((v) => `^${String(v).padStart(3, '0')}`).join(''), 'raw');
        const sbs = (raw[0] as { sbs: number[] }).sbs;
        if (canvas) drawBars(canvas, Number(a[0]), Number(a[1]), Number(a[3]), Number(a[6]), sbs);
        break;
      }
      case 'DMATRIX': {
        const a = args(rest);
        const module = Number(a.find((p) => /^x\d+$/.test(p))!.slice(1));
        const escape = a.find((p) => /^c\d+$/.test(p));
        const numbers = a
          .slice(4, -1)
          .filter((p) => /^\d+$/.test(p))
          .map(Number);
        let content = a.at(-1)!;
        let options = '';
        if (escape === 'c126') {
          // ~1 = FNC1, ~~ = ~; bwip-js takes FNC1 as ^FNC1 with parsefnc.
          content = content.replace(/~(~|1)/g, (_m, c: string) => (c === '~' ? '~' : '^FNC1'));
          options = 'parsefnc';
        }
        if (numbers.length === 2) options += ` rows=${numbers[0]} columns=${numbers[1]}`;
        const raw = bwipjs.raw('datamatrix', content, options.trim());
        if (canvas)
          drawMatrix(
            canvas,
            Number(a[0]),
            Number(a[1]),
            module,
            raw[0] as { pixs: number[]; pixx: number; pixy: number },
          );
        break;
      }
      case 'QRCODE': {
        const a = args(rest);
        const raw = bwipjs.raw('qrcode', a.at(-1)!, `eclevel=${a[2]}`);
        if (canvas)
          drawMatrix(
            canvas,
            Number(a[0]),
            Number(a[1]),
            Number(a[3]),
            raw[0] as { pixs: number[]; pixx: number; pixy: number },
          );
        break;
      }
      case 'PRINT':
        if (canvas) out.push({ png: toPng(canvas), ink: canvas.ink.slice(), commands });
        commands = [];
        break;
      default:
        // GAP, DIRECTION, REFERENCE, TEXT…: no data to draw for the decoder.
        break;
    }
  }
  return out;
}
