import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import { customerFields, itemFields, supplierFields } from './masterdata/schemas.ts';
import { parseInput } from './validation.ts';

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const appError = err as AppError;
    expect(appError.code).toBe('validation.invalid-input');
    return appError.details?.fields ?? [];
  }
  throw new Error('expected a validation error');
}

describe('boundary validation', () => {
  it('applies defaults and normalises empty optional text to null', () => {
    const c = parseInput(customerFields, { code: 'C1', name: ' 上海华联 ', email: '', phone: '' });
    expect(c).toMatchObject({
      name: '上海华联',
      grade: 'C',
      currency: 'CNY',
      creditLimitMinor: 0,
      email: null,
      phone: null,
    });
  });

  it('reports coded, translatable field issues', () => {
    const fields = issuesOf(() =>
      parseInput(customerFields, { code: 'bad code!', name: '', email: 'not-mail', creditLimitMinor: 1.5 }),
    );
    expect(fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'code', code: 'code-format' }),
        expect.objectContaining({ path: 'name', code: 'required' }),
        expect.objectContaining({ path: 'email', code: 'email-invalid' }),
        expect.objectContaining({ path: 'creditLimitMinor', code: 'invalid-type' }),
      ]),
    );
  });

  it('checks GTINs, units and item rules', () => {
    const fields = issuesOf(() =>
      parseInput(itemFields, {
        sku: 'SKU-1',
        name: 'x',
        baseUom: 'EA',
        gtin: '4006381333932',
        expiryTracked: true,
        uoms: [{ uom: 'ea', factor: 6 }],
      }),
    );
    expect(fields.map((f) => `${f.path}:${f.code}`)).toEqual(
      expect.arrayContaining(['gtin:gtin-invalid', 'uoms.0.uom:uom-duplicate', 'expiryTracked:expiry-needs-lot']),
    );
  });

  it('checks the GS1 company prefix format', () => {
    const fields = issuesOf(() => parseInput(supplierFields, { code: 'S1', name: 'x', gs1CompanyPrefix: '12a' }));
    expect(fields).toEqual([expect.objectContaining({ path: 'gs1CompanyPrefix', code: 'gs1-prefix-format' })]);
    expect(parseInput(supplierFields, { code: 'S1', name: 'x', gs1CompanyPrefix: '6901234' }).gs1CompanyPrefix).toBe(
      '6901234',
    );
  });

  it('output of a parse parses again to the same value (outbox args replay on the server)', () => {
    const once = parseInput(customerFields, {
      code: 'C9',
      name: 'n',
      email: '',
      addresses: [{ kind: 'billing', line1: 'x' }],
    });
    expect(parseInput(customerFields, once)).toEqual(once);
  });
});
