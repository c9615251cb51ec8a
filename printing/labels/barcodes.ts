import bwipjs from 'bwip-js/node';
import { AppError } from '../../core/errors.ts';
import { hriLines, type BarcodePrimitive, type TextLine } from '../../core/labels/layout.ts';
import { code128Modules, code128Tokens, type Code128Token } from './code128.ts';

/**
 * Barcode geometry in printer dots: the module is a whole number of dots at the output's dpi,
 * so a thermal print scans, and the vector outputs (PDF, SVG, PNG) draw the very same bars.
 */

export interface PlacedBarcode {
  prim: BarcodePrimitive;
  moduleDots: number;
  /** Symbol's top-left corner, in dots. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Code 128 symbol characters, for the printers' own barcode commands. */
  tokens: Code128Token[] | null;
  /** Matrix symbols: cells, row-major, 1 = dark. */
  matrix: { rows: number; cols: number; cells: readonly number[] } | null;
  hri: TextLine[];
}

export const dotsPerMm = (dpi: number) => dpi / 25.4;

function bwipError(prim: BarcodePrimitive, err: unknown): AppError {
  const message = err instanceof Error ? err.message : String(err);
  return new AppError('label.barcode-invalid', `Barcode "${prim.id}": ${message}`, {
    element: prim.id,
    encoder: message,
  });
}

type Raw = { sbs?: number[]; pixs?: number[]; pixx?: number; pixy?: number };

/** Bars and spaces (module counts, bar first) of a linear symbol, via bwip-js (which also lints GS1 data). */
export function linearModules(prim: BarcodePrimitive): number[] {
  try {
    const raw =
      prim.symbology === 'gs1-128' ? bwipjs.raw('gs1-128', prim.bracketed!, {}) : bwipjs.raw('code128', prim.data, {});
    return (raw[0] as Raw).sbs!;
  } catch (err) {
    throw bwipError(prim, err);
  }
}

function matrixCells(prim: BarcodePrimitive): { rows: number; cols: number; cells: number[] } {
  try {
    const raw =
      prim.symbology === 'gs1-datamatrix'
        ? bwipjs.raw('gs1datamatrix', prim.bracketed!, {})
        : bwipjs.raw('qrcode', prim.data, 'eclevel=M');
    const r = raw[0] as Raw;
    return { rows: r.pixy!, cols: r.pixx!, cells: r.pixs! };
  } catch (err) {
    throw bwipError(prim, err);
  }
}

export interface PlaceOptions {
  dpi: number;
  /** Thermal outputs send Code 128 through the printer's own command: no bwip-js bars needed. */
  bars: boolean;
  /** See code128Tokens. */
  returnToC?: boolean;
}

export function placeBarcode(prim: BarcodePrimitive, options: PlaceOptions): PlacedBarcode & { bars: number[] | null } {
  const dpmm = dotsPerMm(options.dpi);
  const linear = prim.symbology === 'gs1-128' || prim.symbology === 'code128';
  let tokens: Code128Token[] | null = null;
  let bars: number[] | null = null;
  let matrix: PlacedBarcode['matrix'] = null;
  let modulesWide: number;
  if (linear) {
    tokens = code128Tokens(prim.data, prim.symbology === 'gs1-128', options.returnToC ?? true);
    if (options.bars) {
      bars = linearModules(prim);
      modulesWide = bars.reduce((a, b) => a + b, 0);
    } else modulesWide = code128Modules(tokens);
  } else {
    matrix = matrixCells(prim);
    modulesWide = matrix.cols;
  }
  const preferred = prim.moduleDots === null ? null : Math.max(1, Math.round((prim.moduleDots * options.dpi) / 203));
  const box = prim.targetWidthMm === null ? null : Math.floor(prim.targetWidthMm * dpmm);
  const fits = box === null ? Number.POSITIVE_INFINITY : Math.floor(box / modulesWide);
  const moduleDots = Math.min(preferred ?? fits, fits);
  if (moduleDots < 1)
    throw new AppError('label.barcode-invalid', `Barcode "${prim.id}" does not fit in ${prim.targetWidthMm} mm`, {
      element: prim.id,
      reason: 'too-wide',
    });
  const width = modulesWide * moduleDots;
  const left = Math.round(prim.x * dpmm);
  const x = box === null ? left : left + Math.floor((box - width) / 2);
  const y = Math.round(prim.y * dpmm);
  const height = matrix ? matrix.rows * moduleDots : Math.round(prim.heightMm * dpmm);
  const hri =
    prim.hri === null
      ? []
      : hriLines(
          box === null ? x / dpmm : prim.x,
          (y + height) / dpmm + 0.6,
          box === null ? width / dpmm : prim.targetWidthMm!,
          prim.hri.text,
          prim.hri.sizeMm,
        );
  return { prim, moduleDots, x, y, width, height, tokens, matrix, hri, bars };
}

/** Dark rectangles of a placed symbol in dots (bars; matrix cells merged into row runs). */
export function barcodeRects(
  p: PlacedBarcode & { bars: number[] | null },
): { x: number; y: number; w: number; h: number }[] {
  const out: { x: number; y: number; w: number; h: number }[] = [];
  const m = p.moduleDots;
  if (p.bars) {
    let pos = 0;
    p.bars.forEach((n, i) => {
      if (i % 2 === 0) out.push({ x: p.x + pos * m, y: p.y, w: n * m, h: p.height });
      pos += n;
    });
  } else if (p.matrix) {
    const { rows, cols, cells } = p.matrix;
    for (let r = 0; r < rows; r += 1) {
      let c = 0;
      while (c < cols) {
        if (cells[r * cols + c] !== 1) {
          c += 1;
          continue;
        }
        const start = c;
        while (c < cols && cells[r * cols + c] === 1) c += 1;
        out.push({ x: p.x + start * m, y: p.y + r * m, w: (c - start) * m, h: m });
      }
    }
  }
  return out;
}
