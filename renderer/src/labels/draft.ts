import { AppError, type AppErrorData, type FieldIssue } from '../../../core/errors.ts';
import { LABEL_FIELDS, validateTemplate } from '../../../core/labels/bind.ts';
import type { LabelTemplate, Symbology } from '../../../core/labels/template.ts';

/**
 * The template as the clerk is editing it. It is deliberately looser than LabelTemplate: a
 * half-typed number stays what was typed (a string), so an invalid value is shown next to its
 * field by the same validation the save command runs, instead of being dropped or reset.
 */
export type ElementKind = 'text' | 'barcode' | 'line' | 'box' | 'image';
export const ELEMENT_KINDS: readonly ElementKind[] = ['text', 'barcode', 'line', 'box', 'image'];
export type DraftElement = { id: string; kind: ElementKind } & Record<string, unknown>;
export interface Draft {
  id: string;
  name: string;
  widthMm: unknown;
  heightMm: unknown;
  dpi: unknown;
  elements: DraftElement[];
  [key: string]: unknown;
}

export const SYMBOLOGIES: readonly Symbology[] = ['gs1-128', 'gs1-datamatrix', 'code128', 'qrcode'];
export const isGs1Symbology = (s: unknown) => s === 'gs1-128' || s === 'gs1-datamatrix';
export const isMatrixSymbology = (s: unknown) => s === 'gs1-datamatrix' || s === 'qrcode';

/** Label sizes clerks ask for by name: the 4×6 inch thermal label and A6. */
export const SIZE_PRESETS = [
  { id: '4x6', widthMm: 101.6, heightMm: 152.4 },
  { id: 'a6', widthMm: 105, heightMm: 148 },
] as const;
export type SizePreset = (typeof SIZE_PRESETS)[number]['id'] | 'custom';

export function presetOf(draft: Pick<Draft, 'widthMm' | 'heightMm'>): SizePreset {
  return SIZE_PRESETS.find((p) => p.widthMm === draft.widthMm && p.heightMm === draft.heightMm)?.id ?? 'custom';
}

/** Every field a text or barcode may bind, in LabelData order; address lines one by one too. */
export const BINDABLE_FIELDS: readonly string[] = Object.keys(LABEL_FIELDS).flatMap((path) =>
  path === 'content'
    ? []
    : path.endsWith('.address')
      ? [path, `${path}.0`, `${path}.1`, `${path}.2`, `${path}.3`]
      : [path],
);
/** `when` may also test the whole content block (left out on a mixed carton). */
export const CONDITION_FIELDS: readonly string[] = ['content', ...BINDABLE_FIELDS];

/** The AIs a logistic label carries, each with the LabelData field it is usually bound to. */
export const COMMON_AIS: readonly { ai: string; field: string }[] = [
  { ai: '00', field: 'sscc' },
  { ai: '02', field: 'content.gtin' },
  { ai: '01', field: 'content.gtin' },
  { ai: '37', field: 'content.count' },
  { ai: '10', field: 'content.batch' },
  { ai: '17', field: 'content.expiry' },
  { ai: '15', field: 'content.expiry' },
  { ai: '11', field: 'shipDate' },
  { ai: '400', field: 'purchaseOrder' },
  { ai: '410', field: 'to.gln' },
  { ai: '420', field: 'to.postcode' },
  { ai: '3301', field: 'grossWeightGrams' },
];

/** A translation key for a field path: dots would nest, and `content` is both a leaf and a parent. */
export const fieldKey = (path: string) => path.replaceAll('.', '_');

// A 16×16 checkerboard: an image element needs a PNG before the clerk picks one.
export const PLACEHOLDER_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAAAAAA6mKC9AAAAMklEQVR4AV3BsQEAMAwCIPT/n9POQnyH4FCjRo0cgkNQo0aN+A7BoUaNGjkEh6BGjRoPJy0IG0Hik4QAAAAASUVORK5CYII=';

export function draftFrom(template: LabelTemplate): Draft {
  return structuredClone(template) as unknown as Draft;
}

/** A copy of a template to edit: a new id (the save command assigns the stored one) and name. */
export function duplicateDraft(template: LabelTemplate, name: string): Draft {
  const copy = draftFrom(template);
  copy.id = `${template.id}-copy`.slice(0, 64);
  copy.name = name.slice(0, 80);
  return copy;
}

export function uniqueElementId(elements: readonly { id: string }[], base: string): string {
  const taken = new Set(elements.map((e) => e.id));
  for (let n = 1; ; n++) {
    const id = `${base}-${n}`;
    if (!taken.has(id)) return id;
  }
}

const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

/** A new element near the top-left corner, valid on any label of at least 10 mm. */
export function newElement(kind: ElementKind, draft: Draft): DraftElement {
  const id = uniqueElementId(draft.elements, kind);
  const width = num(draft.widthMm, 100);
  const inner = Math.max(5, Math.round((width - 10) * 10) / 10);
  switch (kind) {
    case 'text':
      return {
        id,
        kind,
        x: 5,
        y: 5,
        text: '{asnNumber}',
        size: { value: 3, unit: 'mm' },
        bold: false,
        maxLines: 3,
        align: 'left',
      };
    case 'barcode':
      return {
        id,
        kind,
        x: 5,
        y: 5,
        symbology: 'code128',
        data: '{asnNumber}',
        targetWidthMm: Math.min(60, inner),
        heightMm: 12,
        hri: true,
        hriSize: { value: 2.6, unit: 'mm' },
      };
    case 'line':
      return { id, kind, x: 5, y: 5, x2: 5 + inner, y2: 5, thicknessMm: 0.4 };
    case 'box':
      return { id, kind, x: 5, y: 5, widthMm: Math.min(30, inner), heightMm: 15, thicknessMm: 0.4, filled: false };
    case 'image':
      return { id, kind, x: 5, y: 5, widthMm: 10, heightMm: 10, png: PLACEHOLDER_PNG };
  }
}

