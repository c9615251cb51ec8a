import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gs1CheckDigit, hasValidGs1CheckDigit, isValidGtin, toGtin14 } from './gs1.ts';

describe('GS1 check digit', () => {
  it('matches published examples', () => {
    // SSCC from the GS1 general specifications, GTIN-13 and GTIN-8 examples.
    expect(hasValidGs1CheckDigit('106141411234567897')).toBe(true);
    expect(gs1CheckDigit('10614141123456789')).toBe(7);
    expect(isValidGtin('4006381333931')).toBe(true);
    expect(isValidGtin('96385074')).toBe(true);
    expect(isValidGtin('00012345600012')).toBe(true);
  });

  it('refuses wrong check digits, wrong lengths and non-digits', () => {
    expect(isValidGtin('4006381333932')).toBe(false);
    expect(isValidGtin('400638133393')).toBe(false);
    expect(isValidGtin('40063813339311')).toBe(false);
    expect(isValidGtin('40063813339a1')).toBe(false);
    expect(() => gs1CheckDigit('12a')).toThrow(RangeError);
  });

  it('catches every single-digit error (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12}$/), fc.nat(11), fc.integer({ min: 1, max: 9 }), (body, pos, delta) => {
        const gtin = `${body}${gs1CheckDigit(body)}`;
        expect(isValidGtin(gtin)).toBe(true);
        const digits = [...gtin];
        digits[pos] = String((Number(digits[pos]) + delta) % 10);
        expect(isValidGtin(digits.join(''))).toBe(false);
      }),
    );
  });

  it('pads to GTIN-14', () => {
    expect(toGtin14('4006381333931')).toBe('04006381333931');
  });
});
