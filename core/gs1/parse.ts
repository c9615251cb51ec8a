import { AppError } from '../errors.ts';
import { FNC1_GS, aiAt, aiEntry, type AiEntry } from './ai.ts';
import { checkAssociations, type AssociationScope } from './rules.ts';
import { normaliseScan, type Gs1Symbology } from './scan.ts';
import { checkValue, describeLength, gs1Error, type CheckedValue } from './validate.ts';

export { FNC1_GS } from './ai.ts';
export type { Gs1Symbology } from './scan.ts';
export type { AssociationScope } from './rules.ts';

export interface Gs1Element {
  ai: string;
  title: string;
  /** The value exactly as carried (no AI, no separator). */
  raw: string;
  /** Counts and measures as numbers (decimals applied); everything else the raw string. */
  value: string | number | null;
  /** YYYY-MM-DD for date AIs (day 00 = last day of the month). */
  date?: string;
  /** Implied decimal places of a measure or amount (the AI's last digit). */
  decimals?: number;
}

export interface Gs1Message {
  symbology: Gs1Symbology | null;
  elements: Gs1Element[];
}

export interface ParseGs1Options {
  /** A site-programmed text the scanner sends instead of GS, e.g. "{GS}". */
  gsSubstitute?: string;
  /**
   * 'scan' (default): rules that one barcode can satisfy; 'label': all rules (combined data of a
   * whole label); 'none': skip association rules (the caller combines barcodes and calls
   * checkAssociations itself).
   */
  associations?: AssociationScope | 'none';
  /** Reference date for the two-digit-year century rule (tests pin it). */
  now?: Date;
}

interface Found {
  entry: AiEntry;
  raw: string;
  checked: CheckedValue;
}

/**
 * Parses scanner output or typed HRI into GS1 elements, refusing anything it would have to
 * guess about (docs/specs/gs1.md). Throws AppError('gs1.*', message, { position?, ai? }).
 */
export function parseGs1(scan: string, options: ParseGs1Options = {}): Gs1Message {
  const norm = normaliseScan(scan, options.gsSubstitute);
  const year = (options.now ?? new Date()).getUTCFullYear();
  const found = norm.bracketed
    ? parseBracketed(norm.data, norm.origin, year)
    : parseElementString(norm.data, norm.origin, year, true);
  const scope = options.associations ?? 'scan';
  if (scope !== 'none')
    checkAssociations(
      found.map((f) => ({ ai: f.entry.ai, raw: f.raw })),
      scope,
    );
  return { symbology: norm.symbology, elements: toElements(found) };
}

function toElements(found: readonly Found[]): Gs1Element[] {
  const out: Gs1Element[] = [];
  const seen = new Set<string>();
  for (const f of found) {
    // A repeated AI with the same value says nothing new (checkAssociations refused different ones).
    if (seen.has(f.entry.ai)) continue;
    seen.add(f.entry.ai);
    out.push({ ai: f.entry.ai, title: f.entry.title, raw: f.raw, ...f.checked });
  }
  return out;
}

/** "(01)…(10)…": the brackets are the boundaries. "\(" is a literal bracket in a value; spaces between elements (HRI) are ignored. */
function parseBracketed(data: string, origin: (i: number) => number, year: number): Found[] {
  const found: Found[] = [];
  let i = 0;
  while (i < data.length) {
    if (data[i] !== '(')
      throw new AppError('gs1.unknown-ai', 'Expected "(" and an Application Identifier', { position: origin(i) });
    const close = data.indexOf(')', i + 1);
    const ai = close < 0 ? data.slice(i + 1) : data.slice(i + 1, close);
    const entry = close < 0 ? undefined : aiEntry(ai);
    if (!entry)
      throw new AppError('gs1.unknown-ai', `Unknown Application Identifier (${ai})`, { position: origin(i + 1), ai });
    let j = close + 1;
    let raw = '';
    const rawOrigin: number[] = [];
    while (j < data.length && data[j] !== '(') {
      if (data[j] === '\\' && data[j + 1] === '(') j += 1;
      rawOrigin.push(j);
      raw += data[j];
      j += 1;
    }
    // HRI puts a space after ")" and between elements; a space is never GS1 data (not in set 82).
    let start = 0;
    let end = raw.length;
    while (start < end && raw[start] === ' ') start += 1;
    while (end > start && raw[end - 1] === ' ') end -= 1;
    const value = raw.slice(start, end);
    const at = (k: number): number => origin(rawOrigin[start + k] ?? j);
    if (value.includes(FNC1_GS))
      throw gs1Error(
        'gs1.unexpected-separator',
        `AI (${ai}): a GS inside bracketed data`,
        ai,
        at(value.indexOf(FNC1_GS)),
      );
    found.push({ entry, raw: value, checked: checkValue(entry, value, at, year) });
    i = j;
  }
  return found;
}

