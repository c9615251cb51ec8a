import { AppError, type ErrorCode } from '../errors.ts';
import type { AiComponent, AiEntry, Cset, Lint } from './ai.ts';

/** What one validated value reports (Gs1Element minus ai/title/raw). */
export interface CheckedValue {
  value: string | number | null;
  date?: string;
  decimals?: number;
}

/**
 * Thrown positions are indices into the caller's original input, so a UI can point at the
 * offending character; `at(i)` maps an index of the value to that space.
 */
export type PositionMap = (indexInValue: number) => number;

export function gs1Error(code: ErrorCode, message: string, ai: string | undefined, position: number): AppError {
  return new AppError(code, message, ai === undefined ? { position } : { position, ai });
}

// GS1 AI encodable character set 82 (§7.11 figure 7.11-1): printable ASCII minus space # $ @ [ \ ] ^ ` { | } ~.
const CSET82 = new Uint8Array(128);
for (const ch of '!"%&\'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz')
  CSET82[ch.charCodeAt(0)] = 1;
const CSET39 = new Uint8Array(128);
for (const ch of '#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ') CSET39[ch.charCodeAt(0)] = 1;
const CSET64 = new Uint8Array(128);
for (const ch of '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz') CSET64[ch.charCodeAt(0)] = 1;

const CSET_NAME: Record<Cset, string> = {
  N: 'digits only',
  X: 'GS1 character set 82',
  Y: 'GS1 character set 39',
  Z: 'GS1 character set 64',
};

/** Index of the first character outside the set, or -1. */
function badCharIndex(cset: Cset, s: string): number {
  for (let i = 0; i < s.length; i += 1) {
    const c = s.charCodeAt(i);
    let ok: boolean;
    if (cset === 'N') ok = c >= 48 && c <= 57;
    else if (c >= 128) ok = false;
    else if (cset === 'X') ok = CSET82[c] === 1;
    else if (cset === 'Y') ok = CSET39[c] === 1;
    // base64url with up to two "=" of padding at the very end
    else
      ok =
        CSET64[c] === 1 ||
        (c === 61 &&
          i >= s.length - 2 &&
          s
            .slice(i)
            .split('')
            .every((x) => x === '='));
    if (!ok) return i;
  }
  return -1;
}

