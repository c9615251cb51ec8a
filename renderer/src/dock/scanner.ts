import { AppError, type AppErrorData } from '../../../core/errors.ts';
import { FNC1_GS } from '../../../core/gs1/ai.ts';
import { parseGs1 } from '../../../core/gs1/parse.ts';

/**
 * Keyboard-wedge scanner input, assembled at keydown level (pure: no DOM, unit-tested).
 *
 * A wedge scanner "types" its data and Enter, fast. The GS separator (ASCII 29) that GS1
 * barcodes need between variable-length fields has no key, so it reaches the browser in one of
 * four ways depending on scanner and OS: a real ASCII 29 character, Ctrl+] (the terminal
 * convention; a browser would otherwise take it as a shortcut), Alt+0029 typed on the numpad
 * (Windows "Alt codes"), or a text the site programmed into the scanner (e.g. "{GS}"). The
 * first three are turned into a real GS here; the substitute is left in the text and handed to
 * the GS1 parser (it maps error positions back to what was scanned).
 */

/** GS as shown in the scan field (ASCII: the CJK UI fonts have no glyph for ␝). */
export const GS_DISPLAY = '<GS>';
export const DEFAULT_GS_SUBSTITUTE = '{GS}';

export interface ScannerSettings {
  /** Text the scanner sends for GS; '' for none. Never digits (they would read as data). */
  gsSubstitute: string;
  /** A key run is a scan when its mean interval between keys is below this (ms)… */
  maxMeanIntervalMs: number;
  /** …over at least this many characters. */
  minScanChars: number;
}

export const DEFAULT_SCANNER_SETTINGS: ScannerSettings = {
  gsSubstitute: DEFAULT_GS_SUBSTITUTE,
  maxMeanIntervalMs: 30,
  minScanChars: 8,
};

const SETTINGS_KEY = 'oms.dock.scanner';

/** The desktop's scanner settings (per workstation: the scanner is programmed per dock). */
export function loadScannerSettings(storage: Pick<Storage, 'getItem'> | null): ScannerSettings {
  try {
    const raw = storage?.getItem(SETTINGS_KEY);
    if (!raw) return DEFAULT_SCANNER_SETTINGS;
    const v = JSON.parse(raw) as Partial<ScannerSettings>;
    const num = (x: unknown, d: number, lo: number, hi: number) =>
      typeof x === 'number' && Number.isFinite(x) && x >= lo && x <= hi ? x : d;
    return {
      gsSubstitute:
        typeof v.gsSubstitute === 'string' && checkSubstitute(v.gsSubstitute) === null
          ? v.gsSubstitute
          : DEFAULT_SCANNER_SETTINGS.gsSubstitute,
      maxMeanIntervalMs: num(v.maxMeanIntervalMs, DEFAULT_SCANNER_SETTINGS.maxMeanIntervalMs, 1, 500),
      minScanChars: num(v.minScanChars, DEFAULT_SCANNER_SETTINGS.minScanChars, 2, 100),
    };
  } catch {
    return DEFAULT_SCANNER_SETTINGS;
  }
}

export function saveScannerSettings(storage: Pick<Storage, 'setItem'> | null, s: ScannerSettings): void {
  try {
    storage?.setItem(SETTINGS_KEY, JSON.stringify(s));
  } catch {
    // Storage disabled: the setting lasts for this session only.
  }
}

/** Why a substitute cannot be used ('digits', 'too-long'), or null when it can. */
export function checkSubstitute(s: string): 'digits' | 'too-long' | null {
  if (/[0-9]/.test(s)) return 'digits';
  if (s.length > 12) return 'too-long';
  return null;
}

/** What a keydown/keyup handler needs of a KeyboardEvent. */
export interface KeyInput {
  key: string;
  code?: string;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
  isComposing?: boolean;
  /** Event.timeStamp (ms). */
  timeStamp: number;
}

export type ScanSource = 'scanner' | 'typed';

