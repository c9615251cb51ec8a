/**
 * Keyset paging for ag-grid's Infinite Row Model. The server pages with a cursor (`after` = the
 * `cursor` of the last row already read), while the grid asks for blocks by row index. The book
 * remembers, for every row index it has reached, the cursor that continues from there; a block
 * whose start is not known yet (the clerk dragged the scrollbar far down) is reached by reading
 * forward from the nearest known index, in pages of at most `maxLimit` rows.
 */

/** Reads up to `limit` rows after `after` (undefined: from the start); null when the read failed. */
export type PageFetch<R> = (after: string | undefined, limit: number) => Promise<readonly R[] | null>;

export interface Block<R> {
  rows: R[];
  /** The total row count, once the end has been seen. */
  lastRow: number | undefined;
}

export class KeysetBook {
  /** Row index → the cursor that reads from that index on (undefined for index 0). */
  private readonly cursors = new Map<number, string | undefined>([[0, undefined]]);
  private endAt: number | null = null;

  /** The nearest index at or before `start` whose cursor is known. */
  nearest(start: number): { offset: number; after: string | undefined } {
    let best = 0;
    for (const offset of this.cursors.keys()) if (offset <= start && offset > best) best = offset;
    return { offset: best, after: this.cursors.get(best) };
  }

  /** Records what a read from `offset` returned: where the next read starts, or the end. */
  record(offset: number, count: number, requested: number, lastCursor: string | undefined): void {
    if (count > 0 && lastCursor !== undefined) this.cursors.set(offset + count, lastCursor);
    if (count < requested) this.endAt = offset + count;
  }

  /** Total rows, when a short page has shown where the data ends. */
  get end(): number | null {
    return this.endAt;
  }

  /** How many indexes have a known cursor (for tests and diagnostics). */
  get known(): number {
    return this.cursors.size;
  }
}

/**
 * Loads the block [start, start + size). Returns null when a read failed (the grid shows its
 * error state and retries the block later).
 */
export async function loadBlock<R>(
  book: KeysetBook,
  start: number,
  size: number,
  fetchPage: PageFetch<R>,
  cursorOf: (row: R) => string,
  maxLimit = 1000,
): Promise<Block<R> | null> {
  for (;;) {
    const end = book.end;
    if (end !== null && start >= end) return { rows: [], lastRow: end };
    const { offset, after } = book.nearest(start);
    if (offset === start) {
      const rows = await fetchPage(after, size);
      if (rows === null) return null;
      const last = rows[rows.length - 1];
      book.record(start, rows.length, size, last === undefined ? undefined : cursorOf(last));
      return { rows: [...rows], lastRow: book.end ?? undefined };
    }
    // Skip forward: only the last row's cursor matters.
    const want = Math.min(start - offset, maxLimit);
    const rows = await fetchPage(after, want);
    if (rows === null) return null;
    const last = rows[rows.length - 1];
    book.record(offset, rows.length, want, last === undefined ? undefined : cursorOf(last));
  }
}
