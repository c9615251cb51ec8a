import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AppError } from '../errors.ts';
import { gs1CheckDigit } from '../gs1.ts';
import { buildGs1, makeSscc } from './build.ts';
import { FNC1_GS, aiEntry } from './ai.ts';
import { parseGs1 } from './parse.ts';
import { GS, refusal } from './testing.ts';

const GTIN = '09501101020917';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  return 'none';
}

describe('makeSscc', () => {
  it('builds the GS1 General Specifications example', () => {
    expect(makeSscc('0614141', 1, 123456789)).toBe('106141411234567897');
    expect(FNC1_GS).toBe('\x1d');
  });

  it('pads the serial to the digits the prefix leaves', () => {
    expect(makeSscc('690123456789', 0, 42)).toBe(`06901234567890042${gs1CheckDigit('06901234567890042')}`);
    expect(makeSscc('6901234', 9, 0)).toHaveLength(18);
  });

  it('refuses a serial that does not fit, and malformed prefixes and extension digits', () => {
    expect(codeOf(() => makeSscc('690123456789', 0, 10_000))).toBe('gs1.bad-value');
    expect(codeOf(() => makeSscc('6901234', 0, 1e9))).toBe('gs1.bad-value');
    expect(codeOf(() => makeSscc('6901234', 0, -1))).toBe('gs1.bad-value');
    expect(codeOf(() => makeSscc('6901234', 0, 1.5))).toBe('gs1.bad-value');
    expect(codeOf(() => makeSscc('69A1234', 0, 1))).toBe('gs1.bad-value');
    expect(codeOf(() => makeSscc('690', 0, 1))).toBe('gs1.bad-value');
    expect(codeOf(() => makeSscc('6901234', 10, 1))).toBe('gs1.bad-value');
  });

  it('always yields a valid SSCC that parses (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{4,12}$/), fc.integer({ min: 0, max: 9 }), fc.nat(), (prefix, ext, n) => {
        const serial = n % 10 ** (16 - prefix.length);
        const sscc = makeSscc(prefix, ext, serial);
        expect(sscc).toMatch(/^\d{18}$/);
        expect(parseGs1(`00${sscc}`).elements[0]?.raw).toBe(sscc);
      }),
    );
  });
});

describe('buildGs1', () => {
  it('puts GS only after non-final variable-length AIs', () => {
    const built = buildGs1([
      { ai: '02', value: GTIN },
      { ai: '37', value: '24' },
      { ai: '10', value: 'LOT-1' },
      { ai: '17', value: '260100' },
      { ai: '400', value: 'PO-2025-001' },
    ]);
    expect(built.data).toBe(`02${GTIN}3724${GS}10LOT-1${GS}17260100400PO-2025-001`);
    expect(built.hri).toBe(`(02) ${GTIN} (37) 24 (10) LOT-1 (17) 260100 (400) PO-2025-001`);
    expect(built.bracketed).toBe(`(02)${GTIN}(37)24(10)LOT-1(17)260100(400)PO-2025-001`);
  });

  it('escapes "(" in bracketed values', () => {
    const built = buildGs1([
      { ai: '01', value: GTIN },
      { ai: '10', value: 'A(1)' },
    ]);
    expect(built.bracketed).toBe(`(01)${GTIN}(10)A\\(1)`);
    expect(parseGs1(built.bracketed).elements[1]?.raw).toBe('A(1)');
  });

  it('refuses what the parser refuses', () => {
    expect(codeOf(() => buildGs1([]))).toBe('gs1.empty');
    expect(codeOf(() => buildGs1([{ ai: '89', value: 'X' }]))).toBe('gs1.unknown-ai');
    expect(codeOf(() => buildGs1([{ ai: '01', value: '09501101020918' }]))).toBe('gs1.bad-check-digit');
    expect(codeOf(() => buildGs1([{ ai: '00', value: '1' }]))).toBe('gs1.bad-length');
    expect(
      codeOf(() =>
        buildGs1([
          { ai: '01', value: GTIN },
          { ai: '10', value: '批次' },
        ]),
      ),
    ).toBe('gs1.bad-characters');
    expect(
      codeOf(() =>
        buildGs1([
          { ai: '01', value: GTIN },
          { ai: '17', value: '250231' },
        ]),
      ),
    ).toBe('gs1.bad-date');
    expect(
      codeOf(() =>
        buildGs1([
          { ai: '01', value: GTIN },
          { ai: '10', value: `A${GS}B` },
        ]),
      ),
    ).toBe('gs1.unexpected-separator');
    expect(codeOf(() => buildGs1([{ ai: '02', value: GTIN }]))).toBe('gs1.missing-required');
    expect(
      codeOf(() =>
        buildGs1([
          { ai: '01', value: GTIN },
          { ai: '37', value: '5' },
        ]),
      ),
    ).toBe('gs1.exclusive');
    expect(
      codeOf(() =>
        buildGs1([
          { ai: '01', value: GTIN },
          { ai: '10', value: 'A' },
          { ai: '10', value: 'B' },
        ]),
      ),
    ).toBe('gs1.duplicate-ai');
  });

  it('refuses a batch our dock could not tell from a lost separator', () => {
    // (10) last, no GS in the data, and its tail reads as a complete (17): the scan would be refused
    expect(
      codeOf(() =>
        buildGs1([
          { ai: '01', value: GTIN },
          { ai: '10', value: 'B17250101' },
        ]),
      ),
    ).toBe('gs1.ambiguous');
  });

  it('builds a lone (400) that, unidentified, would read like an EAN-13', () => {
    const built = buildGs1([{ ai: '400', value: '6381333931' }]);
    expect(built.data).toBe('4006381333931');
    expect(refusal(built.data).code).toBe('gs1.not-gs1');
    expect(parseGs1(`]C1${built.data}`).elements[0]?.raw).toBe('6381333931');
  });
});