export interface CompletedScan {
  /** As assembled: real GS for GS in any of its key forms; a substitute token left as sent. */
  text: string;
  source: ScanSource;
  /** Mean ms between keys, null with fewer than two keys (e.g. pasted). */
  meanIntervalMs: number | null;
}

export interface KeyOutcome {
  /** The key was used here: the caller should preventDefault (no shortcut, no default typing). */
  consumed: boolean;
  /** Enter ended a non-empty scan. */
  scan?: CompletedScan;
}

const NOT_CONSUMED: KeyOutcome = { consumed: false };
const CONSUMED: KeyOutcome = { consumed: true };

/** Tells a scan from typing by the rhythm of its keys. */
export function classifyTiming(
  times: readonly number[],
  settings: ScannerSettings,
): { source: ScanSource; mean: number | null } {
  if (times.length < 2) return { source: 'typed', mean: null };
  const mean = (times[times.length - 1]! - times[0]!) / (times.length - 1);
  const source = times.length >= settings.minScanChars && mean < settings.maxMeanIntervalMs ? 'scanner' : 'typed';
  return { source, mean };
}

/**
 * Collects the characters of one scan from key events. Feed every keydown (and the keyup of
 * Alt, for Alt codes) of the scan field; text inserted without a keydown (paste, IME, a GS the
 * OS delivered as a character) goes through `insert`.
 */
export class ScanAssembler {
  private chars: string[] = [];
  private times: number[] = [];
  /** Numpad digits typed while Alt is held (an Alt code in progress), or null. */
  private altDigits: string | null = null;
  /** A character the OS will also deliver as text after an Alt code: taken once, ignored. */
  private echo: string | null = null;

  constructor(private settings: ScannerSettings = DEFAULT_SCANNER_SETTINGS) {}

  setSettings(settings: ScannerSettings): void {
    this.settings = settings;
  }

  /** What has been assembled so far, GS shown as ␝ (for the scan field). */
  get display(): string {
    return this.chars.join('').replaceAll(FNC1_GS, GS_DISPLAY);
  }

  get length(): number {
    return this.chars.length;
  }

  clear(): void {
    this.chars = [];
    this.times = [];
    this.altDigits = null;
    this.echo = null;
  }

  private push(ch: string, at: number): void {
    this.chars.push(ch);
    this.times.push(at);
  }

  keydown(e: KeyInput): KeyOutcome {
    if (e.isComposing) return NOT_CONSUMED;
    const ctrl = e.ctrlKey === true;
    const alt = e.altKey === true;
    const meta = e.metaKey === true;
    if (e.key === 'Enter') {
      if (this.chars.length === 0) return CONSUMED;
      return { consumed: true, scan: this.finish() };
    }
    if (e.key === FNC1_GS) {
      this.push(FNC1_GS, e.timeStamp);
      return CONSUMED;
    }
    // Ctrl+] = GS (ASCII 29 is ']' − 64). AltGr on Windows reports Ctrl+Alt: that is not it.
    if (ctrl && !alt && !meta && (e.key === ']' || e.code === 'BracketRight')) {
      this.push(FNC1_GS, e.timeStamp);
      return CONSUMED;
    }
    // An Alt code: Alt held, digits on the numpad; the character comes when Alt is released.
    if (alt && !ctrl && !meta && e.code?.startsWith('Numpad') && /^[0-9]$/.test(e.key)) {
      this.altDigits = (this.altDigits ?? '') + e.key;
      this.times.push(e.timeStamp);
      return CONSUMED;
    }
    if (e.key === 'Alt') {
      this.altDigits = '';
      return NOT_CONSUMED;
    }
    if (e.key === 'Backspace') {
      this.chars.pop();
      this.times.pop();
      return CONSUMED;
    }
    if (e.key === 'Escape') {
      if (this.chars.length === 0) return NOT_CONSUMED;
      this.clear();
      return CONSUMED;
    }
    const altGr = ctrl && alt;
    if (e.key.length === 1 && (altGr || (!ctrl && !alt && !meta))) {
      this.push(e.key, e.timeStamp);
      return CONSUMED;
    }
    return NOT_CONSUMED;
  }

