import type { z } from 'zod';
import type { FieldIssue } from '../../../core/errors.ts';
import { toFieldIssues } from '../../../core/validation.ts';
import { CURRENCIES, formatMinor, minorDigits, parseMinor, type Currency } from '../../../core/money.ts';

/**
 * A generic, spec-driven form model. A form holds text/boolean values (what inputs hold);
 * `toPayload` turns them into the shape the core schema parses (numbers, minor units, null).
 */
export type Scalar = string | boolean;
export type RowValues = Record<string, Scalar>;
export type FormValues = Record<string, Scalar | RowValues[]>;

interface BaseField {
  key: string;
  /** Translation key of the visible label. */
  label: string;
  required?: boolean;
  hint?: string;
  /** The code to show when the schema reports a plain `invalid-format` for this field. */
  formatCode?: string;
  /** Layout: how many of the form's two columns the field spans. */
  span?: 1 | 2;
}

export type ScalarField = BaseField &
  (
    | { kind: 'text'; inputMode?: 'text' | 'email' | 'tel' | 'url' | 'numeric'; maxLength?: number; upper?: boolean }
    | { kind: 'int'; nullable: boolean }
    | { kind: 'money'; currencyKey: string }
    | { kind: 'select'; options: readonly string[]; optionPrefix: string }
    | { kind: 'checkbox' }
  );

export type RowsField = BaseField & {
  kind: 'rows';
  fields: ScalarField[];
  newRow: () => RowValues;
};

export type FieldSpec = ScalarField | RowsField;

export const domId = (formId: string, path: string): string => `${formId}-${path.replaceAll('.', '-')}`;

function asText(value: Scalar | RowValues[] | undefined): string {
  return typeof value === 'string' ? value : '';
}

function isCurrency(value: string): value is Currency {
  return (CURRENCIES as readonly string[]).includes(value);
}

function convertScalar(
  field: ScalarField,
  value: Scalar | undefined,
  context: Record<string, Scalar | RowValues[]>,
  path: string,
  issues: FieldIssue[],
): unknown {
  switch (field.kind) {
    case 'checkbox':
      return value === true;
    case 'select':
    case 'text':
      return typeof value === 'string' ? value : '';
    case 'int': {
      const text = (typeof value === 'string' ? value : '').trim().replaceAll(',', '');
      if (text === '') return null;
      if (!/^-?\d+$/.test(text)) {
        issues.push({ path, code: 'invalid-number' });
        return null;
      }
      return Number(text);
    }
    case 'money': {
      const text = (typeof value === 'string' ? value : '').trim();
      const currencyText = asText(context[field.currencyKey]);
      const currency: Currency = isCurrency(currencyText) ? currencyText : 'CNY';
      if (text === '') return 0;
      const minor = parseMinor(text, currency);
      if (minor === null) {
        issues.push({ path, code: 'money-format', params: { digits: minorDigits(currency) } });
        return 0;
      }
      return minor;
    }
  }
}

/** Form values → schema input, plus issues found while converting (bad numbers, bad amounts). */
export function toPayload(
  fields: FieldSpec[],
  values: FormValues,
): { payload: Record<string, unknown>; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const payload: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.key];
    if (field.kind === 'rows') {
      const rows = Array.isArray(value) ? value : [];
      payload[field.key] = rows.map((row, i) => {
        const out: Record<string, unknown> = {};
        for (const child of field.fields)
          out[child.key] = convertScalar(child, row[child.key], row, `${field.key}.${i}.${child.key}`, issues);
        return out;
      });
    } else {
      payload[field.key] = convertScalar(field, Array.isArray(value) ? undefined : value, values, field.key, issues);
    }
  }
  return { payload, issues };
}

/** Finds the spec of the input a path points at (`addresses.0.line1` → the `line1` child). */
export function fieldAt(fields: FieldSpec[], path: string): FieldSpec | undefined {
  const [head, index, child] = path.split('.');
  const top = fields.find((f) => f.key === head);
  if (!top) return undefined;
  if (index === undefined) return top;
  if (top.kind !== 'rows' || child === undefined) return undefined;
  return top.fields.find((f) => f.key === child);
}

/** Gives plain format failures their field's own code (`code-format`, `phone-format`…). */
export function normaliseIssue(fields: FieldSpec[], issue: FieldIssue): FieldIssue {
  if (issue.code !== 'invalid-format') return issue;
  if (issue.params?.['format'] === 'email') return { ...issue, code: 'email-invalid' };
  const spec = fieldAt(fields, issue.path);
  return spec?.formatCode ? { ...issue, code: spec.formatCode } : issue;
}

/** Client-side validation with the core schema; the same codes the server would send. */
export function validateWith<S extends z.ZodType>(
  schema: S,
  fields: FieldSpec[],
  values: FormValues,
): { ok: true; data: z.output<S> } | { ok: false; issues: FieldIssue[] } {
  const { payload, issues } = toPayload(fields, values);
  const parsed = schema.safeParse(payload);
  const schemaIssues = parsed.success ? [] : toFieldIssues(parsed.error);
  const taken = new Set(issues.map((i) => i.path));
  const all = [...issues, ...schemaIssues.filter((i) => !taken.has(i.path))].map((i) => normaliseIssue(fields, i));
  if (parsed.success && all.length === 0) return { ok: true, data: parsed.data };
  return { ok: false, issues: all };
}

/** Record value → input text. */
export const text = (value: string | null | undefined): string => value ?? '';
export const intText = (value: number | null | undefined): string =>
  value === null || value === undefined ? '' : String(value);
export const moneyText = (minor: number, currency: Currency): string => formatMinor(minor, currency);
