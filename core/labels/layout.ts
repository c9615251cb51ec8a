import { AppError } from '../errors.ts';
import { buildGs1 } from '../gs1/build.ts';
import { bindText, gs1Value, isEmptyValue, resolveField } from './bind.ts';
import type { LabelData } from './data.ts';
import { sizeToMm, type BarcodeElement, type LabelTemplate, type Symbology } from './template.ts';

/**
 * Layout: a template bound to one carton's data, as positioned primitives in millimetres with
 * text already split into lines. Every compiler draws these, so a label wraps and hides the
 * same way in ZPL, TSPL, PDF and the editor's preview.
 */

export interface TextLine {
  kind: 'text';
  /** Left edge of the line box (for centre/right: of the box `width` wide). */
  x: number;
  /** Baseline. */
  baseline: number;
  /** Top of the em box (baseline − ascent). */
  top: number;
  width: number | null;
  align: 'left' | 'center' | 'right';
  sizeMm: number;
  bold: boolean;
  text: string;
}

export interface BarcodePrimitive {
  kind: 'barcode';
  id: string;
  symbology: Symbology;
  x: number;
  y: number;
  heightMm: number;
  moduleDots: number | null;
  targetWidthMm: number | null;
  /** GS1: element string with GS (ASCII 29) after non-final variable-length AIs; else the data. */
  data: string;
  /** GS1: bracketed form, e.g. "(00)106141411234567897" (bwip-js input). */
  bracketed: string | null;
  hri: { text: string; sizeMm: number } | null;
}

export interface RulePrimitive {
  kind: 'rule';
  x: number;
  y: number;
  widthMm: number;
  heightMm: number;
}

export interface BoxPrimitive {
  kind: 'box';
  x: number;
  y: number;
  widthMm: number;
  heightMm: number;
  thicknessMm: number;
  filled: boolean;
}

export interface ImagePrimitive {
  kind: 'image';
  x: number;
  y: number;
  widthMm: number;
  heightMm: number;
  png: string;
}

export type Primitive = TextLine | BarcodePrimitive | RulePrimitive | BoxPrimitive | ImagePrimitive;

/** Noto Sans CJK SC metrics (units per em 1000): typo ascender 880, descender 120. */
export const ASCENT = 0.88;
export const LINE_HEIGHT = 1.2;

// Advance widths of printable ASCII (0x20–0x7E) in Noto Sans CJK SC, per mille of the em;
// CJK and full-width characters are one em. Read from the committed subset fonts.
const ASCII_REGULAR = [
  224, 323, 474, 555, 555, 921, 680, 278, 338, 338, 467, 555, 278, 347, 278, 392, 555, 555, 555, 555, 555, 555, 555,
  555, 555, 555, 278, 278, 555, 555, 555, 474, 946, 608, 657, 638, 688, 589, 552, 689, 728, 293, 535, 646, 543, 812,
  723, 742, 633, 742, 635, 596, 599, 721, 575, 878, 573, 531, 603, 338, 392, 338, 555, 559, 606, 563, 618, 510, 620,
  554, 325, 564, 607, 275, 275, 552, 284, 926, 610, 606, 620, 620, 388, 468, 377, 607, 521, 802, 498, 521, 475, 338,
  270, 338, 555,
];
const ASCII_BOLD = [
  227, 370, 574, 590, 590, 963, 740, 325, 378, 378, 507, 590, 325, 370, 325, 387, 590, 590, 590, 590, 590, 590, 590,
  590, 590, 590, 325, 325, 590, 590, 590, 514, 1007, 641, 681, 656, 714, 615, 585, 717, 757, 330, 568, 686, 578, 853,
  749, 770, 667, 770, 682, 624, 625, 748, 619, 915, 627, 580, 613, 378, 387, 378, 590, 567, 626, 591, 644, 527, 644,
  581, 372, 597, 640, 304, 306, 604, 315, 964, 641, 626, 644, 644, 436, 495, 421, 637, 576, 863, 562, 574, 511, 378,
  296, 378, 590,
];

/** Width of a line in ems (exact for ASCII and CJK in the bundled font; 1 em for anything else). */
export function textWidthEm(text: string, bold: boolean): number {
  const table = bold ? ASCII_BOLD : ASCII_REGULAR;
  let w = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    w += c >= 0x20 && c <= 0x7e ? table[c - 0x20]! / 1000 : 1;
  }
  return w;
}

