/** A small deterministic PRNG (mulberry32) so a seed number always yields the same data set. */
export interface Rng {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(list: readonly T[]): T;
  chance(p: number): boolean;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick<T>(list: readonly T[]): T {
      const value = list[Math.floor(next() * list.length)];
      if (value === undefined) throw new RangeError('pick from an empty list');
      return value;
    },
    chance: (p) => next() < p,
  };
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const word = (rng: Rng) => Math.floor(rng.next() * 4294967296);

/** A version-4 UUID drawn from the generator, so the same seed yields the same ids. */
export function seededUuid(rng: Rng): string {
  const h = hex(word(rng), 8) + hex(word(rng), 8) + hex(word(rng), 8) + hex(word(rng), 8);
  const variant = ((parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A version-7 UUID (48-bit millisecond time, then generator bits). Ledger rows written in time
 * order then land at the end of their primary-key and op-id indexes, which keeps a bulk load of
 * millions of rows fast; the ids stay valid UUIDs for the API's `z.uuid()`.
 */
export function seededUuidV7(rng: Rng, ms: number): string {
  const t = hex(ms, 12);
  const r = hex(word(rng), 8) + hex(word(rng), 8) + hex(word(rng), 8);
  const variant = ((parseInt(r[3] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${r.slice(0, 3)}-${variant}${r.slice(4, 7)}-${r.slice(7, 19)}`;
}
