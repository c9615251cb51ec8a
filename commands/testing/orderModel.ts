/*
 * An independent model of the order centre and the stock it moves, for the order property test.
 * It keeps its own buckets (available / frozen / quality / in transit per item × warehouse × lot ×
 * expiry × owner), its own reservation ledger (who holds what, and when it last changed), and its
 * own orders with their line quantities. It re-implements the documented rules (FEFO/FIFO picking,
 * newest-first release, the audit checks, the split plan, pro-rata money) without importing them
 * from the code under test, so that a wrong command shows up as a difference from the model.
 */

export const NEVER = '9999-12-31T23:59:59.999Z';

export interface Key {
  itemId: string;
  warehouseId: string;
  lot: string;
  expiry: string;
  ownerId: string;
}
export interface MBucket extends Key {
  available: number;
  frozen: number;
  quality: number;
  inTransit: number;
  receivedAt: string;
}
export type Status = 'available' | 'frozen' | 'quality' | 'inTransit';

export const keyOf = (k: Key): string => `${k.itemId}|${k.warehouseId}|${k.lot}|${k.expiry}|${k.ownerId}`;
export const pickKey = (k: Key): Key => ({
  itemId: k.itemId,
  warehouseId: k.warehouseId,
  lot: k.lot,
  expiry: k.expiry,
  ownerId: k.ownerId,
});

/** Half away from zero, on bigints: the documented rounding of every money share. */
export function proRataModel(total: number, part: number, whole: number): number {
  if (whole <= 0) return 0;
  const n = BigInt(total) * BigInt(part);
  const d = BigInt(whole);
  const q = n / d;
  const r = n % d;
  const abs = r < 0n ? -r : r;
  return Number(2n * abs >= d ? (n < 0n ? q - 1n : q + 1n) : q);
}

export class StockModel {
  readonly buckets = new Map<string, MBucket>();
  /** bucket key → demand key → quantity held. */
  readonly holds = new Map<string, Map<string, number>>();
  /** bucket key#demand key → when a reservation row last touched that pair. */
  readonly lastAt = new Map<string, string>();

  view(k: Key): MBucket {
    return (
      this.buckets.get(keyOf(k)) ?? {
        ...pickKey(k),
        available: 0,
        frozen: 0,
        quality: 0,
        inTransit: 0,
        receivedAt: NEVER,
      }
    );
  }
  reserved(k: Key): number {
    let s = 0;
    for (const q of this.holds.get(keyOf(k))?.values() ?? []) s += q;
    return s;
  }
  free(k: Key): number {
    return this.view(k).available - this.reserved(k);
  }
  move(k: Key, status: Status, q: number, now: string): void {
    const b = this.view(k);
    b[status] += q;
    if (q > 0 && now < b.receivedAt) b.receivedAt = now;
    this.buckets.set(keyOf(k), b);
  }
  hold(k: Key, demand: string, q: number, now: string): void {
    const key = keyOf(k);
    if (!this.buckets.has(key)) this.buckets.set(key, this.view(k));
    this.lastAt.set(`${key}#${demand}`, now);
    const m = this.holds.get(key) ?? new Map<string, number>();
    const next = (m.get(demand) ?? 0) + q;
    if (next === 0) m.delete(demand);
    else m.set(demand, next);
    if (m.size === 0) this.holds.delete(key);
    else this.holds.set(key, m);
  }
  heldBy(demand: string): number {
    let s = 0;
    for (const m of this.holds.values()) s += m.get(demand) ?? 0;
    return s;
  }
  /** Own free stock (available − reserved) of an item in a warehouse (and lot), expired or not. */
  freeStock(itemId: string, warehouseId: string, lot?: string): number {
    let s = 0;
    for (const b of this.buckets.values())
      if (
        b.itemId === itemId &&
        b.warehouseId === warehouseId &&
        b.ownerId === 'own' &&
        (lot === undefined || b.lot === lot)
      )
        s += this.free(b);
    return s;
  }

  /**
   * Takes up to `quantity` for a demand line, FEFO (no expired stock) or FIFO, and holds it at
   * once, so the next line of the same command sees what this one took.
   */
  allocate(
    f: { itemId: string; warehouseId: string; lot?: string | undefined; ownerId: string },
    quantity: number,
    fefo: boolean,
    today: string,
    demand: string,
    now: string,
  ): { reserved: number; shortfall: number; taken: Array<{ bucket: Key; quantity: number }> } {
    const candidates = [...this.buckets.values()]
      .filter(
        (b) =>
          b.itemId === f.itemId &&
          b.warehouseId === f.warehouseId &&
          b.ownerId === f.ownerId &&
          (f.lot === undefined || b.lot === f.lot) &&
          (!fefo || b.expiry === '' || b.expiry >= today),
      )
      .sort((a, b) => pickBefore(a, b, fefo));
    let left = quantity;
    const taken: Array<{ bucket: Key; quantity: number }> = [];
    for (const b of candidates) {
      if (left === 0) break;
      const take = Math.min(left, this.free(b));
      if (take <= 0) continue;
      taken.push({ bucket: pickKey(b), quantity: take });
      left -= take;
    }
    for (const t of taken) this.hold(t.bucket, demand, t.quantity, now);
    return { reserved: quantity - left, shortfall: left, taken };
  }