/** Splits text into lines no wider than maxEm: at spaces for Latin words, anywhere in CJK. */
export function wrapText(text: string, maxEm: number | null, bold: boolean, maxLines: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    if (maxEm === null || textWidthEm(paragraph, bold) <= maxEm) {
      out.push(paragraph);
      continue;
    }
    // Tokens: one CJK character, or a run of non-space non-CJK characters, or spaces.
    const tokens =
      paragraph.match(
        /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|\s+|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+/g,
      ) ?? [];
    let line = '';
    for (const token of tokens) {
      const next = line + token;
      if (textWidthEm(next.trimEnd(), bold) <= maxEm || line.trim() === '') {
        if (line.trim() === '' && textWidthEm(token, bold) > maxEm) {
          // A word longer than the line: cut it by characters.
          for (const ch of token) {
            if (textWidthEm(line + ch, bold) > maxEm && line !== '') {
              out.push(line);
              line = '';
            }
            line += ch;
          }
        } else line = next;
      } else {
        out.push(line.trimEnd());
        line = /^\s+$/.test(token) ? '' : token;
      }
    }
    if (line.trim() !== '') out.push(line.trimEnd());
  }
  const trimmed = out.length > maxLines ? out.slice(0, maxLines) : out;
  return trimmed;
}

function textLines(
  x: number,
  y: number,
  text: string,
  sizeMm: number,
  bold: boolean,
  width: number | null,
  align: TextLine['align'],
  maxLines: number,
): TextLine[] {
  const lines = wrapText(text, width === null ? null : width / sizeMm, bold, maxLines);
  return lines
    .map((line, i) => {
      const top = y + i * LINE_HEIGHT * sizeMm;
      return { kind: 'text' as const, x, top, baseline: top + ASCENT * sizeMm, width, align, sizeMm, bold, text: line };
    })
    .filter((l) => l.text.trim() !== '');
}

/** The human-readable line(s) under a barcode, centred under its actual width. */
export function hriLines(x: number, y: number, widthMm: number, text: string, sizeMm: number): TextLine[] {
  return textLines(x, y, text, sizeMm, false, widthMm, 'center', 3);
}

function barcodeContent(
  e: BarcodeElement,
  data: LabelData,
): (Pick<BarcodePrimitive, 'data' | 'bracketed'> & { hri: string }) | null {
  try {
    if (e.gs1) {
      const elements: { ai: string; value: string }[] = [];
      for (const b of e.gs1) {
        const value = gs1Value(b.ai, data, b.field);
        if (value !== null) elements.push({ ai: b.ai, value });
      }
      if (elements.length === 0) return null;
      const built = buildGs1(elements);
      return { data: built.data, bracketed: built.bracketed, hri: built.hri };
    }
    const text = bindText(e.data!, data);
    if (text === '') return null;
    if (e.symbology === 'code128' && !/^[\x20-\x7e]+$/.test(text))
      throw new AppError('label.barcode-invalid', 'Code 128 carries printable ASCII only', { element: e.id });
    return { data: text, bracketed: null, hri: text };
  } catch (err) {
    if (err instanceof AppError && err.code.startsWith('gs1.'))
      throw new AppError('label.barcode-invalid', `Barcode "${e.id}": ${err.message}`, {
        element: e.id,
        cause: err.code,
        ...(err.details ?? {}),
      });
    throw err;
  }
}

/** Lays out one label. Throws label.barcode-invalid when a barcode's data is not valid. */
export function layoutLabel(template: LabelTemplate, data: LabelData): Primitive[] {
  const out: Primitive[] = [];
  for (const e of template.elements) {
    if (e.when !== undefined && isEmptyValue(resolveField(data, e.when))) continue;
    switch (e.kind) {
      case 'text': {
        const sizeMm = sizeToMm(e.size);
        out.push(
          ...textLines(e.x, e.y, bindText(e.text, data), sizeMm, e.bold, e.maxWidth ?? null, e.align, e.maxLines),
        );
        break;
      }
      case 'barcode': {
        const content = barcodeContent(e, data);
        if (content === null) break;
        out.push({
          kind: 'barcode',
          id: e.id,
          symbology: e.symbology,
          x: e.x,
          y: e.y,
          heightMm: e.heightMm,
          moduleDots: e.moduleDots ?? null,
          targetWidthMm: e.targetWidthMm ?? null,
          data: content.data,
          bracketed: content.bracketed,
          hri: e.hri ? { text: content.hri, sizeMm: sizeToMm(e.hriSize) } : null,
        });
        break;
      }
      case 'line': {
        const t = e.thicknessMm;
        // A rule is a filled rectangle centred on the line: thermal printers draw boxes, not strokes.
        if (e.y === e.y2)
          out.push({
            kind: 'rule',
            x: Math.min(e.x, e.x2),
            y: e.y - t / 2,
            widthMm: Math.abs(e.x2 - e.x),
            heightMm: t,
          });
        else
          out.push({
            kind: 'rule',
            x: e.x - t / 2,
            y: Math.min(e.y, e.y2),
            widthMm: t,
            heightMm: Math.abs(e.y2 - e.y),
          });
        break;
      }
      case 'box':
        out.push({
          kind: 'box',
          x: e.x,
          y: e.y,
          widthMm: e.widthMm,
          heightMm: e.heightMm,
          thicknessMm: e.thicknessMm,
          filled: e.filled,
        });
        break;
      case 'image':
        out.push({ kind: 'image', x: e.x, y: e.y, widthMm: e.widthMm, heightMm: e.heightMm, png: e.png });
        break;
    }
  }
  return out;
}