/**
 * Unbracketed element string (§7.8.5): a predefined-length AI takes exactly its length; any
 * other AI runs to the next GS or the end of the data. `strict` adds the lost-separator test;
 * the test itself parses candidate tails with it off.
 */
function parseElementString(data: string, origin: (i: number) => number, year: number, strict: boolean): Found[] {
  const found: Found[] = [];
  const hasSeparator = data.includes(FNC1_GS);
  let i = 0;
  while (i < data.length) {
    if (data[i] === FNC1_GS)
      throw new AppError(
        'gs1.unexpected-separator',
        'Two separators in a row, or a separator where an AI should start',
        {
          position: origin(i),
        },
      );
    const entry = aiAt(data, i);
    if (!entry)
      throw new AppError(
        'gs1.unknown-ai',
        `No known Application Identifier at ${JSON.stringify(data.slice(i, i + 4))}`,
        {
          position: origin(i),
        },
      );
    const ai = entry.ai;
    const vStart = i + ai.length;
    const gs = data.indexOf(FNC1_GS, vStart);
    const fieldEnd = gs < 0 ? data.length : gs;
    const at = (k: number): number => origin(vStart + k);

    if (entry.minLength === entry.maxLength) {
      const vEnd = vStart + entry.maxLength;
      if (vEnd > fieldEnd)
        throw gs1Error(
          'gs1.bad-length',
          `AI (${ai}): value is too short (${fieldEnd - vStart} characters; ${describeLength(entry)})`,
          ai,
          origin(fieldEnd),
        );
      const raw = data.slice(vStart, vEnd);
      found.push({ entry, raw, checked: checkValue(entry, raw, at, year) });
      if (vEnd < data.length && data[vEnd] === FNC1_GS) i = vEnd + 1;
      else if (vEnd < data.length && !entry.predefined)
        // Fixed length but not in the predefined table: GS1 requires a separator after it (§7.8.5.2).
        throw gs1Error('gs1.bad-length', `AI (${ai}) must be followed by a separator (GS)`, ai, origin(vEnd));
      else i = vEnd;
      continue;
    }

    const raw = data.slice(vStart, fieldEnd);
    let checked: CheckedValue;
    try {
      checked = checkValue(entry, raw, at, year);
    } catch (e) {
      // A field that fails on its own but splits into a valid value plus valid further elements
      // is what a lost separator looks like: say so rather than report the symptom.
      const k = strict ? lostSeparatorAt(data, entry, vStart, fieldEnd, year) : -1;
      if (k < 0) throw e;
      throw gs1Error(
        'gs1.ambiguous',
        `${e instanceof Error ? e.message : String(e)}; with a separator (GS) after ${JSON.stringify(raw.slice(0, k))} it reads as valid, so one was probably lost`,
        ai,
        at(k),
      );
    }
    if (strict && !hasSeparator) {
      const k = hiddenElementAt(raw, entry.minLength, year);
      if (k >= 0)
        throw gs1Error(
          'gs1.ambiguous',
          `AI (${ai}) value ${JSON.stringify(raw)} ends with what reads as a complete element string ${JSON.stringify(raw.slice(k))}: with no separator in the scan it cannot be told apart from a lost GS`,
          ai,
          at(k),
        );
    }
    found.push({ entry, raw, checked });
    i = gs < 0 ? data.length : gs + 1;
  }
  return found;
}

/**
 * The first length k within the AI's limits where the field's first k characters are a valid
 * value and everything after them parses completely: the split a lost GS would explain. -1 if none.
 */
function lostSeparatorAt(data: string, entry: AiEntry, vStart: number, fieldEnd: number, year: number): number {
  const last = Math.min(entry.maxLength, fieldEnd - vStart - 1);
  for (let k = entry.minLength; k <= last; k += 1) {
    if (!aiAt(data, vStart + k)) continue;
    try {
      checkValue(entry, data.slice(vStart, vStart + k), (x) => x, year);
      parseElementString(data.slice(vStart + k), (x) => x, year, false);
      return k;
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
    }
  }
  return -1;
}

/**
 * The lost-separator test for a variable-length value in a scan without any GS: the first
 * index k (after the AI's minimum length) where the rest of the value parses, on its own, as a
 * complete valid element string whose first element is self-checking (a check digit or a date
 * guards it). Such a value cannot be told apart from "value[0..k) GS value[k..)". -1 if none.
 */
function hiddenElementAt(raw: string, minLength: number, year: number): number {
  for (let k = Math.max(1, minLength); k < raw.length - 2; k += 1) {
    const entry = aiAt(raw, k);
    if (!entry?.selfChecking) continue;
    try {
      parseElementString(raw.slice(k), (x) => x, year, false);
      return k;
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
    }
  }
  return -1;
}