// ---- properties: random valid element lists ------------------------------------------------

const digits = (n: number): fc.Arbitrary<string> => fc.stringMatching(new RegExp(`^\\d{${n}}$`));
const withCheck = (n: number): fc.Arbitrary<string> => digits(n - 1).map((d) => `${d}${gs1CheckDigit(d)}`);
const CSET82 = '!"%&\'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
const text = (max: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...CSET82), { minLength: 1, maxLength: max }).map((a) => a.join(''));
const date = fc
  .record({
    y: fc.integer({ min: 0, max: 99 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 0, max: 28 }),
  })
  .map(({ y, m, d }) => [y, m, d].map((n) => String(n).padStart(2, '0')).join(''));
const count = fc.integer({ min: 1, max: 99_999_999 }).map(String);

type El = { ai: string; value: string };
const el = (ai: string, value: fc.Arbitrary<string>): fc.Arbitrary<El> => value.map((v) => ({ ai, value: v }));
const optional = (a: fc.Arbitrary<El>): fc.Arbitrary<El[]> =>
  fc.option(a, { nil: undefined }).map((x) => (x ? [x] : []));

/** Element lists that satisfy the association rules: a logistic unit, a trade-item unit, or a trade item. */
const elementList: fc.Arbitrary<El[]> = fc
  .oneof(
    fc.tuple(
      el('00', withCheck(18)),
      optional(el('3301', digits(6))),
      optional(el('400', text(30))),
      optional(el('403', text(30))),
    ),
    fc.tuple(
      el('02', withCheck(14)),
      el('37', count),
      optional(el('10', text(20))),
      optional(el('17', date)),
      optional(el('400', text(30))),
      optional(el('410', withCheck(13))),
      optional(el('420', text(20))),
    ),
    fc.tuple(
      el('01', withCheck(14)),
      optional(el('10', text(20))),
      optional(el('21', text(20))),
      optional(el('15', date)),
      optional(el('3103', digits(6))),
      optional(el('90', text(30))),
      optional(
        el(
          '8008',
          fc
            .tuple(date, fc.integer({ min: 0, max: 23 }))
            .map(([d, h]) => `${d.slice(0, 4)}${d.slice(4) === '00' ? '01' : d.slice(4)}${String(h).padStart(2, '0')}`),
        ),
      ),
    ),
  )
  .map((parts) => parts.flat())
  .chain((list) => fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }));

const now = new Date('2025-06-15T00:00:00Z');
const readBack = (scan: string, gsSubstitute?: string): string[] =>
  parseGs1(scan, { now, ...(gsSubstitute ? { gsSubstitute } : {}) }).elements.map((e) => `${e.ai}=${e.raw}`);

describe('buildGs1 → parseGs1 (properties)', () => {
  it('round-trips through data, GS substitutes, symbology identifiers and the bracketed form', () => {
    let built = 0;
    let refused = 0;
    fc.assert(
      fc.property(elementList, (list) => {
        let b: ReturnType<typeof buildGs1>;
        try {
          b = buildGs1(list);
        } catch (e) {
          // The only acceptable refusal of a valid list: our own lost-separator rule
          expect(e).toBeInstanceOf(AppError);
          expect((e as AppError).code).toBe('gs1.ambiguous');
          refused += 1;
          return;
        }
        built += 1;
        const want = list.map((e) => `${e.ai}=${e.value}`);
        expect(readBack(`]C1${b.data}`)).toEqual(want);
        expect(readBack(`]d2${b.data}`)).toEqual(want);
        expect(readBack(`]Q3${b.data}\r\n`)).toEqual(want);
        expect(readBack(`]C1${b.data.replaceAll(GS, '{GS}')}`, '{GS}')).toEqual(want);
        expect(readBack(`]C1{GS}${b.data.replaceAll(GS, '{GS}')}`, '{GS}')).toEqual(want);
        expect(readBack(b.bracketed)).toEqual(want);
        if (!list.some((e) => e.value.includes('('))) expect(readBack(b.hri)).toEqual(want);
      }),
      { numRuns: 500 },
    );
    expect(built).toBeGreaterThan(refused * 10);
  });

  it('never reads a corrupted check-digit-protected character as a valid message', () => {
    const covered = new Set(['00', '01', '02', '410']);
    fc.assert(
      fc.property(elementList, fc.nat(), fc.constantFrom(...'0123456789AZa-/%', GS), (list, pick, replacement) => {
        let data: string;
        try {
          data = buildGs1(list).data;
        } catch {
          return;
        }
        // Character positions inside values that a check digit covers
        const positions: number[] = [];
        let p = 0;
        list.forEach((e, i) => {
          const start = p + e.ai.length;
          if (covered.has(e.ai)) for (let k = 0; k < e.value.length; k += 1) positions.push(start + k);
          p = start + e.value.length + (i < list.length - 1 && !aiEntry(e.ai)?.predefined ? 1 : 0);
        });
        const at = positions[pick % positions.length];
        if (at === undefined || data[at] === replacement) return;
        const corrupted = `]C1${data.slice(0, at)}${replacement}${data.slice(at + 1)}`;
        expect(() => parseGs1(corrupted, { now })).toThrow(AppError);
      }),
      { numRuns: 1000 },
    );
  });
});
