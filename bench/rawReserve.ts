/** A stock bucket as the raw-SQL references read it from stock_balances. */
export interface RawBucket {
  item_id: string;
  warehouse_id: string;
  lot: string;
  expiry: string;
  owner_id: string;
  qty_available: number;
  qty_reserved: number;
  received_at: string;
}

const keyOf = (b: RawBucket) => `${b.item_id}|${b.warehouse_id}|${b.lot}|${b.expiry}|${b.owner_id}`;

/**
 * The reservation the raw-SQL references of the benches perform by hand: the inventory rules'
 * pick order (FEFO skipping expired stock when `fefo`, else FIFO by receipt), each take written by
 * `write` (which returns the bucket after the increment), refusing an oversold or short result.
 */
export function rawReserve(
  buckets: RawBucket[],
  quantity: number,
  fefo: boolean,
  day: string,
  write: (b: RawBucket, take: number) => RawBucket,
): void {
  const order = buckets
    .filter((b) => !fefo || b.expiry === '' || b.expiry >= day)
    .sort((a, b) => {
      if (fefo && a.expiry !== b.expiry)
        return a.expiry === '' ? 1 : b.expiry === '' ? -1 : a.expiry < b.expiry ? -1 : 1;
      if (a.received_at !== b.received_at) return a.received_at < b.received_at ? -1 : 1;
      return keyOf(a) < keyOf(b) ? -1 : 1;
    });
  let left = quantity;
  for (const b of order) {
    if (left === 0) break;
    const take = Math.min(left, b.qty_available - b.qty_reserved);
    if (take <= 0) continue;
    const after = write(b, take);
    if (after.qty_reserved > after.qty_available) throw new Error('negative stock');
    left -= take;
  }
  if (left > 0) throw new Error(`short by ${left}`);
}