/** Changes the symbology; crossing between GS1 and plain symbols swaps the binding it needs. */
export function withSymbology(el: DraftElement, symbology: Symbology): DraftElement {
  const next: DraftElement = { ...el, symbology };
  if (isGs1Symbology(symbology) && !Array.isArray(el['gs1'])) {
    delete next['data'];
    next['gs1'] = [{ ai: '00', field: 'sscc' }];
  } else if (!isGs1Symbology(symbology) && el['data'] === undefined) {
    delete next['gs1'];
    next['data'] = '{sscc}';
  }
  return next;
}

export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  if (to < 0 || to >= items.length || from === to) return [...items];
  const out = [...items];
  const [moved] = out.splice(from, 1);
  out.splice(to, 0, moved!);
  return out;
}

/** A decimal number as clerks type it (a comma is taken as the decimal point); null if it is not one. */
export function parseDecimal(text: string): number | null {
  const t = text.trim().replace(',', '.');
  if (!/^-?\d+(\.\d*)?$|^-?\.\d+$/.test(t)) return null;
  return Number(t);
}

export function formatDecimal(v: unknown): string {
  if (typeof v === 'number' && Number.isFinite(v)) return String(Math.round(v * 1000) / 1000);
  return typeof v === 'string' ? v : '';
}

export interface IssueMap {
  /** Template-level fields: widthMm, heightMm, dpi, name, id, elements (too many). */
  template: Map<string, FieldIssue[]>;
  /** Per element index: issues about the element as a whole ('') or one of its fields. */
  elements: Map<number, Map<string, FieldIssue[]>>;
}

/** Sorts field issues (paths like `elements.3.maxWidth`) by where the editor shows them. */
export function mapIssues(fields: readonly FieldIssue[]): IssueMap {
  const out: IssueMap = { template: new Map(), elements: new Map() };
  const push = (m: Map<string, FieldIssue[]>, key: string, issue: FieldIssue) =>
    m.set(key, [...(m.get(key) ?? []), issue]);
  for (const issue of fields) {
    const m = /^elements\.(\d+)(?:\.(.+))?$/.exec(issue.path);
    if (m) {
      const index = Number(m[1]);
      const byField = out.elements.get(index) ?? new Map<string, FieldIssue[]>();
      out.elements.set(index, byField);
      push(byField, m[2] ?? '', issue);
    } else push(out.template, issue.path, issue);
  }
  return out;
}

export type Check = { ok: true; template: LabelTemplate } | { ok: false; error: AppErrorData };

/** The save command's own validation, run in the renderer so issues appear as the clerk types. */
export function checkDraft(draft: Draft): Check {
  try {
    return { ok: true, template: validateTemplate(draft) };
  } catch (err) {
    if (err instanceof AppError)
      return { ok: false, error: { code: err.code, message: err.message, details: err.details } };
    throw err;
  }
}

/** The issues of a refusal, wherever it came from (local check, preview, save). */
export function issuesOf(error: AppErrorData | null): FieldIssue[] {
  return error?.details?.fields ?? [];
}

export interface Bounds {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Where an element sits on the label, for the preview's selection outline and hit testing. Text
 * and barcodes are estimated from the template alone (the renderer knows the exact extent).
 */
export function elementBounds(el: DraftElement): Bounds | null {
  const x = el['x'];
  const y = el['y'];
  if (typeof x !== 'number' || typeof y !== 'number') return null;
  const n = (k: string, fallback: number) => num(el[k], fallback);
  switch (el.kind) {
    case 'line': {
      const x2 = n('x2', x);
      const y2 = n('y2', y);
      const t = n('thicknessMm', 0.4);
      return {
        x: Math.min(x, x2),
        y: Math.min(y, y2),
        w: Math.max(Math.abs(x2 - x), t),
        h: Math.max(Math.abs(y2 - y), t),
      };
    }
    case 'box':
    case 'image':
      return { x, y, w: n('widthMm', 1), h: n('heightMm', 1) };
    case 'barcode': {
      const w = n('targetWidthMm', 30);
      const matrix = isMatrixSymbology(el['symbology']);
      const hri = el['hri'] === false ? 0 : 4;
      return { x, y, w, h: (matrix ? Math.min(w, 30) : n('heightMm', 15)) + hri };
    }
    case 'text': {
      const size = el['size'] as { value?: unknown; unit?: unknown } | undefined;
      const value = num(size?.value, 3);
      const em = size?.unit === 'pt' ? (value * 25.4) / 72 : value;
      const text = typeof el['text'] === 'string' ? el['text'] : '';
      const lines = Math.max(1, Math.min(text.split('\n').length, n('maxLines', 3)));
      const longest = Math.max(4, ...text.split('\n').map((l) => l.length));
      return { x, y, w: n('maxWidth', longest * em * 0.6), h: lines * em * 1.2 };
    }
  }
}

/** Moves an element by whole tenths of a millimetre, line end points with it. */
export function moveElement(el: DraftElement, dx: number, dy: number): DraftElement {
  const r = (v: number) => Math.max(0, Math.round(v * 10) / 10);
  const next: DraftElement = { ...el };
  for (const [k, d] of [
    ['x', dx],
    ['y', dy],
    ['x2', dx],
    ['y2', dy],
  ] as const)
    if (typeof el[k] === 'number' && (el.kind === 'line' || (k !== 'x2' && k !== 'y2')))
      next[k] = r((el[k] as number) + d);
  return next;
}
