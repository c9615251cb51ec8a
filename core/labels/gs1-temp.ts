// TEMPORARY stand-in for core/gs1 (written in parallel by another helper): the same interface,
// a minimal AI table. Delete once core/gs1/build.ts and parse.ts are committed.
import { AppError } from '../errors.ts';
import { hasValidGs1CheckDigit } from '../gs1.ts';

export const FNC1_GS = '\x1d';

function fixedLength(ai: string): number | null {
  if (ai === '00') return 18;
  if (ai === '01' || ai === '02') return 14;
  if (/^1[1-7]$/.test(ai)) return 6;
  if (ai === '20') return 2;
  if (/^3[1-6]\d\d$/.test(ai)) return 6;
  if (/^41[0-7]$/.test(ai)) return 13;
  return null;
}
const VARIABLE: Record<string, number> = { '10': 20, '21': 20, '22': 20, '37': 8, '400': 30, '401': 30, '420': 20 };

function aiOf(s: string): string | null {
  for (const len of [2, 3, 4]) {
    const ai = s.slice(0, len);
    if (fixedLength(ai) !== null || ai in VARIABLE) return ai;
  }
  return null;
}

function check(ai: string, value: string): void {
  const fixed = fixedLength(ai);
  if (fixed === null && !(ai in VARIABLE)) throw new AppError('gs1.unknown-ai', `Unknown AI ${ai}`, { ai });
  if (fixed !== null && value.length !== fixed) throw new AppError('gs1.bad-length', `AI ${ai} length`, { ai });
  if (fixed === null && (value.length < 1 || value.length > VARIABLE[ai]!))
    throw new AppError('gs1.bad-length', `AI ${ai} length`, { ai });
  if ((fixed !== null || ai === '37') && !/^\d+$/.test(value))
    throw new AppError('gs1.bad-characters', `AI ${ai} digits`, { ai });
  if (!/^[!-"%-?A-Z_a-z]+$/.test(value)) throw new AppError('gs1.bad-characters', `AI ${ai} characters`, { ai });
  if ((ai === '00' || ai === '01' || ai === '02' || /^41\d$/.test(ai)) && !hasValidGs1CheckDigit(value))
    throw new AppError('gs1.bad-check-digit', `AI ${ai} check digit`, { ai });
  if (/^1[1-7]$/.test(ai)) {
    const month = Number(value.slice(2, 4));
    const day = Number(value.slice(4, 6));
    if (month < 1 || month > 12 || day > 31) throw new AppError('gs1.bad-date', `AI ${ai} date`, { ai });
  }
}

export function buildGs1(elements: { ai: string; value: string }[]): { data: string; hri: string; bracketed: string } {
  let data = '';
  elements.forEach(({ ai, value }, i) => {
    check(ai, value);
    data += ai + value;
    if (fixedLength(ai) === null && i < elements.length - 1) data += FNC1_GS;
  });
  return {
    data,
    hri: elements.map((e) => `(${e.ai}) ${e.value}`).join(' '),
    bracketed: elements.map((e) => `(${e.ai})${e.value}`).join(''),
  };
}

export interface Gs1Element {
  ai: string;
  title: string;
  raw: string;
  value: string | number | null;
}

export function parseGs1(scan: string): { symbology: string | null; elements: Gs1Element[] } {
  let s = scan;
  let symbology: string | null = null;
  if (s.startsWith(']C1')) [symbology, s] = ['gs1-128', s.slice(3)];
  else if (s.startsWith(']d2')) [symbology, s] = ['gs1-datamatrix', s.slice(3)];
  if (s.startsWith(FNC1_GS)) s = s.slice(1);
  const elements: Gs1Element[] = [];
  while (s.length > 0) {
    const ai = aiOf(s);
    if (ai === null) throw new AppError('gs1.unknown-ai', 'Unknown AI', {});
    s = s.slice(ai.length);
    const fixed = fixedLength(ai);
    let raw: string;
    if (fixed !== null) {
      raw = s.slice(0, fixed);
      s = s.slice(fixed);
      if (s.startsWith(FNC1_GS)) s = s.slice(1);
    } else {
      const end = s.indexOf(FNC1_GS);
      raw = end < 0 ? s : s.slice(0, end);
      s = end < 0 ? '' : s.slice(end + 1);
    }
    check(ai, raw);
    elements.push({ ai, title: ai, raw, value: raw });
  }
  return { symbology, elements };
}