  /** What releasing `quantity` of a demand takes, newest reservation first (ties: bucket key, descending). */
  planRelease(demand: string, quantity: number): Array<{ bucket: Key; quantity: number }> | null {
    const holders = [...this.holds]
      .filter(([, h]) => (h.get(demand) ?? 0) > 0)
      .map(([bk, h]) => ({ bk, q: h.get(demand)!, at: this.lastAt.get(`${bk}#${demand}`)! }))
      .sort((a, b) => (a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.bk < b.bk ? 1 : -1));
    if (holders.reduce((s, h) => s + h.q, 0) < quantity) return null;
    const out: Array<{ bucket: Key; quantity: number }> = [];
    let left = quantity;
    for (const h of holders) {
      if (left === 0) break;
      const take = Math.min(left, h.q);
      if (take > 0) out.push({ bucket: this.buckets.get(h.bk)!, quantity: take });
      left -= take;
    }
    return out.map((x) => ({ bucket: pickKey(x.bucket), quantity: x.quantity }));
  }

  /** Who holds a bucket, newest reservation first (ties: demand id and line, descending). */
  holdersOf(k: Key): Array<{ demand: string; quantity: number }> {
    const bk = keyOf(k);
    const tie = (dk: string) => dk.slice(dk.indexOf('|') + 1);
    return [...(this.holds.get(bk) ?? new Map<string, number>())]
      .filter(([, q]) => q > 0)
      .map(([demand, quantity]) => ({ demand, quantity, at: this.lastAt.get(`${bk}#${demand}`)! }))
      .sort((a, b) => (a.at !== b.at ? (a.at < b.at ? 1 : -1) : tie(a.demand) < tie(b.demand) ? 1 : -1))
      .map(({ demand, quantity }) => ({ demand, quantity }));
  }

  /** Buckets with something in them or promised from them, in key order. */
  live(): MBucket[] {
    return [...this.buckets.values()]
      .filter((b) => b.available !== 0 || b.frozen !== 0 || b.quality !== 0 || this.reserved(b) !== 0)
      .sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
  }
}

/** FEFO by expiry ('' last), then first receipt, then the bucket key. */
function pickBefore(a: MBucket, b: MBucket, fefo: boolean): number {
  if (fefo && a.expiry !== b.expiry) {
    if (a.expiry === '') return 1;
    if (b.expiry === '') return -1;
    return a.expiry < b.expiry ? -1 : 1;
  }
  if (a.receivedAt !== b.receivedAt) return a.receivedAt < b.receivedAt ? -1 : 1;
  return keyOf(a) < keyOf(b) ? -1 : 1;
}

// ---------- orders ----------
export type OrderType = 'sales' | 'purchase' | 'sales-return' | 'purchase-return' | 'transfer';
export type CheckCode = 'stock' | 'quota' | 'credit';

export interface MLine {
  lineNo: number;
  itemId: string;
  warehouseId: string | null;
  ordered: number;
  allocated: number;
  shipped: number;
  received: number;
  returned: number;
  cancelled: number;
  unitPrice: number;
  discount: number;
  taxBp: number;
  net: number;
  tax: number;
  total: number;
  lot: string;
  originalLineNo: number | null;
  parentLineNo: number | null;
  /** Transfers: per lot|expiry, what was shipped on this line and has not arrived yet. */
  inTransit: Map<string, number>;
}

export interface MOrder {
  id: string;
  number: string;
  type: OrderType;
  status: string;
  customerId: string | null;
  supplierId: string | null;
  warehouseId: string | null;
  toWarehouseId: string | null;
  region: string | null;
  autoCancelDate: string | null;
  originalOrderId: string | null;
  parentId: string | null;
  orderedAt: string;
  currency: string;
  lines: MLine[];
  /** The checks that failed at the last audit: what a forced release must be allowed to override. */
  failed: CheckCode[];
}

export const openOf = (l: MLine): number => l.ordered - l.cancelled;
export const demandKeyOf = (o: Pick<MOrder, 'type' | 'id'>, lineNo: number): string =>
  `${o.type === 'transfer' ? 'transfer' : 'sales-order'}|${o.id}|${lineNo}`;
