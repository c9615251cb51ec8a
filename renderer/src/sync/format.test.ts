import { describe, expect, it } from 'vitest';
import { demandIdOf, orderIdOf, parseArgsText, prettyJson } from './format.ts';

describe('the arguments editor', () => {
  it('reads edited JSON back', () => {
    const args = { orderId: 'o-1', lines: [{ lineNo: 1, quantity: 4 }] };
    expect(parseArgsText(prettyJson(args))).toEqual({ ok: true, value: args });
  });

  it('says on which line and column the JSON breaks', () => {
    const text = '{\n  "lines": [\n    { "quantity": 8,, "lineNo": 1 }\n  ]\n}';
    const parsed = parseArgsText(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.line).toBe(3);
    expect(parsed.column).toBe(21);
  });

  it('points past the end when the text stops early', () => {
    const parsed = parseArgsText('{\n  "a": [1, 2');
    expect(parsed).toMatchObject({ ok: false, line: 2 });
  });
});

describe('what an issue concerns', () => {
  it('finds the order or the demand in the arguments', () => {
    expect(orderIdOf({ orderId: 'o-1' })).toBe('o-1');
    expect(orderIdOf({ demand: { id: 'SO-1' } })).toBeNull();
    expect(demandIdOf({ demand: { type: 'sales-order', id: 'SO-1' } })).toBe('SO-1');
    expect(demandIdOf(null)).toBeNull();
    expect(orderIdOf('text')).toBeNull();
  });
});
