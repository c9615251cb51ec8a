import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addMoney, formatMinor, money, parseMinor, CURRENCIES } from './money.ts';

describe('money', () => {
  it('formats minor units exactly', () => {
    expect(formatMinor(123456, 'CNY')).toBe('1234.56');
    expect(formatMinor(5, 'CNY')).toBe('0.05');
    expect(formatMinor(-5, 'USD')).toBe('-0.05');
    expect(formatMinor(1200, 'JPY')).toBe('1200');
    expect(formatMinor(Number.MAX_SAFE_INTEGER, 'CNY')).toBe('90071992547409.91');
  });

  it('parses clerk input without floating point', () => {
    expect(parseMinor('0.1', 'CNY')).toBe(10);
    expect(parseMinor('1,234.5', 'CNY')).toBe(123450);
    expect(parseMinor(' 20 ', 'CNY')).toBe(2000);
    expect(parseMinor('0.29', 'CNY')).toBe(29); // 0.29 * 100 is 28.999999999999996 in floats
    expect(parseMinor('1.234', 'CNY')).toBeNull();
    expect(parseMinor('1.5', 'JPY')).toBeNull();
    expect(parseMinor('abc', 'CNY')).toBeNull();
    expect(parseMinor('', 'CNY')).toBeNull();
    expect(parseMinor('99999999999999999', 'CNY')).toBeNull();
  });

  it('round-trips every safe amount in every currency (property)', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.constantFrom(...CURRENCIES), (amount, currency) => {
        expect(parseMinor(formatMinor(amount, currency), currency)).toBe(amount);
      }),
    );
  });

  it('refuses to add different currencies or unsafe amounts', () => {
    expect(() => addMoney(money(1, 'CNY'), money(1, 'USD'))).toThrow(/Currency mismatch/);
    expect(() => money(0.5, 'CNY')).toThrow(RangeError);
    expect(addMoney(money(150, 'CNY'), money(-50, 'CNY'))).toEqual({ amountMinor: 100, currency: 'CNY' });
  });
});
