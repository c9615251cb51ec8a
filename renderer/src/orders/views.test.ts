import { describe, expect, it } from 'vitest';
import {
  activeFilterCount,
  deleteView,
  EMPTY_FILTERS,
  listArgs,
  loadViews,
  saveView,
  storageKey,
  type KeyValueStore,
} from './views.ts';

const memory = (): KeyValueStore & { data: Map<string, string> } => {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
};

const WH = '22222222-2222-4222-8222-222222222222';

describe('order list filters', () => {
  it('sends only the filters that are set', () => {
    expect(listArgs(EMPTY_FILTERS)).toEqual({});
    expect(
      listArgs({
        ...EMPTY_FILTERS,
        statuses: ['held', 'approved'],
        dateFrom: '2026-01-01',
        dateTo: 'not a date',
        warehouseId: WH,
        held: true,
        search: '  SO-1 ',
      }),
    ).toEqual({ statuses: ['held', 'approved'], dateFrom: '2026-01-01', warehouseId: WH, held: true, search: 'SO-1' });
    expect(activeFilterCount({ ...EMPTY_FILTERS, backordered: true, search: 'x' })).toBe(2);
    // Backorders are approved orders still short, not drafts or held orders.
    expect(listArgs({ ...EMPTY_FILTERS, backordered: true })).toEqual({
      statuses: ['approved', 'partially-shipped'],
      backordered: true,
    });
  });
});

describe('saved views', () => {
  it('saves, replaces by name, lists by name and deletes, per document type', () => {
    const store = memory();
    let n = 0;
    const id = () => `v${(n += 1)}`;
    const base = {
      sort: { key: 'totalMinor' as const, dir: 'asc' as const },
      columns: [{ colId: 'number', width: 120 }],
    };
    saveView('sales', { name: 'Held today', filters: { ...EMPTY_FILTERS, held: true }, ...base }, id, store);
    saveView('sales', { name: 'Beijing', filters: { ...EMPTY_FILTERS, warehouseId: WH }, ...base }, id, store);
    const replaced = saveView(
      'sales',
      { name: ' held TODAY ', filters: { ...EMPTY_FILTERS, statuses: ['held'] }, ...base },
      id,
      store,
    );
    expect(replaced.saved.id).toBe('v1');
    expect(replaced.views.map((v) => v.name)).toEqual(['Beijing', 'held TODAY']);
    expect(loadViews('sales', store)[1]?.filters.statuses).toEqual(['held']);
    expect(loadViews('purchase', store)).toEqual([]);
    expect(deleteView('sales', 'v2', store).map((v) => v.id)).toEqual(['v1']);
  });

  it('ignores what it cannot read', () => {
    const store = memory();
    store.setItem(storageKey('sales'), '{broken');
    expect(loadViews('sales', store)).toEqual([]);
    store.setItem(
      storageKey('sales'),
      JSON.stringify([
        { id: 'a', name: 'ok', filters: { statuses: ['held', 'nonsense'], warehouseId: 'x' }, sort: { key: 'bad' } },
        { name: 'no id' },
        42,
      ]),
    );
    const [view] = loadViews('sales', store);
    expect(loadViews('sales', store)).toHaveLength(1);
    expect(view?.filters.statuses).toEqual(['held']);
    expect(view?.filters.warehouseId).toBe('');
    expect(view?.sort).toEqual({ key: 'orderedAt', dir: 'desc' });
  });
});
