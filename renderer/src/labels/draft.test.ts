import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES } from '../../../core/labels/defaults.ts';
import {
  BINDABLE_FIELDS,
  checkDraft,
  draftFrom,
  duplicateDraft,
  ELEMENT_KINDS,
  elementBounds,
  mapIssues,
  moveElement,
  moveItem,
  newElement,
  parseDecimal,
  presetOf,
  withSymbology,
  type DraftElement,
} from './draft.ts';
import { isKnownField } from '../../../core/labels/bind.ts';

const fourBySix = DEFAULT_TEMPLATES.find((t) => t.id === 'gs1-logistic-4x6')!;

describe('label editor draft', () => {
  it('duplicates a built-in into a valid copy with its own id and name', () => {
    const copy = duplicateDraft(fourBySix, 'GS1 4×6 (copy)');
    expect(copy.id).toBe('gs1-logistic-4x6-copy');
    expect(copy.name).toBe('GS1 4×6 (copy)');
    const check = checkDraft(copy);
    expect(check.ok).toBe(true);
    // A deep copy: editing it leaves the built-in alone.
    (copy.elements[0] as DraftElement)['x'] = 99;
    expect(fourBySix.elements[0]!.x).not.toBe(99);
  });

  it('adds every kind of element valid on both preset sizes, each with a fresh id', () => {
    for (const template of DEFAULT_TEMPLATES) {
      let draft = draftFrom(template);
      for (const kind of ELEMENT_KINDS) {
        const el = newElement(kind, draft);
        expect(draft.elements.some((e) => e.id === el.id)).toBe(false);
        draft = { ...draft, elements: [...draft.elements, el] };
      }
      const check = checkDraft(draft);
      expect(check.ok ? [] : check.error.details?.fields).toEqual([]);
    }
  });

  it('keeps a half-typed number and reports it at its field, with the label rules as field issues', () => {
    const draft = draftFrom(fourBySix);
    draft.widthMm = '10x';
    const text = draft.elements.findIndex((e) => e.kind === 'text');
    draft.elements[text] = { ...draft.elements[text]!, x: 95, align: 'center', maxWidth: 30 };
    const check = checkDraft(draft);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.error.code).toBe('label.invalid-template');
    const issues = mapIssues(check.error.details?.fields ?? []);
    expect(issues.template.get('widthMm')?.[0]?.code).toBe('invalid-type');
    expect(draft.widthMm).toBe('10x');
    draft.widthMm = 101.6;
    const again = checkDraft(draft);
    expect(again.ok).toBe(false);
    if (again.ok) return;
    const byField = mapIssues(again.error.details?.fields ?? []).elements.get(text);
    expect(byField?.get('maxWidth')?.[0]?.code).toBe('label-too-wide');
  });

  it('reports a binding to an unknown field as label.unknown-field on its element', () => {
    const draft = draftFrom(fourBySix);
    draft.elements[0] = { ...draft.elements[0]!, text: '{from.nmae}' };
    const check = checkDraft(draft);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.error.code).toBe('label.unknown-field');
    expect(
      mapIssues(check.error.details?.fields ?? [])
        .elements.get(0)
        ?.get('')?.[0],
    ).toMatchObject({
      code: 'label-unknown-field',
      params: { field: 'from.nmae' },
    });
  });

  it('swaps the binding when the symbology crosses between GS1 and plain barcodes', () => {
    const draft = draftFrom(fourBySix);
    const plain = newElement('barcode', draft);
    const gs1 = withSymbology(plain, 'gs1-128');
    expect(gs1['data']).toBeUndefined();
    expect(gs1['gs1']).toEqual([{ ai: '00', field: 'sscc' }]);
    const back = withSymbology(gs1, 'qrcode');
    expect(back['gs1']).toBeUndefined();
    expect(back['data']).toBe('{sscc}');
    // Within one family the clerk's binding stays.
    expect(withSymbology(gs1, 'gs1-datamatrix')['gs1']).toBe(gs1['gs1']);
    for (const el of [gs1, back]) expect(checkDraft({ ...draft, elements: [el] }).ok).toBe(true);
  });

  it('offers only fields the templates may bind', () => {
    for (const f of BINDABLE_FIELDS) expect(isKnownField(f)).toBe(true);
    expect(BINDABLE_FIELDS).toContain('from.address.1');
    expect(BINDABLE_FIELDS).not.toContain('content');
  });

  it('reorders, moves (line ends with it, never below zero) and estimates bounds', () => {
    expect(moveItem(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(moveItem(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
    const line: DraftElement = { id: 'l', kind: 'line', x: 1, y: 10, x2: 50, y2: 10 };
    expect(moveElement(line, -3, 2.04)).toMatchObject({ x: 0, y: 12, x2: 47, y2: 12 });
    const box: DraftElement = { id: 'b', kind: 'box', x: 5, y: 5, widthMm: 20, heightMm: 10 };
    expect(moveElement(box, 1, 1)).toMatchObject({ x: 6, y: 6, widthMm: 20 });
    expect(elementBounds(box)).toEqual({ x: 5, y: 5, w: 20, h: 10 });
    expect(elementBounds({ ...box, x: '5a' })).toBeNull();
  });

  it('reads numbers as clerks type them and knows the size presets', () => {
    expect(parseDecimal('101,6')).toBe(101.6);
    expect(parseDecimal(' 12. ')).toBe(12);
    expect(parseDecimal('12mm')).toBeNull();
    expect(parseDecimal('')).toBeNull();
    expect(presetOf({ widthMm: 101.6, heightMm: 152.4 })).toBe('4x6');
    expect(presetOf({ widthMm: 105, heightMm: 148 })).toBe('a6');
    expect(presetOf({ widthMm: 100, heightMm: 150 })).toBe('custom');
  });
});