export const reserves = (t: OrderType): boolean => t === 'sales' || t === 'transfer' || t === 'purchase-return';
export const receives = (t: OrderType): boolean => t === 'purchase' || t === 'sales-return';

/** The transition table as the issue describes it, written out again (not imported). */
const SHIP = (start: string) => ({
  ship: [start, 'partially-shipped'],
  close: ['partially-shipped'],
  complete: ['shipped'],
});
const RECEIVE = {
  receive: ['approved', 'partially-received'],
  close: ['partially-received'],
  complete: ['received'],
};
export const ALLOWED_FROM: Record<OrderType, Record<string, readonly string[]>> = {
  sales: {
    submit: ['draft'],
    recheck: ['held'],
    release: ['held'],
    split: ['draft', 'held', 'approved'],
    cancel: ['draft', 'held', 'approved'],
    ...SHIP('approved'),
  },
  purchase: { submit: ['draft'], cancel: ['draft', 'approved'], ...RECEIVE },
  'sales-return': { submit: ['draft'], cancel: ['draft', 'approved'], ...RECEIVE },
  'purchase-return': { submit: ['draft'], cancel: ['draft', 'approved'], ...SHIP('approved') },
  transfer: {
    submit: ['draft'],
    cancel: ['draft', 'approved'],
    ship: ['approved', 'partially-shipped', 'partially-received'],
    receive: ['partially-shipped', 'shipped', 'partially-received'],
    close: ['partially-shipped', 'partially-received'],
    complete: ['received'],
  },
};
export const canAct = (o: Pick<MOrder, 'type' | 'status'>, action: string): boolean =>
  (ALLOWED_FROM[o.type][action] ?? []).includes(o.status);

/** After a close: a transfer with goods still on the road keeps its progress status until they arrive. */
export function closedStatusOfModel(type: OrderType, lines: readonly MLine[]): string {
  if (type === 'transfer' && lines.some((l) => l.shipped > l.received)) return progressOfModel(type, lines) ?? 'closed';
  return 'closed';
}

/** The status the quantities say an order reached after a ship or receive (null: nothing done yet). */
export function progressOfModel(type: OrderType, lines: readonly MLine[]): string | null {
  const due = lines.reduce((s, l) => s + openOf(l), 0);
  const shipped = lines.reduce((s, l) => s + l.shipped, 0);
  const received = lines.reduce((s, l) => s + l.received, 0);
  if (type === 'sales' || type === 'purchase-return') {
    if (shipped === 0) return null;
    return shipped >= due ? 'shipped' : 'partially-shipped';
  }
  if (type === 'purchase' || type === 'sales-return') {
    if (received === 0) return null;
    return received >= due ? 'received' : 'partially-received';
  }
  if (received > 0) return received >= due ? 'received' : 'partially-received';
  if (shipped === 0) return null;
  return shipped >= due ? 'shipped' : 'partially-shipped';
}

/** Quantities of a part of a manual split, checked like the issue says; null when it is refused. */
export function manualSplitPlan(
  lines: ReadonlyArray<{ lineNo: number; quantity: number }>,
  parts: ReadonlyArray<{ warehouseId: string | null; lines: ReadonlyArray<{ lineNo: number; quantity: number }> }>,
  parentWarehouseId: string | null,
): Array<{ warehouseId: string | null; lines: Array<{ lineNo: number; quantity: number }> }> | null {
  const left = new Map(lines.map((l) => [l.lineNo, l.quantity]));
  const out: Array<{ warehouseId: string | null; lines: Array<{ lineNo: number; quantity: number }> }> = [];
  for (const p of parts) {
    const merged = new Map<number, number>();
    for (const l of p.lines) {
      const have = left.get(l.lineNo);
      if (have === undefined || l.quantity > have) return null;
      left.set(l.lineNo, have - l.quantity);
      merged.set(l.lineNo, (merged.get(l.lineNo) ?? 0) + l.quantity);
    }
    out.push({ warehouseId: p.warehouseId, lines: [...merged].map(([lineNo, quantity]) => ({ lineNo, quantity })) });
  }
  const rest = [...left].filter(([, q]) => q > 0).map(([lineNo, quantity]) => ({ lineNo, quantity }));
  if (rest.length > 0) out.push({ warehouseId: parentWarehouseId, lines: rest });
  return out.length < 2 ? null : out;
}

/**
 * The lines of each child of a split, money shared pro rata and the last share of a line taking
 * what rounding left, so that the children add up to the parent exactly.
 */
