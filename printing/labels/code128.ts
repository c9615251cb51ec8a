import { AppError } from '../../core/errors.ts';

/**
 * Code 128 symbol characters for data we send to a printer's own barcode command (ZPL ^BC in
 * mode N, TSPL "128M"). We choose the code sets ourselves instead of the printer's automatic
 * mode because automatic modes differ between firmwares in where they put FNC1 — the printed
 * text looks right while the bars carry merged fields. GS (ASCII 29) in the input is FNC1.
 *
 * Sets used: C for runs of digit pairs, B for everything else (GS1 data is printable ASCII).
 */

export const START_B = 104;
export const START_C = 105;
export const FNC1 = 102;
/** In set B: switch to C. */
export const CODE_C = 99;
/** In set C: switch to B. */
export const CODE_B = 100;

export type Code128Token =
  | { kind: 'start'; set: 'B' | 'C' }
  | { kind: 'switch'; set: 'B' | 'C' }
  | { kind: 'fnc1' }
  | { kind: 'pair'; digits: string }
  | { kind: 'char'; char: string };

function digitRun(s: string, i: number): number {
  let n = 0;
  while (i + n < s.length && s.charCodeAt(i + n) >= 48 && s.charCodeAt(i + n) <= 57) n += 1;
  return n;
}

/**
 * Tokens for `data` (GS = FNC1); `gs1` puts FNC1 first, as GS1-128 requires. `returnToC: false`
 * stays in B once there: ZPL output does that, because the zebrash renderer our tests print ZPL
 * through turns `>5` (CODE C) in subset B into FNC4 and garbles the rest; staying in B is valid
 * on every printer and costs a few modules after an alphanumeric batch or PO.
 */
export function code128Tokens(data: string, gs1: boolean, returnToC = true): Code128Token[] {
  for (const ch of data)
    if (ch !== '\x1d' && (ch < ' ' || ch > '~'))
      throw new AppError('label.barcode-invalid', 'Code 128 here carries printable ASCII only', { char: ch });
  const tokens: Code128Token[] = [];
  // Start in C when the data opens with at least two digits (GS1 data always does: the AI).
  let set: 'B' | 'C' = digitRun(data, 0) >= 2 ? 'C' : 'B';
  tokens.push({ kind: 'start', set });
  if (gs1) tokens.push({ kind: 'fnc1' });
  let i = 0;
  while (i < data.length) {
    const ch = data[i]!;
    if (ch === '\x1d') {
      tokens.push({ kind: 'fnc1' });
      i += 1;
      continue;
    }
    const run = digitRun(data, i);
    if (set === 'C') {
      if (run >= 2) {
        tokens.push({ kind: 'pair', digits: data.slice(i, i + 2) });
        i += 2;
        continue;
      }
      set = 'B';
      tokens.push({ kind: 'switch', set });
    }
    // In B: a digit run worth a switch (4+ digits, or 2+ up to the end / a separator) goes to C;
    // an odd run leaves its first digit in B so C gets whole pairs.
    const runEnds = i + run === data.length || data[i + run] === '\x1d';
    if (returnToC && (run >= 4 || (run >= 2 && runEnds && run % 2 === 0))) {
      if (run % 2 === 1) {
        tokens.push({ kind: 'char', char: ch });
        i += 1;
      }
      set = 'C';
      tokens.push({ kind: 'switch', set });
      continue;
    }
    tokens.push({ kind: 'char', char: ch });
    i += 1;
  }
  return tokens;
}

/** Symbol character values, start included, check character and stop excluded. */
export function code128Values(tokens: readonly Code128Token[]): number[] {
  return tokens.map((t) => {
    switch (t.kind) {
      case 'start':
        return t.set === 'C' ? START_C : START_B;
      case 'switch':
        return t.set === 'C' ? CODE_C : CODE_B;
      case 'fnc1':
        return FNC1;
      case 'pair':
        return Number(t.digits);
      case 'char':
        return t.char.charCodeAt(0) - 32;
    }
  });
}

/** Width in modules: symbol characters + check (11 each) + stop (13); quiet zones excluded. */
export function code128Modules(tokens: readonly Code128Token[]): number {
  return (tokens.length + 1) * 11 + 13;
}

/** ZPL ^BC field data in mode N: >; start C, >: start B, >5/>6 switch, >8 FNC1, >< for '>'. */
export function zplCode128Data(tokens: readonly Code128Token[]): string {
  let out = '';
  for (const t of tokens) {
    if (t.kind === 'start') out += t.set === 'C' ? '>;' : '>:';
    else if (t.kind === 'switch') out += t.set === 'C' ? '>5' : '>6';
    else if (t.kind === 'fnc1') out += '>8';
    else if (t.kind === 'pair') out += t.digits;
    else out += t.char === '>' ? '><' : t.char;
  }
  return out;
}

/**
 * TSPL "128M" content: !NNN for start/switch/FNC1 (!105 start C, !104 start B, !099 code C,
 * !100 code B, !102 FNC1), data characters as themselves.
 */
export function tsplCode128Data(tokens: readonly Code128Token[]): string {
  const bang = (n: number) => `!${String(n).padStart(3, '0')}`;
  let out = '';
  for (const t of tokens) {
    if (t.kind === 'start') out += bang(t.set === 'C' ? START_C : START_B);
    else if (t.kind === 'switch') out += bang(t.set === 'C' ? CODE_C : CODE_B);
    else if (t.kind === 'fnc1') out += bang(FNC1);
    else if (t.kind === 'pair') out += t.digits;
    else out += t.char === '!' ? bang(1) : t.char;
  }
  return out;
}
