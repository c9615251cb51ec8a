import { describe, expect, it } from 'vitest';
import { KeysetBook, loadBlock, type PageFetch } from './keyset.ts';

/** A server with `total` rows keyed k000…; `after` is the key of the last row read. */
function server(total: number) {
  const keys = Array.from({ length: total }, (_, i) => `k${String(i).padStart(3, '0')}`);
  const calls: { after: string | undefined; limit: number }[] = [];
  const fetchPage: PageFetch<string> = async (after, limit) => {
    calls.push({ after, limit });
    const from = after === undefined ? 0 : keys.indexOf(after) + 1;
    return keys.slice(from, from + limit);
  };
  return { keys, calls, fetchPage };
}

const id = (r: string) => r;

describe('keyset paging for the infinite row model', () => {
  it('reads blocks in order, each after the last cursor of the one before', async () => {
    const s = server(250);
    const book = new KeysetBook();
    const b0 = await loadBlock(book, 0, 100, s.fetchPage, id);
    const b1 = await loadBlock(book, 100, 100, s.fetchPage, id);
    const b2 = await loadBlock(book, 200, 100, s.fetchPage, id);
    expect(b0?.rows[0]).toBe('k000');
    expect(b0?.lastRow).toBeUndefined();
    expect(b1?.rows[0]).toBe('k100');
    expect(b2?.rows).toHaveLength(50);
    expect(b2?.lastRow).toBe(250);
    expect(s.calls).toEqual([
      { after: undefined, limit: 100 },
      { after: 'k099', limit: 100 },
      { after: 'k199', limit: 100 },
    ]);
  });

  it('re-reads a block it has seen with the same cursor (cache purged)', async () => {
    const s = server(300);
    const book = new KeysetBook();
    await loadBlock(book, 0, 100, s.fetchPage, id);
    await loadBlock(book, 100, 100, s.fetchPage, id);
    s.calls.length = 0;
    const again = await loadBlock(book, 100, 100, s.fetchPage, id);
    expect(again?.rows[0]).toBe('k100');
    expect(s.calls).toEqual([{ after: 'k099', limit: 100 }]);
  });

  it('jumps ahead by reading forward from the nearest known cursor', async () => {
    const s = server(5000);
    const book = new KeysetBook();
    await loadBlock(book, 0, 100, s.fetchPage, id);
    s.calls.length = 0;
    const far = await loadBlock(book, 2500, 100, s.fetchPage, id, 1000);
    expect(far?.rows[0]).toBe('k2500');
    expect(far?.rows).toHaveLength(100);
    // 100 → 1100 → 2100 → 2500, then the block itself.
    expect(s.calls.map((c) => c.limit)).toEqual([1000, 1000, 400, 100]);
    expect(book.nearest(2550).offset).toBe(2500);
  });

  it('reports the end when a jump passes it', async () => {
    const s = server(120);
    const book = new KeysetBook();
    await loadBlock(book, 0, 100, s.fetchPage, id);
    const past = await loadBlock(book, 300, 100, s.fetchPage, id);
    expect(past).toEqual({ rows: [], lastRow: 120 });
  });

  it('an empty result ends at row 0', async () => {
    const s = server(0);
    const book = new KeysetBook();
    expect(await loadBlock(book, 0, 100, s.fetchPage, id)).toEqual({ rows: [], lastRow: 0 });
  });

  it('a failed read fails the block and learns nothing', async () => {
    const book = new KeysetBook();
    const failing: PageFetch<string> = async () => null;
    expect(await loadBlock(book, 0, 100, failing, id)).toBeNull();
    expect(book.known).toBe(1);
    expect(book.end).toBeNull();
  });
});
