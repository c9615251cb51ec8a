/**
 * GS1 mod-10 check digit (GTIN, GLN, SSCC): weights 3,1,3,1… from the rightmost data digit.
 * The element-string builder and parser live in core/gs1/; this rule is needed by master data too.
 */
export function gs1CheckDigit(dataDigits: string): number {
  if (!/^\d+$/.test(dataDigits)) throw new RangeError('GS1 data must be digits only');
  let sum = 0;
  for (let i = 0; i < dataDigits.length; i += 1) {
    const digit = dataDigits.charCodeAt(dataDigits.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

export function hasValidGs1CheckDigit(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  return gs1CheckDigit(digits.slice(0, -1)) === Number(digits.at(-1));
}

/** GTIN-8, -12, -13 or -14 with a correct check digit. */
export function isValidGtin(value: string): boolean {
  return /^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(value) && hasValidGs1CheckDigit(value);
}

/** Normalises any valid GTIN to its 14-digit form (as carried in AI 01). */
export function toGtin14(value: string): string {
  return value.padStart(14, '0');
}
