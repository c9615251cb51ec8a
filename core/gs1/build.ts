import { AppError } from '../errors.ts';
import { FNC1_GS, aiEntry } from './ai.ts';
import { parseGs1 } from './parse.ts';
import { mod10 } from './validate.ts';

export { FNC1_GS } from './ai.ts';

export interface Gs1Built {
  /** Element string: GS after every non-final AI that is not predefined-length; no leading FNC1. */
  data: string;
  /** Human-readable: "(00) 106141411234567897 (02) …". For display only. */
  hri: string;
  /** "(00)106141411234567897(02)…" with "(" in values escaped as "\(" (bwip-js / BWIPP input). */
  bracketed: string;
}

/**
 * Builds the element string for a barcode, in the order given, and refuses whatever our own
 * parser would refuse on scanning it (it parses the result back): a label we print must
 * receive at our dock.
 */
export function buildGs1(elements: readonly { ai: string; value: string }[]): Gs1Built {
  if (elements.length === 0) throw new AppError('gs1.empty', 'No elements to encode');
  let data = '';
  elements.forEach((e, index) => {
    const entry = aiEntry(e.ai);
    if (!entry) throw new AppError('gs1.unknown-ai', `Unknown Application Identifier (${e.ai})`, { ai: e.ai });
    if (e.value.includes(FNC1_GS))
      throw new AppError('gs1.unexpected-separator', `AI (${e.ai}): a value must not contain GS`, { ai: e.ai });
    data += e.ai + e.value;
    if (index < elements.length - 1 && !entry.predefined) data += FNC1_GS;
  });
  const bracketed = elements.map((e) => `(${e.ai})${e.value.replaceAll('(', '\\(')}`).join('');
  // Validate through the bracketed form first: its errors name the element without the
  // confusion a malformed value causes in unbracketed data; then the unbracketed scan itself.
  parseGs1(bracketed);
  // As a GS1-128 scanner would send it: the identifier also keeps a lone (400)… from reading as an EAN.
  const scanned = parseGs1(`]C1${data}`);
  const expected = elements.map((e) => `${e.ai}=${e.value}`);
  const got = scanned.elements.map((e) => `${e.ai}=${e.raw}`);
  if (new Set(expected).size !== got.length || !got.every((g) => expected.includes(g)))
    throw new AppError(
      'gs1.ambiguous',
      `The element string does not read back as the elements given: ${got.join(' ')}`,
    );
  return { data, hri: elements.map((e) => `(${e.ai}) ${e.value}`).join(' '), bracketed };
}

/**
 * An SSCC (AI 00 value): extension digit + company prefix + serial reference + check digit.
 * The serial reference gets the 16 − prefix-length digits left after the prefix.
 */
export function makeSscc(companyPrefix: string, extension: number, serial: number): string {
  if (!/^\d{4,12}$/.test(companyPrefix))
    throw new AppError(
      'gs1.bad-value',
      `A GS1 company prefix has 4 to 12 digits, got ${JSON.stringify(companyPrefix)}`,
    );
  if (!Number.isInteger(extension) || extension < 0 || extension > 9)
    throw new AppError('gs1.bad-value', `The SSCC extension digit must be 0–9, got ${extension}`);
  const width = 16 - companyPrefix.length;
  if (!Number.isSafeInteger(serial) || serial < 0 || serial >= 10 ** width)
    throw new AppError(
      'gs1.bad-value',
      `Serial ${serial} does not fit in the ${width} digits a ${companyPrefix.length}-digit company prefix leaves`,
      { width },
    );
  const body = `${extension}${companyPrefix}${String(serial).padStart(width, '0')}`;
  return `${body}${mod10(body)}`;
}
