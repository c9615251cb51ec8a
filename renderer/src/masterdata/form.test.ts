import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../core/errors.ts';
import { messagesEn as en, messagesZhCN as zhCN } from '../i18n/resources.ts';
import { groupDigits } from './columns.ts';
import { normaliseIssue, toPayload, validateWith } from './form.ts';
import { customersSpec, itemsSpec, suppliersSpec } from './specs.ts';

const lookup = (dict: unknown, key: string): unknown =>
  key
    .split('.')
    .reduce<unknown>(
      (node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined),
      dict,
    );

const VALIDATION_CODES = [
  'required',
  'too-short',
  'too-long',
  'too-small',
  'too-big',
  'invalid-type',
  'invalid-format',
  'invalid-option',
  'invalid',
  'code-format',
  'gtin-invalid',
  'email-invalid',
  'phone-format',
  'uom-format',
  'uom-duplicate',
  'expiry-needs-lot',
  'gs1-prefix-format',
  'duplicate-code',
  'duplicate-gtin',
  'money-format',
  'invalid-number',
];

describe('dictionaries', () => {
  it.each([
    ['en', en],
    ['zh-CN', zhCN],
  ])('%s translates every error and validation code', (_name, dict) => {
    for (const code of ERROR_CODES) expect(typeof lookup(dict, `errors.${code}`), code).toBe('string');
    for (const code of VALIDATION_CODES) expect(typeof lookup(dict, `validation.${code}`), code).toBe('string');
  });
});

describe('form model', () => {
  it('converts a customer form: money as exact minor units, blanks to null', () => {
    const values = { ...customersSpec.empty(), code: 'C-1', name: 'Acme', creditLimitMinor: '12,500.50' };
    const checked = validateWith(customersSpec.schema, customersSpec.fields, values);
    expect(checked.ok).toBe(true);
    if (checked.ok) {
      expect(checked.data.creditLimitMinor).toBe(1_250_050);
      expect(checked.data.email).toBeNull();
    }
  });

  it('reports a bad amount and the field-specific format codes', () => {
    const values = { ...customersSpec.empty(), code: 'bad code', name: 'x', creditLimitMinor: '1.234', email: 'nope' };
    const checked = validateWith(customersSpec.schema, customersSpec.fields, values);
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      const byPath = Object.fromEntries(checked.issues.map((i) => [i.path, i.code]));
      expect(byPath).toMatchObject({ code: 'code-format', creditLimitMinor: 'money-format', email: 'email-invalid' });
    }
  });

  it('maps server issues on child rows and plain format failures', () => {
    expect(normaliseIssue(itemsSpec.fields, { path: 'uoms.0.uom', code: 'invalid-format' }).code).toBe('uom-format');
    expect(normaliseIssue(suppliersSpec.fields, { path: 'gs1CompanyPrefix', code: 'invalid-format' }).code).toBe(
      'gs1-prefix-format',
    );
  });

  it('turns child rows into schema input', () => {
    const values = { ...itemsSpec.empty(), uoms: [{ uom: 'CTN', factor: '24', gtin: '' }] };
    expect(toPayload(itemsSpec.fields, values).payload['uoms']).toEqual([{ uom: 'CTN', factor: 24, gtin: '' }]);
  });

  it('groups digits without floating point', () => {
    expect(groupDigits('1234567.50')).toBe('1,234,567.50');
    expect(groupDigits('-999')).toBe('-999');
    expect(groupDigits('9007199254740991')).toBe('9,007,199,254,740,991');
  });
});
