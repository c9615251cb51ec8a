/** Our own cases: every gs1.* refusal, scanner quirks, error positions, association scopes, speed. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { parseGs1 } from './parse.ts';
import { checkAssociations } from './rules.ts';
import { GS, pairs, refusal } from './testing.ts';

const now = new Date('2025-06-15T00:00:00Z');
const SSCC = '106141411234567897'; // GS1 General Specifications example
const GTIN = '09501101020917';
/** A content barcode as our label prints it: (02)(17)(37)GS(10). */
const CONTENT = `02${GTIN}17260131372400${GS}10LOT-A1`;

describe('parseGs1 accepts', () => {
  it('a content barcode with count, expiry and batch', () => {
    const m = parseGs1(`]C1${CONTENT}`, { now });
    expect(m).toEqual({
      symbology: 'gs1-128',
      elements: [
        { ai: '02', title: 'CONTENT', raw: GTIN, value: GTIN },
        { ai: '17', title: 'USE BY OR EXPIRY', raw: '260131', value: '260131', date: '2026-01-31' },
        { ai: '37', title: 'COUNT', raw: '2400', value: 2400 },
        { ai: '10', title: 'BATCH/LOT', raw: 'LOT-A1', value: 'LOT-A1' },
      ],
    });
  });

  it('GS as a configured substitute, with symbology identifiers, and an FNC1-in-first sent as GS', () => {
    const expected = pairs(CONTENT, { now });
    expect(pairs(`]d2${CONTENT.replaceAll(GS, '{GS}')}`, { gsSubstitute: '{GS}', now })).toEqual(expected);
    expect(pairs(`]Q3${CONTENT.replaceAll(GS, '<GS>')}`, { gsSubstitute: '<GS>', now })).toEqual(expected);
    expect(pairs(`${GS}${CONTENT}`, { now })).toEqual(expected);
    expect(pairs(`]J1${CONTENT}\r\n`, { now })).toEqual(expected);
  });

  it('HRI as printed under the barcode, and bracketed input', () => {
    expect(pairs(`(00) ${SSCC}`)).toEqual([`00=${SSCC}`]);
    expect(pairs(`(02)${GTIN}(37)2400(10)LOT-A1(17)260131`, { now })).toEqual(
      pairs(CONTENT, { now }).sort((a, b) => {
        const order = ['02', '37', '10', '17'];
        return order.indexOf(a.split('=')[0] ?? '') - order.indexOf(b.split('=')[0] ?? '');
      }),
    );
  });

  it('a batch that merely contains digits when nothing self-checking hides in it', () => {
    // "…2024" ends in what could be (20)"24", but (20) has no check digit or date: not evidence
    expect(pairs(`02${GTIN}372410LOT2024`.replace('3724', `3724${GS}`), { now })).toContain('10=LOT2024');
    expect(pairs(`01${GTIN}10LOT2024`, { now })).toEqual([`01=${GTIN}`, '10=LOT2024']);
  });

  it('the last variable field containing a hidden element when the scan carries a GS (separators demonstrably arrive)', () => {
    expect(pairs(`02${GTIN}3724${GS}10ABC1717250101`, { now })).toContain('10=ABC1717250101');
  });

  it('only rules one barcode can meet by default; all of them for a whole label', () => {
    // (37) needs (00) per GS1, but the SSCC is its own barcode on a logistic label
    expect(() => parseGs1(`02${GTIN}3724`)).not.toThrow();
    expect(refusal(`02${GTIN}3724`, { associations: 'label' }).code).toBe('gs1.missing-required');
    expect(() => parseGs1(`00${SSCC}02${GTIN}3724`, { associations: 'label' })).not.toThrow();
    expect(() => parseGs1(`00${SSCC}3301001250`)).not.toThrow();
    expect(() => parseGs1('(3301)001250')).not.toThrow(); // (330n) needs (00) or (01): not checkable per scan
    expect(refusal('(3103)001250').code).toBe('gs1.missing-required'); // (310n) needs (01) or (02): checkable
    expect(() => parseGs1('(10)ABC', { associations: 'none' })).not.toThrow();
  });

  it('checkAssociations over the barcodes of one label combined', () => {
    const sscc = parseGs1(`00${SSCC}`).elements;
    const content = parseGs1(`02${GTIN}3724`).elements;
    expect(() => checkAssociations([...sscc, ...content], 'label')).not.toThrow();
    expect(() => checkAssociations(content, 'label')).toThrow(AppError);
  });
});

