import { AppError } from '../errors.ts';
import { FNC1_GS } from './ai.ts';
import { mod10 } from './validate.ts';

export type Gs1Symbology = 'gs1-128' | 'gs1-datamatrix' | 'gs1-qr';

/**
 * AIM symbology identifiers that announce GS1 element strings (ISO/IEC 15424; GS1 GenSpecs
 * §5.1.2 / §5.4). ]e0 is GS1 DataBar and GS1-128 with a composite, ]J1 GS1 DotCode: both carry
 * element strings but are none of the three symbologies we report, so they come back as null.
 */
const GS1_IDENTIFIERS: Readonly<Record<string, Gs1Symbology | null>> = {
  C1: 'gs1-128',
  d2: 'gs1-datamatrix',
  Q3: 'gs1-qr',
  e0: null,
  J1: null,
};

export interface NormalisedScan {
  symbology: Gs1Symbology | null;
  /** Element string data: GS (ASCII 29) as separator, identifier and leading FNC1 removed. */
  data: string;
  /** True for "(01)…(10)…" input: boundaries are explicit. */
  bracketed: boolean;
  /** Index in `data` → index in the caller's input (for error positions). */
  origin: (index: number) => number;
}

/**
 * The scanner-side clean-up before parsing: surrounding whitespace (the wedge's Enter), the
 * symbology identifier, a site-configured GS substitute, and an FNC1-in-first transmitted as GS.
 */
export function normaliseScan(scan: string, gsSubstitute?: string): NormalisedScan {
  const lead = scan.length - scan.trimStart().length;
  let s = scan.trim();
  let base = lead;
  if (s.length === 0) throw new AppError('gs1.empty', 'The scan is empty', { position: 0 });

  let symbology: Gs1Symbology | null = null;
  let identified = false;
  if (s[0] === ']') {
    const id = s.slice(1, 3);
    // AIM symbology code characters are upper-case letters plus d (Data Matrix), e (DataBar), z (Aztec).
    if (!/^[A-Zdez][0-9A-Za-z]$/.test(id))
      throw new AppError('gs1.bad-symbology', `Malformed symbology identifier ${JSON.stringify(s.slice(0, 3))}`, {
        position: base,
      });
    if (!(id in GS1_IDENTIFIERS))
      throw new AppError('gs1.not-gs1', `Symbology identifier ]${id} announces data that is not a GS1 element string`, {
        position: base,
      });
    symbology = GS1_IDENTIFIERS[id] ?? null;
    identified = true;
    s = s.slice(3);
    base += 3;
    if (s.length === 0)
      throw new AppError('gs1.empty', `The scan holds only the symbology identifier ]${id}`, {
        position: base,
      });
  }

  // Substitutes are replaced left to right; `starts[k]` is where data index k came from.
  let origin: (index: number) => number = (i) => base + i;
  // Checked even when absent from this scan: a misconfigured scanner setting should show at once.
  if (gsSubstitute !== undefined && /[0-9]/.test(gsSubstitute))
    throw new AppError('gs1.bad-value', `A GS substitute must not contain digits: ${JSON.stringify(gsSubstitute)}`);
  if (gsSubstitute !== undefined && gsSubstitute !== '' && s.includes(gsSubstitute)) {
    const starts: number[] = [];
    let out = '';
    for (let i = 0; i < s.length;) {
      if (s.startsWith(gsSubstitute, i)) {
        starts.push(i);
        out += FNC1_GS;
        i += gsSubstitute.length;
      } else {
        starts.push(i);
        out += s[i];
        i += 1;
      }
    }
    const offset = base;
    const sourceLength = s.length;
    origin = (i) => offset + (i < starts.length ? (starts[i] ?? 0) : sourceLength);
    s = out;
  }

  if (!identified && s[0] === '(') return { symbology, data: s, bracketed: true, origin };

  // Some scanners send the FNC1 in first position as GS; it carries no data.
  if (s[0] === FNC1_GS) {
    const shifted = origin;
    origin = (i) => shifted(i + 1);
    s = s.slice(1);
    if (s.length === 0) throw new AppError('gs1.empty', 'The scan holds only a separator', { position: shifted(0) });
    if (s[0] === FNC1_GS)
      throw new AppError('gs1.unexpected-separator', 'Two separators at the start of the scan', {
        position: origin(0),
      });
  }

  if (!/^[0-9]{2}/.test(s))
    throw new AppError('gs1.not-gs1', 'The scan does not start with an Application Identifier', {
      position: origin(0),
    });
  // Without an identifier, a bare EAN/UPC/ITF-14 number would otherwise read as (40x)… or (10)…
  if (!identified && /^(\d{8}|\d{12,14})$/.test(s) && mod10(s.slice(0, -1)) === Number(s.at(-1)))
    throw new AppError('gs1.not-gs1', 'The scan is a plain GTIN (EAN/UPC/ITF-14), not a GS1 element string', {
      position: origin(0),
    });
  return { symbology, data: s, bracketed: false, origin };
}
