import { AppError } from '../errors.ts';
import { assertSafeMinor, minorDigits, type Currency } from '../money.ts';
import type { CheckCode, QuotaPeriod, SplitRuleKind } from './schemas.ts';

/* Pure order rules: money, audit checks, quotas, splitting, assignment, priority, promising. */

// ---------- money ----------
/** Integer division rounding half away from zero, on bigints (exact for any size). */
function divRound(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (2n * (r < 0n ? -r : r) >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

export interface LineAmounts {
  netMinor: number;
  taxMinor: number;
  totalMinor: number;
}

/**
 * A line's money: net = quantity × unit price − discount; tax = net × rate, rounded half away
 * from zero to the minor unit per line (the rounding is explicit and happens once, here).
 */
export function lineAmounts(l: {
  quantity: number;
  unitPriceMinor: number;
  discountMinor: number;
  taxRateBp: number;
}): LineAmounts {
  const gross = BigInt(l.quantity) * BigInt(l.unitPriceMinor);
  const net = gross - BigInt(l.discountMinor);
  const tax = divRound(net * BigInt(l.taxRateBp), 10_000n);
  const out = { netMinor: Number(net), taxMinor: Number(tax), totalMinor: Number(net + tax) };
  assertSafeMinor(out.totalMinor);
  return out;
}

/** The value of `part` units out of a line worth `totalMinor` for `whole` units (refunds, open value). */
export function proRata(totalMinor: number, part: number, whole: number): number {
  if (whole <= 0) return 0;
  return Number(divRound(BigInt(totalMinor) * BigInt(part), BigInt(whole)));
}

/**
 * Converts minor units of `from` into company-currency minor units with a rate given in
 * company major units per one major unit × 1e6, rounding half away from zero.
 */
export function convertMinor(amountMinor: number, from: Currency, to: Currency, rateMicros: number): number {
  if (from === to) return amountMinor;
  const num = BigInt(amountMinor) * BigInt(rateMicros) * 10n ** BigInt(minorDigits(to));
  const den = 10n ** BigInt(minorDigits(from)) * 1_000_000n;
  return Number(divRound(num, den));
}

// ---------- audit checks ----------
export interface CheckFailure {
  check: CheckCode;
  /** What the clerk needs to see: figures, not prose (the UI translates). */
  details: Record<string, string | number | null>;
}

export interface StockNeed {
  lineNo: number;
  itemId: string;
  warehouseId: string | null;
  requested: number;
  free: number;
}
export function stockCheck(needs: readonly StockNeed[]): CheckFailure[] {
  return needs
    .filter((n) => n.warehouseId === null || n.free < n.requested)
    .map((n) => ({
      check: 'stock' as const,
      details: {
        lineNo: n.lineNo,
        itemId: n.itemId,
        warehouseId: n.warehouseId,
        requested: n.requested,
        available: Math.max(0, n.free),
      },
    }));
}

export interface QuotaUse {
  quotaId: string;
  itemId: string | null;
  productGroup: string | null;
  period: QuotaPeriod;
  allowance: number;
  /** Already used in the period by other orders. */
  used: number;
  /** This order's quantity under the quota. */
  requested: number;
}
export function quotaCheck(uses: readonly QuotaUse[]): CheckFailure[] {
  return uses
    .filter((u) => u.used + u.requested > u.allowance)
    .map((u) => ({
      check: 'quota' as const,
      details: {
        quotaId: u.quotaId,
        itemId: u.itemId,
        productGroup: u.productGroup,
        period: u.period,
        allowance: u.allowance,
        used: u.used,
        requested: u.requested,
        remaining: Math.max(0, u.allowance - u.used),
      },
    }));
}

export interface CreditPosition {
  limitMinor: number;
  openReceivablesMinor: number;
  unbilledMinor: number;
  thisOrderMinor: number;
  depositsMinor: number;
  currency: Currency;
}
/** exposure = open receivables + approved-but-unbilled + this order − deposits; fails above the limit. */
export function creditExposure(p: Omit<CreditPosition, 'limitMinor' | 'currency'>): number {
  return p.openReceivablesMinor + p.unbilledMinor + p.thisOrderMinor - p.depositsMinor;
}
export function creditCheck(p: CreditPosition): CheckFailure[] {
  const exposure = creditExposure(p);
  if (exposure <= p.limitMinor) return [];
  return [
    {
      check: 'credit',
      details: {
        limitMinor: p.limitMinor,
        exposureMinor: exposure,
        overMinor: exposure - p.limitMinor,
        openReceivablesMinor: p.openReceivablesMinor,
        unbilledMinor: p.unbilledMinor,
        thisOrderMinor: p.thisOrderMinor,
        depositsMinor: p.depositsMinor,
        currency: p.currency,
      },
    },
  ];
}

/** The first and last day of the quota period that contains `date` (YYYY-MM-DD, UTC; weeks start Monday). */
export function periodBounds(period: QuotaPeriod, date: string): { from: string; to: string } {
  const d = new Date(`${date}T00:00:00Z`);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const iso = (x: Date) => x.toISOString().slice(0, 10);
  switch (period) {
    case 'week': {
      const dow = (d.getUTCDay() + 6) % 7;
      const from = new Date(Date.UTC(y, m, d.getUTCDate() - dow));
      return { from: iso(from), to: iso(new Date(from.getTime() + 6 * 86_400_000)) };
    }
    case 'month':
      return { from: iso(new Date(Date.UTC(y, m, 1))), to: iso(new Date(Date.UTC(y, m + 1, 0))) };
    case 'quarter': {
      const q = Math.floor(m / 3) * 3;
      return { from: iso(new Date(Date.UTC(y, q, 1))), to: iso(new Date(Date.UTC(y, q + 3, 0))) };
    }
    case 'year':
      return { from: `${y}-01-01`, to: `${y}-12-31` };
  }
}

export interface CheckSetting {
  check: CheckCode;
  enabled: boolean;
  forceAllowed: boolean;
  forceRoles: readonly string[];
}

/**
 * Whether these failures may be force-released by someone with these roles: every failed
 * check must allow it, and the user must hold one of the roles each names.
 */
export function assertForceRelease(
  failures: readonly CheckFailure[],
  settings: readonly CheckSetting[],
  roles: readonly string[],
): void {
  for (const f of failures) {
    const s = settings.find((x) => x.check === f.check);
    if (!s?.forceAllowed)
      throw new AppError('order.force-not-allowed', `The ${f.check} check does not allow a forced release`, {
        check: f.check,
      });
    if (!s.forceRoles.some((r) => roles.includes(r)))
      throw new AppError('order.role-required', `Releasing a failed ${f.check} check needs one of the roles`, {
        check: f.check,
        roles: s.forceRoles.join(', '),
      });
  }
}

// ---------- priority allocation ----------
const GRADE_RANK: Record<string, number> = { A: 0, B: 1, C: 2, D: 3 };

export interface DemandLine {
  orderId: string;
  lineNo: number;
  grade: string;
  /** The date the customer was promised (or asked for); null sorts last. */
  promisedDate: string | null;
  createdAt: string;
  open: number;
}

/** Scarce stock goes first to the better customer grade, then the earlier promise, then first come. */
export function priorityOrder<T extends DemandLine>(lines: readonly T[]): T[] {
  return [...lines].sort(
    (a, b) =>
      (GRADE_RANK[a.grade] ?? 9) - (GRADE_RANK[b.grade] ?? 9) ||
      (a.promisedDate ?? '9999-12-31').localeCompare(b.promisedDate ?? '9999-12-31') ||
      a.createdAt.localeCompare(b.createdAt) ||
      a.orderId.localeCompare(b.orderId) ||
      a.lineNo - b.lineNo,
  );
}

// ---------- assignment ----------
export interface OrderFacts {
  channelId: string | null;
  region: string | null;
  customerId: string | null;
  lines: ReadonlyArray<{ itemId: string; productGroup: string | null; quantity: number }>;
}

export interface WarehouseRule {
  id: string;
  position: number;
  channelId: string | null;
  region: string | null;
  customerId: string | null;
  itemId: string | null;
  productGroup: string | null;
  warehouseIds: readonly string[];
  mode: 'availability' | 'priority';
}

/** A rule matches when every condition it sets holds; item conditions must hold for every line. */
export function ruleMatches(
  r: Pick<WarehouseRule, 'channelId' | 'region' | 'customerId' | 'itemId' | 'productGroup'>,
  o: OrderFacts,
): boolean {
  if (r.channelId !== null && r.channelId !== o.channelId) return false;
  if (r.region !== null && r.region !== o.region) return false;
  if (r.customerId !== null && r.customerId !== o.customerId) return false;
  if (r.itemId !== null && !o.lines.every((l) => l.itemId === r.itemId)) return false;
  if (r.productGroup !== null && !o.lines.every((l) => l.productGroup === r.productGroup)) return false;
  return true;
}

/**
 * Chooses the warehouse for an order: the first matching rule (by position) decides. In
 * 'availability' mode the first candidate that can serve every line wins, else the one serving
 * the most lines (then the most units), ties by the rule's order; 'priority' takes the first.
 */
export function chooseWarehouse(
  rules: readonly WarehouseRule[],
  o: OrderFacts,
  free: (itemId: string, warehouseId: string) => number,
): { warehouseId: string; ruleId: string; servesAll: boolean } | null {
  const rule = [...rules].sort((a, b) => a.position - b.position).find((r) => ruleMatches(r, o));
  if (!rule || rule.warehouseIds.length === 0) return null;
  const score = (w: string) => {
    let lines = 0;
    let units = 0;
    for (const l of o.lines) {
      const f = free(l.itemId, w);
      if (f >= l.quantity) lines += 1;
      units += Math.min(Math.max(f, 0), l.quantity);
    }
    return { lines, units };
  };
  if (rule.mode === 'priority') {
    const w = rule.warehouseIds[0]!;
    return { warehouseId: w, ruleId: rule.id, servesAll: score(w).lines === o.lines.length };
  }
  let best = rule.warehouseIds[0]!;
  let bestScore = score(best);
  for (const w of rule.warehouseIds) {
    const s = score(w);
    if (s.lines === o.lines.length) return { warehouseId: w, ruleId: rule.id, servesAll: true };
    if (s.lines > bestScore.lines || (s.lines === bestScore.lines && s.units > bestScore.units)) {
      best = w;
      bestScore = s;
    }
  }
  return { warehouseId: best, ruleId: rule.id, servesAll: false };
}

export interface CarrierRule {
  id: string;
  position: number;
  warehouseId: string | null;
  region: string | null;
  channelId: string | null;
  maxWeightGrams: number | null;
  carrierId: string;
}
export function chooseCarrier(
  rules: readonly CarrierRule[],
  o: { warehouseId: string | null; region: string | null; channelId: string | null; weightGrams: number },
): CarrierRule | null {
  return (
    [...rules]
      .sort((a, b) => a.position - b.position)
      .find(
        (r) =>
          (r.warehouseId === null || r.warehouseId === o.warehouseId) &&
          (r.region === null || r.region === o.region) &&
          (r.channelId === null || r.channelId === o.channelId) &&
          (r.maxWeightGrams === null || o.weightGrams <= r.maxWeightGrams),
      ) ?? null
  );
}

// ---------- splitting ----------
export interface SplitLine {
  lineNo: number;
  itemId: string;
  quantity: number;
  productGroup: string | null;
  weightGrams: number | null;
  volumeCm3: number | null;
}
export interface SplitPart {
  warehouseId: string | null;
  lines: Array<{ lineNo: number; quantity: number }>;
}

/** Quantities of each line across the parts: equal to the lines' quantities, or the split is refused. */
export function assertConserved(
  lines: readonly { lineNo: number; quantity: number }[],
  parts: readonly SplitPart[],
): void {
  const want = new Map(lines.map((l) => [l.lineNo, l.quantity]));
  const got = new Map<number, number>();
  for (const p of parts)
    for (const l of p.lines) {
      if (!want.has(l.lineNo))
        throw new AppError('order.split-invalid', `Line ${l.lineNo} is not on the order`, { lineNo: l.lineNo });
      got.set(l.lineNo, (got.get(l.lineNo) ?? 0) + l.quantity);
    }
  for (const [lineNo, q] of want)
    if ((got.get(lineNo) ?? 0) !== q)
      throw new AppError('order.split-invalid', `Line ${lineNo}: the parts take ${got.get(lineNo) ?? 0} of ${q}`, {
        lineNo,
        ordered: q,
        split: got.get(lineNo) ?? 0,
      });
}

/**
 * Manual split: the chosen parts, plus one remainder part with what they leave. Refuses a part
 * that takes more than a line has, and a split that would leave the order in one piece.
 */
export function planManualSplit(
  lines: readonly { lineNo: number; quantity: number }[],
  parts: ReadonlyArray<{ warehouseId: string | null; lines: ReadonlyArray<{ lineNo: number; quantity: number }> }>,
  parentWarehouseId: string | null,
): SplitPart[] {
  const left = new Map(lines.map((l) => [l.lineNo, l.quantity]));
  const out: SplitPart[] = [];
  for (const p of parts) {
    const merged = new Map<number, number>();
    for (const l of p.lines) {
      const have = left.get(l.lineNo);
      if (have === undefined)
        throw new AppError('order.split-invalid', `Line ${l.lineNo} is not on the order`, { lineNo: l.lineNo });
      if (l.quantity > have)
        throw new AppError('order.split-invalid', `Line ${l.lineNo}: only ${have} left to split`, {
          lineNo: l.lineNo,
          requested: l.quantity,
          left: have,
        });
      left.set(l.lineNo, have - l.quantity);
      merged.set(l.lineNo, (merged.get(l.lineNo) ?? 0) + l.quantity);
    }
    out.push({ warehouseId: p.warehouseId, lines: [...merged].map(([lineNo, quantity]) => ({ lineNo, quantity })) });
  }
  const rest = [...left].filter(([, q]) => q > 0).map(([lineNo, quantity]) => ({ lineNo, quantity }));
  if (rest.length > 0) out.push({ warehouseId: parentWarehouseId, lines: rest });
  if (out.length < 2)
    throw new AppError('order.split-invalid', 'A split needs at least two parts', { parts: out.length });
  assertConserved(lines, out);
  return out;
}

export interface AutoSplitRule {
  kind: SplitRuleKind;
  limit: number | null;
}

/**
 * Automatic split by the active rules, applied in order, each refining the parts of the one
 * before: by warehouse (each line to the first candidate warehouse that can serve it), by
 * product group, then by a weight or volume limit per shipment (first-fit decreasing; a line
 * heavier than the limit is cut into as many shipments as it needs).
 */
export function planAutoSplit(
  lines: readonly SplitLine[],
  rules: readonly AutoSplitRule[],
  warehouseFor: (line: SplitLine) => string | null,
  parentWarehouseId: string | null,
): SplitPart[] {
  const byNo = new Map(lines.map((l) => [l.lineNo, l]));
  let parts: SplitPart[] = [
    { warehouseId: parentWarehouseId, lines: lines.map((l) => ({ lineNo: l.lineNo, quantity: l.quantity })) },
  ];
  const groupBy = (
    key: (line: SplitLine, part: SplitPart) => string,
    wh: (line: SplitLine, part: SplitPart) => string | null,
  ) =>
    parts.flatMap((p) => {
      const groups = new Map<string, SplitPart>();
      for (const l of p.lines) {
        const line = byNo.get(l.lineNo)!;
        const k = key(line, p);
        let g = groups.get(k);
        if (!g) {
          g = { warehouseId: wh(line, p), lines: [] };
          groups.set(k, g);
        }
        g.lines.push(l);
      }
      return [...groups.values()];
    });
  for (const rule of rules) {
    if (rule.kind === 'warehouse') {
      parts = groupBy(
        (line, p) => warehouseFor(line) ?? p.warehouseId ?? '',
        (line, p) => warehouseFor(line) ?? p.warehouseId,
      );
    } else if (rule.kind === 'product-group') {
      parts = groupBy(
        (line) => line.productGroup ?? '',
        (_line, p) => p.warehouseId,
      );
    } else if (rule.limit !== null) {
      const limit = rule.limit;
      const size = (l: SplitLine) => (rule.kind === 'weight' ? l.weightGrams : l.volumeCm3) ?? 0;
      parts = parts.flatMap((p) => binPack(p, limit, (lineNo) => size(byNo.get(lineNo)!)));
    }
  }
  assertConserved(
    lines.map((l) => ({ lineNo: l.lineNo, quantity: l.quantity })),
    parts,
  );
  return parts;
}

function binPack(part: SplitPart, limit: number, unitSize: (lineNo: number) => number): SplitPart[] {
  const bins: Array<{ used: number; lines: Map<number, number> }> = [];
  const items = [...part.lines].sort((a, b) => unitSize(b.lineNo) - unitSize(a.lineNo) || a.lineNo - b.lineNo);
  for (const l of items) {
    const u = unitSize(l.lineNo);
    let left = l.quantity;
    if (u === 0) {
      const bin = bins[0] ?? { used: 0, lines: new Map<number, number>() };
      if (bins.length === 0) bins.push(bin);
      bin.lines.set(l.lineNo, (bin.lines.get(l.lineNo) ?? 0) + left);
      continue;
    }
    // A unit larger than the limit still ships, alone.
    const perBin = Math.max(1, Math.floor(limit / u));
    for (const bin of bins) {
      if (left === 0) break;
      const fit = Math.min(left, Math.floor((limit - bin.used) / u));
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
  if (bins.length === 0) return [part];
  return bins.map((b) => ({
    warehouseId: part.warehouseId,
    lines: [...b.lines].map(([lineNo, quantity]) => ({ lineNo, quantity })).sort((a, b) => a.lineNo - b.lineNo),
  }));
}

// ---------- available to promise ----------
export interface SupplyEvent {
  date: string;
  quantity: number;
  /** What the supply is: `purchase:<orderId>:<lineNo>` or `transfer:<id>`. */
  ref: string;
}

export interface AtpProfileDay {
  date: string;
  supply: number;
  cumulative: number;
}

export interface Promise_ {
  /** The earliest date the whole quantity can be promised, or null when no known supply covers it. */
  date: string | null;
  /** The supply the promise depends on (null when stock on hand covers it). */
  dependsOn: string | null;
  onHandAtp: number;
  profile: AtpProfileDay[];
}

/**
 * Time-phased ATP: what can be promised today is free stock (available − reserved − frozen is
 * already excluded from available) minus safety stock minus earlier unallocated demand; each
 * dated supply adds to it from its date on. The promise is the first day the cumulative figure
 * reaches the requested quantity, never earlier than `from`.
 */
export function availableToPromise(
  f: { free: number; safetyStock: number; backorders: number; supply: readonly SupplyEvent[] },
  quantity: number,
  from: string,
): Promise_ {
  const onHandAtp = f.free - f.safetyStock - f.backorders;
  const byDate = new Map<string, { quantity: number; refs: string[] }>();
  for (const s of f.supply) {
    const d = s.date < from ? from : s.date;
    const e = byDate.get(d) ?? { quantity: 0, refs: [] };
    e.quantity += s.quantity;
    e.refs.push(s.ref);
    byDate.set(d, e);
  }
  const days = [...byDate].sort(([a], [b]) => a.localeCompare(b));
  const profile: AtpProfileDay[] = [];
  let cumulative = onHandAtp;
  let date: string | null = onHandAtp >= quantity ? from : null;
  let dependsOn: string | null = null;
  for (const [d, e] of days) {
    cumulative += e.quantity;
    profile.push({ date: d, supply: e.quantity, cumulative });
    if (date === null && cumulative >= quantity) {
      date = d;
      dependsOn = e.refs[e.refs.length - 1] ?? null;
    }
  }
  return { date, dependsOn, onHandAtp, profile };
}

/** How much of an original line can still be returned: shipped (or received) − returned − on open returns. */
export function returnable(original: { done: number; returned: number }, pendingOnReturns: number): number {
  return Math.max(0, original.done - original.returned - pendingOnReturns);
}