describe('parseGs1 refuses, with a code for each case', () => {
  const cases: [string, string, string, Record<string, unknown>?][] = [
    ['empty scan', '', 'gs1.empty'],
    ['only whitespace', '  \r\n', 'gs1.empty'],
    ['only an identifier', ']d2', 'gs1.empty'],
    ['plain Code 128', ']C0ABC123', 'gs1.not-gs1'],
    ['plain Data Matrix', ']d1010950110102091710ABC', 'gs1.not-gs1'],
    ['text without an AI', 'HELLO', 'gs1.not-gs1'],
    ['an EAN-13 without identifier', '4006381333931', 'gs1.not-gs1'],
    ['malformed identifier', ']1A0112345678901231', 'gs1.bad-symbology'],
    ['lower-case identifier letter', ']x10112345678901231', 'gs1.bad-symbology'],
    ['unknown AI', ']C1891234', 'gs1.unknown-ai', { position: 3 }],
    ['unknown bracketed AI', '(89)X', 'gs1.unknown-ai', { ai: '89' }],
    ['short SSCC', `00${SSCC.slice(1)}`, 'gs1.bad-length', { ai: '00' }],
    ['fixed-length non-predefined AI without GS', `]C1422156${'10ABC'}`, 'gs1.bad-length', { ai: '422' }],
    ['Chinese in a batch', '(01)09501101020917(10)批次1', 'gs1.bad-characters', { ai: '10', position: 22 }],
    ['letter in a count', '(02)09501101020917(37)2A', 'gs1.bad-characters', { ai: '37' }],
    ['SSCC check digit', `00${SSCC.slice(0, -1)}8`, 'gs1.bad-check-digit', { ai: '00', position: 19 }],
    ['GLN check digit', `00${SSCC}4101234567890127`, 'gs1.bad-check-digit', { ai: '410' }],
    ['30 February', `01${GTIN}17250230`, 'gs1.bad-date', { ai: '17' }],
    ['month 13', `01${GTIN}17251300`, 'gs1.bad-date'],
    ['day 00 where a real day is needed', `01${GTIN}7006250100`, 'gs1.bad-date'],
    ['piece 3 of 2', `(8006)${GTIN}0302`, 'gs1.bad-value', { ai: '8006' }],
    ['batch swallowing an expiry date (lost GS)', `01${GTIN}10ABC17250101`, 'gs1.ambiguous', { ai: '10' }],
    ['batch swallowing a GTIN (lost GS)', `00${SSCC}10AB0109501101020917`, 'gs1.ambiguous'],
    ['count running into a batch (lost GS)', `02${GTIN}372410LOT-A1`, 'gs1.ambiguous', { ai: '37' }],
    ['batch overrunning 20 characters into an expiry', `01${GTIN}10ABCDEFGHIJKLMNOPQRST17250101`, 'gs1.ambiguous'],
    ['two GS in a row', `01${GTIN}10ABC${GS}${GS}17250101`, 'gs1.unexpected-separator'],
    ['GS straight after an AI', `01${GTIN}10${GS}17250101`, 'gs1.bad-length'],
    ['GS inside bracketed data', `(01)${GTIN}(10)AB${GS}C`, 'gs1.unexpected-separator'],
    ['two GS at the start', `${GS}${GS}01${GTIN}`, 'gs1.unexpected-separator'],
    ['same AI, different values', `(01)${GTIN}(10)A(10)B`, 'gs1.duplicate-ai', { ai: '10' }],
    ['GTIN with GTIN of contents', `(01)${GTIN}(02)${GTIN}(37)1`, 'gs1.exclusive'],
    ['two net weights of one family', `(01)${GTIN}(3102)000100(3103)001000`, 'gs1.exclusive'],
    ['ship-to postcode twice over', '(420)12345(421)528ABC', 'gs1.exclusive'],
    ['GTIN of contents without count', `02${GTIN}`, 'gs1.missing-required', { ai: '02' }],
    ['count without content', '(37)12', 'gs1.missing-required', { ai: '37' }],
    ['batch on its own', '(10)ABC', 'gs1.missing-required', { ai: '10' }],
    ['secondary serial without serial', `(01)${GTIN}(250)X`, 'gs1.missing-required', { ai: '250' }],
  ];
  for (const [name, scan, code, details] of cases)
    it(name, () => {
      const e = refusal(scan, { now });
      expect(e.code).toBe(code);
      expect(typeof e.message).toBe('string');
      if (details) expect(e.details).toMatchObject(details);
    });

  it('a substitute made of digits (it would eat AI digits)', () => {
    expect(refusal(`01${GTIN}10A99`, { gsSubstitute: '99' }).code).toBe('gs1.bad-value');
    expect(refusal(`01${GTIN}`, { gsSubstitute: '<9>' }).code).toBe('gs1.bad-value');
  });
});