export function childLinesOf(
  parent: MOrder,
  parts: ReadonlyArray<{ warehouseId: string | null; lines: ReadonlyArray<{ lineNo: number; quantity: number }> }>,
): MLine[][] {
  const unitsLeft = new Map(parent.lines.map((l) => [l.lineNo, openOf(l)]));
  const moneyLeft = new Map(parent.lines.map((l) => [l.lineNo, { net: l.net, tax: l.tax, discount: l.discount }]));
  return parts.map((part) =>
    part.lines.map((pl, j) => {
      const src = parent.lines.find((l) => l.lineNo === pl.lineNo)!;
      const left = moneyLeft.get(pl.lineNo)!;
      const units = unitsLeft.get(pl.lineNo)!;
      const share =
        pl.quantity === units
          ? { ...left }
          : {
              net: proRataModel(src.net, pl.quantity, openOf(src)),
              tax: proRataModel(src.tax, pl.quantity, openOf(src)),
              discount: proRataModel(src.discount, pl.quantity, openOf(src)),
            };
      unitsLeft.set(pl.lineNo, units - pl.quantity);
      moneyLeft.set(pl.lineNo, {
        net: left.net - share.net,
        tax: left.tax - share.tax,
        discount: left.discount - share.discount,
      });
      return {
        ...src,
        lineNo: j + 1,
        warehouseId: part.warehouseId ?? src.warehouseId,
        ordered: pl.quantity,
        allocated: 0,
        cancelled: 0,
        discount: share.discount,
        net: share.net,
        tax: share.tax,
        total: share.net + share.tax,
        parentLineNo: src.lineNo,
        inTransit: new Map(),
      };
    }),
  );
}

export interface ModelItem {
  id: string;
  fefo: boolean;
  lotTracked: boolean;
  group: string;
  weight: number;
}

/**
 * Automatic split by warehouse, then product group, then a weight limit per shipment
 * (first-fit decreasing; a line heavier than the limit is cut into as many shipments as it needs).
 */
export function autoSplitPlan(
  lines: ReadonlyArray<{ lineNo: number; item: ModelItem; quantity: number }>,
  weightLimit: number,
  warehouseFor: (itemId: string, quantity: number) => string | null,
  parentWarehouseId: string | null,
): Array<{ warehouseId: string | null; lines: Array<{ lineNo: number; quantity: number }> }> {
  const byNo = new Map(lines.map((l) => [l.lineNo, l]));
  type Part = { warehouseId: string | null; lines: Array<{ lineNo: number; quantity: number }> };
  let parts: Part[] = [{ warehouseId: parentWarehouseId, lines: lines.map((l) => ({ ...pickLine(l) })) }];
  const regroup = (key: (lineNo: number, p: Part) => string, wh: (lineNo: number, p: Part) => string | null) =>
    parts.flatMap((p) => {
      const groups = new Map<string, Part>();
      for (const l of p.lines) {
        const k = key(l.lineNo, p);
        let g = groups.get(k);
        if (!g) {
          g = { warehouseId: wh(l.lineNo, p), lines: [] };
          groups.set(k, g);
        }
        g.lines.push(l);
      }
      return [...groups.values()];
    });
  const whOf = (lineNo: number) => {
    const l = byNo.get(lineNo)!;
    return warehouseFor(l.item.id, l.quantity);
  };
  parts = regroup(
    (n, p) => whOf(n) ?? p.warehouseId ?? '',
    (n, p) => whOf(n) ?? p.warehouseId,
  );
  parts = regroup(
    (n) => byNo.get(n)!.item.group,
    (_n, p) => p.warehouseId,
  );
  parts = parts.flatMap((p) => {
    const bins: Array<{ used: number; lines: Map<number, number> }> = [];
    const size = (n: number) => byNo.get(n)!.item.weight;
    const sorted = [...p.lines].sort((a, b) => size(b.lineNo) - size(a.lineNo) || a.lineNo - b.lineNo);
    for (const l of sorted) {
      const u = size(l.lineNo);
      let left = l.quantity;
      const perBin = Math.max(1, Math.floor(weightLimit / u));
      for (const bin of bins) {
        if (left === 0) break;
        const fit = Math.min(left, Math.floor((weightLimit - bin.used) / u));
        if (fit <= 0) continue;
        bin.used += fit * u;
        bin.lines.set(l.lineNo, (bin.lines.get(l.lineNo) ?? 0) + fit);
        left -= fit;
      }
      while (left > 0) {
        const take = Math.min(left, perBin);
        bins.push({ used: take * u, lines: new Map([[l.lineNo, take]]) });
        left -= take;
      }
    }
    if (bins.length === 0) return [p];
    return bins.map((b) => ({
      warehouseId: p.warehouseId,
      lines: [...b.lines].map(([lineNo, quantity]) => ({ lineNo, quantity })).sort((x, y) => x.lineNo - y.lineNo),
    }));
  });
  return parts;
}
const pickLine = (l: { lineNo: number; quantity: number }) => ({ lineNo: l.lineNo, quantity: l.quantity });
