import type { z } from 'zod';
import { AppError } from '../errors.ts';
import { toFieldIssues } from '../validation.ts';
import type { LabelData } from './data.ts';
import { labelTemplate, type LabelTemplate } from './template.ts';

/**
 * The field paths a template may bind, with what each holds. Written out rather than derived
 * from the zod schema so the template editor can list them with a kind, and so a typo in a
 * template is refused when it is saved (label.unknown-field), not when a carton is printed.
 */
export const LABEL_FIELDS = {
  sscc: 'digits',
  'from.name': 'text',
  'from.address': 'lines',
  'from.gln': 'digits',
  'from.postcode': 'text',
  'to.name': 'text',
  'to.address': 'lines',
  'to.gln': 'digits',
  'to.postcode': 'text',
  purchaseOrder: 'text',
  asnNumber: 'text',
  shipDate: 'date',
  'unit.kind': 'text',
  'unit.index': 'number',
  'unit.count': 'number',
  content: 'object',
  'content.gtin': 'digits',
  'content.count': 'number',
  'content.batch': 'text',
  'content.expiry': 'date',
  'content.itemCode': 'text',
  'content.itemName': 'text',
  grossWeightGrams: 'number',
  /** Derived: gross weight in kg with up to 3 decimals, for people. */
  grossWeightKg: 'number',
} as const;

export type LabelField = keyof typeof LABEL_FIELDS;

const ADDRESS_LINE = /^(from|to)\.address\.([0-3])$/;

export function isKnownField(path: string): boolean {
  return path in LABEL_FIELDS || ADDRESS_LINE.test(path);
}

type FieldValue = string | number | null | readonly string[] | object;

/** The value at a dotted path; null when a parent (e.g. `content`) is null. */
export function resolveField(data: LabelData, path: string): FieldValue {
  if (!isKnownField(path)) throw new AppError('label.unknown-field', `Unknown label field "${path}"`, { field: path });
  if (path === 'grossWeightKg') return data.grossWeightGrams === null ? null : data.grossWeightGrams / 1000;
  let cur: unknown = data;
  for (const part of path.split('.')) {
    if (cur === null || cur === undefined) return null;
    cur = Array.isArray(cur) ? (cur[Number(part)] ?? null) : (cur as Record<string, unknown>)[part];
  }
  return (cur ?? null) as FieldValue;
}

/** Empty means "leave the element out" for `when` and "leave the AI out" for GS1 bindings. */
export function isEmptyValue(v: FieldValue): boolean {
  return v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

function display(v: FieldValue): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.join('\n');
  return '';
}

const PLACEHOLDER = /\{\{|\}\}|\{([^{}]*)\}/g;

/** The field paths a text pattern refers to. */
export function patternFields(pattern: string): string[] {
  const out: string[] = [];
  for (const m of pattern.matchAll(PLACEHOLDER)) if (m[1] !== undefined) out.push(m[1].trim());
  return out;
}

/** Fills `{path}` placeholders; null fields become empty text. */
export function bindText(pattern: string, data: LabelData): string {
  return pattern.replace(PLACEHOLDER, (whole, path: string | undefined) => {
    if (path === undefined) return whole[0]!;
    return display(resolveField(data, path.trim()));
  });
}

const DATE_AIS = new Set(['11', '12', '13', '15', '16', '17']);

/**
 * A field as a GS1 element value: dates become YYMMDD, weights in grams become the 6-digit
 * value of a 310n/330n AI with n decimals, numbers become digits. Null when the field is empty.
 */
export function gs1Value(ai: string, data: LabelData, path: string): string | null {
  const v = resolveField(data, path);
  if (isEmptyValue(v)) return null;
  if (DATE_AIS.has(ai) && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v))
    return v.slice(2, 4) + v.slice(5, 7) + v.slice(8, 10);
  const weight = /^3[13]0([0-5])$/.exec(ai);
  if (weight && typeof v === 'number') {
    const kg = path === 'grossWeightGrams' ? v / 1000 : v;
    return String(Math.round(kg * 10 ** Number(weight[1]))).padStart(6, '0');
  }
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v;
  throw new AppError('label.unknown-field', `Field "${path}" cannot be put in AI ${ai}`, { field: path, ai });
}

function elementFields(e: LabelTemplate['elements'][number]): string[] {
  const out: string[] = [];
  if (e.when !== undefined) out.push(e.when);
  if (e.kind === 'text') out.push(...patternFields(e.text));
  if (e.kind === 'barcode') {
    for (const b of e.gs1 ?? []) out.push(b.field);
    if (e.data !== undefined) out.push(...patternFields(e.data));
  }
  return out;
}

/**
 * Validates a template from the editor, a file or the database: shape and geometry
 * (label.invalid-template with field issues), then every bound field (label.unknown-field).
 */
export function validateTemplate(input: unknown): LabelTemplate {
  const parsed = labelTemplate.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    const fields = toFieldIssues(parsed.error as z.ZodError);
    const first = fields[0];
    throw new AppError(
      'label.invalid-template',
      first ? `Invalid label template at "${first.path}": ${first.code}` : 'Invalid label template',
      { fields },
    );
  }
  const template = parsed.data;
  template.elements.forEach((e, i) => {
    for (const f of elementFields(e))
      if (!isKnownField(f))
        throw new AppError('label.unknown-field', `Element "${e.id}" binds the unknown field "${f}"`, {
          field: f,
          element: e.id,
          fields: [{ path: `elements.${i}`, code: 'label-unknown-field', params: { field: f } }],
        });
  });
  return template;
}