export function mod10(dataDigits: string): number {
  let sum = 0;
  for (let i = 0; i < dataDigits.length; i += 1) {
    const digit = dataDigits.charCodeAt(dataDigits.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * §7.12: a two-digit year is placed in the century that puts it within −49…+50 years of the
 * reference year (the current year unless a test pins it).
 */
export function fullYear(yy: number, referenceYear: number): number {
  const current = referenceYear % 100;
  const century = referenceYear - current;
  const diff = yy - current;
  if (diff >= 51) return century - 100 + yy;
  if (diff <= -50) return century + 100 + yy;
  return century + yy;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** YYMMDD → YYYY-MM-DD, or a reason it is not a date. Day 00 (when allowed) = last day of the month. */
function parseDate(s: string, allowDay00: boolean, referenceYear: number): string | string[] {
  const yy = Number(s.slice(0, 2));
  const mm = Number(s.slice(2, 4));
  const dd = Number(s.slice(4, 6));
  if (mm < 1 || mm > 12) return [`month ${s.slice(2, 4)} does not exist`];
  const year = fullYear(yy, referenceYear);
  const last = daysInMonth(year, mm);
  if (dd === 0 && !allowDay00) return ['day 00 is not allowed here'];
  if (dd > last) return [`${year}-${pad2(mm)} has no day ${dd}`];
  return `${year}-${pad2(mm)}-${pad2(dd === 0 ? last : dd)}`;
}

interface LintFailure {
  code: ErrorCode;
  message: string;
  index: number;
}

function lint(name: Lint, s: string, referenceYear: number): LintFailure | string | null {
  const fail = (code: ErrorCode, message: string, index = 0): LintFailure => ({ code, message, index });
  switch (name) {
    case 'csum':
      return mod10(s.slice(0, -1)) === s.charCodeAt(s.length - 1) - 48
        ? null
        : fail('gs1.bad-check-digit', `check digit should be ${mod10(s.slice(0, -1))}`, s.length - 1);
    case 'yymmd0':
    case 'yymmdd': {
      const d = parseDate(s, name === 'yymmd0', referenceYear);
      return typeof d === 'string' ? d : fail('gs1.bad-date', d[0] ?? 'not a date');
    }
    case 'yymmddhh': {
      const d = parseDate(s.slice(0, 6), false, referenceYear);
      if (typeof d !== 'string') return fail('gs1.bad-date', d[0] ?? 'not a date');
      return Number(s.slice(6, 8)) > 23 ? fail('gs1.bad-date', 'hour must be 00–23', 6) : d;
    }
    case 'hhmm':
    case 'hhmm9':
      if (name === 'hhmm9' && s === '9999') return null;
      if (Number(s.slice(0, 2)) > 23) return fail('gs1.bad-date', 'hour must be 00–23');
      return Number(s.slice(2, 4)) > 59 ? fail('gs1.bad-date', 'minute must be 00–59', 2) : null;
    case 'mmoptss':
      if (s.length !== 2 && s.length !== 4)
        return fail('gs1.bad-length', 'minutes (and seconds) must be 2 or 4 digits');
      if (Number(s.slice(0, 2)) > 59) return fail('gs1.bad-date', 'minute must be 00–59');
      return s.length === 4 && Number(s.slice(2, 4)) > 59 ? fail('gs1.bad-date', 'second must be 00–59', 2) : null;
    case 'zero':
      return s === '0' ? null : fail('gs1.bad-value', 'must be 0');
    case 'nonzero':
      return /[1-9]/.test(s) ? null : fail('gs1.bad-value', 'must not be zero');
    case 'winding':
      return s === '0' || s === '1' || s === '9' ? null : fail('gs1.bad-value', 'winding direction must be 0, 1 or 9');
    case 'yesno':
      return s === '0' || s === '1' ? null : fail('gs1.bad-value', 'must be 0 or 1');
    case 'hyphen':
      return s === '-' ? null : fail('gs1.bad-value', 'must be "-"');
    case 'pieceoftotal': {
      const piece = Number(s.slice(0, 2));
      const total = Number(s.slice(2, 4));
      if (piece === 0) return fail('gs1.bad-value', 'piece number must not be 00');
      if (total === 0) return fail('gs1.bad-value', 'total pieces must not be 00', 2);
      return piece > total ? fail('gs1.bad-value', 'piece number exceeds the total') : null;
    }
    case 'nozeroprefix':
      return s.length > 1 && s[0] === '0' ? fail('gs1.bad-value', 'must not start with 0') : null;
    case 'pcenc': {
      for (let i = s.indexOf('%'); i >= 0; i = s.indexOf('%', i + 1))
        if (!/^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3)))
          return fail('gs1.bad-value', '"%" must be followed by two hex digits', i);
      return null;
    }
  }
}

/** Splits a value into its components the way GS1 does: each takes up to its maximum, in order. */
function checkComponents(entry: AiEntry, raw: string, at: PositionMap, referenceYear: number): { date?: string } {
  let p = 0;
  let date: string | undefined;
  for (const part of entry.parts as AiComponent[]) {
    const len = Math.min(part.max, raw.length - p);
    if (len === 0 && part.optional) continue;
    if (len < part.min)
      throw gs1Error(
        'gs1.bad-length',
        `AI (${entry.ai}): value is too short (${raw.length} characters; ${describeLength(entry)})`,
        entry.ai,
        at(raw.length),
      );
    const s = raw.slice(p, p + len);
    const bad = badCharIndex(part.cset, s);
    if (bad >= 0)
      throw gs1Error(
        'gs1.bad-characters',
        `AI (${entry.ai}): character ${JSON.stringify(s[bad])} is not allowed (${CSET_NAME[part.cset]})`,
        entry.ai,
        at(p + bad),
      );
    for (const name of part.lints) {
      const result = lint(name, s, referenceYear);
      if (result === null) continue;
      if (typeof result === 'string') {
        date ??= result;
        continue;
      }
      throw gs1Error(
        result.code,
        `AI (${entry.ai}) ${JSON.stringify(s)}: ${result.message}`,
        entry.ai,
        at(p + result.index),
      );
    }
    p += len;
  }
  if (p < raw.length)
    throw gs1Error(
      'gs1.bad-length',
      `AI (${entry.ai}): value is too long (${raw.length} characters; ${describeLength(entry)})`,
      entry.ai,
      at(p),
    );
  return date === undefined ? {} : { date };
}

export function describeLength(entry: AiEntry): string {
  return entry.minLength === entry.maxLength
    ? `exactly ${entry.maxLength}`
    : `${entry.minLength} to ${entry.maxLength}`;
}

/** A decimal string with `decimals` implied places as a number, built from digits so no binary rounding creeps in. */
function withDecimals(digits: string, decimals: number): number {
  if (decimals === 0) return Number(digits);
  const padded = digits.padStart(decimals + 1, '0');
  return Number(`${padded.slice(0, -decimals)}.${padded.slice(-decimals)}`);
}

/** Validates one AI value (length, character set, check digit, dates, other rules) and interprets it. */
export function checkValue(entry: AiEntry, raw: string, at: PositionMap, referenceYear: number): CheckedValue {
  if (raw.length === 0) throw gs1Error('gs1.bad-length', `AI (${entry.ai}) has no value`, entry.ai, at(0));
  if (raw.length > entry.maxLength)
    throw gs1Error(
      'gs1.bad-length',
      `AI (${entry.ai}): value is too long (${raw.length} characters; ${describeLength(entry)})`,
      entry.ai,
      at(entry.maxLength),
    );
  const { date } = checkComponents(entry, raw, at, referenceYear);
  switch (entry.kind) {
    case 'integer':
      return { value: Number(raw) };
    case 'measure': {
      const decimals = Number(entry.ai[3]);
      return { value: withDecimals(raw, decimals), decimals };
    }
    case 'currency-amount': {
      const decimals = Number(entry.ai[3]);
      return { value: withDecimals(raw.slice(3), decimals), decimals };
    }
    case 'date':
      return date === undefined ? { value: raw } : { value: raw, date };
    case 'text':
      return { value: raw };
  }
}
