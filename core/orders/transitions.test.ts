import { describe, expect, it } from 'vitest';
import { ORDER_ACTIONS, ORDER_STATUSES, ORDER_TYPES } from './schemas.ts';
import {
  actionsFrom,
  assertTransition,
  canTransition,
  progressPercent,
  progressStatus,
  TERMINAL,
  TRANSITIONS,
} from './transitions.ts';

describe('transition tables', () => {
  it.each(ORDER_TYPES)('%s: every (from, to, action) is allowed exactly when the table lists it', (type) => {
    const listed = new Set(TRANSITIONS[type].map((t) => `${t.from}>${t.to}>${t.action}`));
    let allowed = 0;
    for (const from of ORDER_STATUSES)
      for (const to of ORDER_STATUSES)
        for (const action of ORDER_ACTIONS) {
          const key = `${from}>${to}>${action}`;
          expect(canTransition(type, from, to, action), key).toBe(listed.has(key));
          if (listed.has(key)) {
            allowed += 1;
            expect(() => assertTransition(type, from, to, action)).not.toThrow();
          } else {
            expect(() => assertTransition(type, from, to, action)).toThrowError(
              expect.objectContaining({ code: 'order.invalid-transition' }),
            );
          }
        }
    expect(allowed).toBe(listed.size);
  });

  it.each(ORDER_TYPES)('%s: terminal statuses have no way out, and every status is reachable from draft', (type) => {
    for (const s of TERMINAL) expect(actionsFrom(type, s)).toEqual([]);
    const reached = new Set<string>(['draft']);
    for (let changed = true; changed;) {
      changed = false;
      for (const t of TRANSITIONS[type])
        if (reached.has(t.from) && !reached.has(t.to)) {
          reached.add(t.to);
          changed = true;
        }
    }
    for (const t of TRANSITIONS[type]) expect(reached.has(t.from), `${type}: ${t.from} unreachable`).toBe(true);
    expect(reached.has('cancelled')).toBe(true);
  });

  it('only sales orders are held, released, rechecked or split', () => {
    for (const type of ORDER_TYPES) {
      const actions = new Set(TRANSITIONS[type].map((t) => t.action));
      const expected = type === 'sales';
      for (const a of ['recheck', 'release', 'split'] as const) expect(actions.has(a), `${type} ${a}`).toBe(expected);
    }
  });
});

describe('progress from line quantities', () => {
  const line = (ordered: number, shipped = 0, received = 0, cancelled = 0) => ({
    ordered,
    cancelled,
    shipped,
    received,
  });

  it('sales: nothing shipped → null, part → partially-shipped, all due → shipped (cancelled units are not due)', () => {
    expect(progressStatus('sales', [line(10), line(5)])).toBeNull();
    expect(progressStatus('sales', [line(10, 10), line(5)])).toBe('partially-shipped');
    expect(progressStatus('sales', [line(10, 10), line(5, 3, 0, 2)])).toBe('shipped');
    expect(progressPercent('sales', [line(10, 5), line(10)])).toBe(25);
  });

  it('purchase and returns progress by receipts; transfers ship first and then receive', () => {
    expect(progressStatus('purchase', [line(10, 0, 4)])).toBe('partially-received');
    expect(progressStatus('sales-return', [line(3, 0, 3)])).toBe('received');
    expect(progressStatus('transfer', [line(10, 4)])).toBe('partially-shipped');
    expect(progressStatus('transfer', [line(10, 10)])).toBe('shipped');
    expect(progressStatus('transfer', [line(10, 10, 2)])).toBe('partially-received');
    expect(progressStatus('transfer', [line(10, 10, 10)])).toBe('received');
    expect(progressPercent('transfer', [line(10, 10, 5)])).toBe(50);
    expect(progressPercent('purchase', [line(0, 0, 0)])).toBe(0);
  });
});
