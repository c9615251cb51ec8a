/**
 * Money is an integer number of minor units with an ISO 4217 currency. Never a float.
 */
export const CURRENCIES = ['CNY', 'USD', 'EUR', 'HKD', 'JPY', 'GBP'] as const;
export type Currency = (typeof CURRENCIES)[number];

const MINOR_DIGITS: Record<Currency, number> = { CNY: 2, USD: 2, EUR: 2, HKD: 2, JPY: 0, GBP: 2 };

export interface Money {
  amountMinor: number;
  currency: Currency;
}

export function minorDigits(currency: Currency): number {
  return MINOR_DIGITS[currency];
}

export function assertSafeMinor(amountMinor: number): void {
  if (!Number.isSafeInteger(amountMinor)) throw new RangeError(`Not a safe integer amount: ${amountMinor}`);
}

export function money(amountMinor: number, currency: Currency): Money {
  assertSafeMinor(amountMinor);
  return { amountMinor, currency };
}

export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new RangeError(`Currency mismatch: ${a.currency} + ${b.currency}`);
  return money(a.amountMinor + b.amountMinor, a.currency);
}

/** Exact decimal string for display and export, e.g. 123456 CNY → "1234.56". */
export function formatMinor(amountMinor: number, currency: Currency): string {
  assertSafeMinor(amountMinor);
  const digits = minorDigits(currency);
  const negative = amountMinor < 0;
  const abs = String(Math.abs(amountMinor)).padStart(digits + 1, '0');
  const whole = digits === 0 ? abs : abs.slice(0, -digits);
  const frac = digits === 0 ? '' : `.${abs.slice(-digits)}`;
  return `${negative ? '-' : ''}${whole}${frac}`;
}

/**
 * Parses a decimal string typed by a clerk into minor units, exactly (no float arithmetic).
 * Returns null when the text is not a number or has more decimals than the currency allows.
 */
export function parseMinor(text: string, currency: Currency): number | null {
  const trimmed = text.trim().replaceAll(',', '');
  const match = /^(-)?(\d+)(?:\.(\d*))?$/.exec(trimmed);
  if (!match) return null;
  const digits = minorDigits(currency);
  const frac = match[3] ?? '';
  if (frac.length > digits) return null;
  const value = Number(`${match[2]}${frac.padEnd(digits, '0')}`) * (match[1] ? -1 : 1);
  return Number.isSafeInteger(value) ? value : null;
}