  keyup(e: KeyInput): KeyOutcome {
    if (e.key !== 'Alt' || this.altDigits === null) return NOT_CONSUMED;
    const digits = this.altDigits;
    this.altDigits = null;
    if (digits === '') return NOT_CONSUMED;
    // The digit keys were counted for timing; the character replaces them (at the last one).
    const last = this.times.splice(this.times.length - digits.length, digits.length).at(-1) ?? e.timeStamp;
    const code = Number(digits);
    // 0–31 are control characters Windows hands over as typed; 29 is the one a scanner means.
    const ch = code === 29 ? FNC1_GS : code >= 32 && code <= 126 ? String.fromCharCode(code) : null;
    if (ch === null) return CONSUMED;
    this.push(ch, last);
    this.echo = ch;
    return CONSUMED;
  }

  /** Text that arrived without a keydown of its own (input event). */
  insert(text: string, at: number): void {
    let t = text;
    if (this.echo !== null && t.startsWith(this.echo)) t = t.slice(this.echo.length);
    this.echo = null;
    for (const ch of t) {
      if (ch === '\r' || ch === '\n') continue;
      this.push(ch, at);
    }
  }

  private finish(): CompletedScan {
    const { source, mean } = classifyTiming(this.times, this.settings);
    const text = this.chars.join('');
    this.clear();
    return { text, source, meanIntervalMs: mean };
  }
}

// ---------- what a scan means at the dock ----------

/** ASN numbers of the ASN series (ASN-0001001); typed ones may omit the dash and zeros. */
const ASN_NUMBER = /^ASN-?(\d{1,10})$/i;

export type DockScan =
  | { kind: 'sscc'; sscc: string }
  | { kind: 'quantity'; gtin: string; batch: string; expiry: string; count: number }
  | { kind: 'asn'; number: string }
  /** A valid GS1 scan that carries neither an SSCC nor a GTIN. */
  | { kind: 'unusable' }
  | { kind: 'error'; error: AppErrorData };

/** Normalises a typed ASN number (asn1001 → ASN-0001001), or null when it is not one. */
export function asnNumberOf(text: string): string | null {
  const m = ASN_NUMBER.exec(text.trim());
  return m ? `ASN-${m[1]!.padStart(7, '0')}` : null;
}

/**
 * What one completed scan asks the dock to do: an SSCC receives a handling unit; a GTIN with
 * batch and count receives a quantity of the current ASN; an ASN number makes that ASN current.
 * Anything the strict GS1 parser refuses comes back as its coded error.
 */
export function interpretScan(text: string, settings: Pick<ScannerSettings, 'gsSubstitute'>): DockScan {
  const asn = asnNumberOf(text);
  if (asn) return { kind: 'asn', number: asn };
  try {
    const msg = parseGs1(text, settings.gsSubstitute ? { gsSubstitute: settings.gsSubstitute } : {});
    const el = (ai: string) => msg.elements.find((e) => e.ai === ai);
    const sscc = el('00');
    if (sscc) return { kind: 'sscc', sscc: sscc.raw };
    const gtin = el('01') ?? el('02');
    if (gtin) {
      const count = el('37');
      return {
        kind: 'quantity',
        gtin: gtin.raw,
        batch: el('10')?.raw ?? '',
        expiry: el('17')?.date ?? '',
        count: typeof count?.value === 'number' ? count.value : 1,
      };
    }
    return { kind: 'unusable' };
  } catch (err) {
    return { kind: 'error', error: AppError.from(err).toJSON() };
  }
}

/** A scan as text a person can read: GS as <GS>, other control characters as ·. */
export function showScan(text: string): string {
  return scanParts(text).join(GS_DISPLAY);
}

/** The scan split at its GS separators, other control characters shown as ·. */
export function scanParts(text: string): string[] {
  return text
    .split(FNC1_GS)
    .map((part) => [...part].map((ch) => (ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127 ? '·' : ch)).join(''));
}