describe('error positions point into the input as typed', () => {
  it('through a multi-character substitute and an identifier', () => {
    const scan = `]C1{GS}02${GTIN}3724{GS}10LOT{GS}17251301`;
    const e = refusal(scan, { gsSubstitute: '{GS}', now });
    expect(e.code).toBe('gs1.bad-date');
    expect(scan.slice(e.details?.['position'] as number)).toBe('251301');
  });

  it('for a check digit after leading whitespace', () => {
    const scan = `  00${SSCC.slice(0, -1)}0`;
    const e = refusal(scan);
    expect(scan[e.details?.['position'] as number]).toBe('0');
    expect(e.details?.['position']).toBe(scan.length - 1);
  });
});

describe('dates', () => {
  it('use the current year for the century when no date is pinned', () => {
    const yy = String(new Date().getUTCFullYear() % 100).padStart(2, '0');
    expect(parseGs1(`01${GTIN}17${yy}0101`).elements[1]?.date).toBe(`${new Date().getUTCFullYear()}-01-01`);
  });
  it('accept 29 February only in leap years', () => {
    expect(parseGs1(`01${GTIN}17280229`, { now }).elements[1]?.date).toBe('2028-02-29');
    expect(refusal(`01${GTIN}17270229`, { now }).code).toBe('gs1.bad-date');
  });
});

describe('speed', () => {
  it('parses a logistic label scan in microseconds', () => {
    const scans = [`]C100${SSCC}`, `]C1${CONTENT}`, `]C1${CONTENT.replace('10LOT-A1', '10LOT2024XYZ17')}`];
    for (const s of scans) parseGs1(s, { now });
    const n = 20_000;
    const start = performance.now();
    for (let i = 0; i < n; i += 1) parseGs1(scans[i % scans.length] ?? '', { now });
    const perScanMs = (performance.now() - start) / n;
    // Typically 2–10 µs here; the bound leaves room for a loaded CI machine and stays far under P3's 20 ms.
    expect(perScanMs).toBeLessThan(0.2);
  });

  it('stays linear on long hostile input', () => {
    const hostile = `]C1${'9'.repeat(2)}${'1'.repeat(5000)}`;
    const start = performance.now();
    expect(refusal(hostile).code).toMatch(/^gs1\.(bad-length|ambiguous)$/);
    expect(performance.now() - start).toBeLessThan(200);
  });
});
