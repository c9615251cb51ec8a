import { describe, expect, it } from 'vitest';
import {
  asnNumberOf,
  checkSubstitute,
  classifyTiming,
  DEFAULT_SCANNER_SETTINGS,
  interpretScan,
  loadScannerSettings,
  saveScannerSettings,
  ScanAssembler,
  scanParts,
  showScan,
  type CompletedScan,
  type KeyInput,
} from './scanner.ts';

const GS = '\x1d';
const SSCC = '106141411234567897';
const GTIN = '09506000134352';

/** Key events for text as a wedge types it: one keydown per character, `gap` ms apart. */
function keys(text: string, start: number, gap: number): KeyInput[] {
  return [...text].map((key, i) => ({ key, code: '', timeStamp: start + i * gap }));
}

/** Feeds events and returns the scan Enter completes (Enter `gap` ms after the last key). */
function run(a: ScanAssembler, events: KeyInput[], enterAt?: number): CompletedScan | undefined {
  for (const e of events) a.keydown(e);
  return a.keydown({ key: 'Enter', timeStamp: enterAt ?? (events.at(-1)?.timeStamp ?? 0) + 5 }).scan;
}

describe('ScanAssembler: GS in each of its forms', () => {
  it('a real ASCII 29 key', () => {
    const a = new ScanAssembler();
    const scan = run(a, [...keys(`10ABC`, 0, 5), { key: GS, timeStamp: 25 }, ...keys(`37${'12'}`, 30, 5)]);
    expect(scan?.text).toBe(`10ABC${GS}3712`);
  });

  it('Ctrl+] is GS and consumed (no browser shortcut)', () => {
    const a = new ScanAssembler();
    for (const e of keys('10ABC', 0, 5)) a.keydown(e);
    const out = a.keydown({ key: ']', code: 'BracketRight', ctrlKey: true, timeStamp: 25 });
    expect(out.consumed).toBe(true);
    expect(a.display).toBe('10ABC<GS>');
    // A layout where the key reports something else still has the physical key.
    a.keydown({ key: '+', code: 'BracketRight', ctrlKey: true, timeStamp: 30 });
    expect(run(a, keys('3712', 35, 5))?.text).toBe(`10ABC${GS}${GS}3712`);
  });

  it('AltGr (Ctrl+Alt) on ] is a character, not GS', () => {
    const a = new ScanAssembler();
    a.keydown({ key: '~', code: 'BracketRight', ctrlKey: true, altKey: true, timeStamp: 0 });
    expect(a.display).toBe('~');
  });

  it('Alt+0029 on the numpad (Windows Alt code) is GS, and the echoed character is dropped', () => {
    const a = new ScanAssembler();
    for (const e of keys('10ABC', 0, 5)) a.keydown(e);
    expect(a.keydown({ key: 'Alt', code: 'AltLeft', altKey: true, timeStamp: 25 }).consumed).toBe(false);
    for (const [i, d] of [...'0029'].entries()) {
      const out = a.keydown({ key: d, code: `Numpad${d}`, altKey: true, timeStamp: 26 + i });
      expect(out.consumed).toBe(true);
    }
    expect(a.keyup({ key: 'Alt', code: 'AltLeft', timeStamp: 31 }).consumed).toBe(true);
    // Windows then delivers the character as text: already counted.
    a.insert(GS, 32);
    const scan = run(a, keys('3712', 33, 5));
    expect(scan?.text).toBe(`10ABC${GS}3712`);
  });

  it('Alt codes of printable characters are taken too; other control codes are dropped', () => {
    const a = new ScanAssembler();
    a.keydown({ key: 'Alt', altKey: true, timeStamp: 0 });
    for (const d of '065') a.keydown({ key: d, code: `Numpad${d}`, altKey: true, timeStamp: 1 });
    a.keyup({ key: 'Alt', timeStamp: 2 });
    a.keydown({ key: 'Alt', altKey: true, timeStamp: 3 });
    for (const d of '0007') a.keydown({ key: d, code: `Numpad${d}`, altKey: true, timeStamp: 4 });
    a.keyup({ key: 'Alt', timeStamp: 5 });
    expect(a.display).toBe('A');
    // Alt alone (no digits) changes nothing.
    a.keydown({ key: 'Alt', altKey: true, timeStamp: 6 });
    expect(a.keyup({ key: 'Alt', timeStamp: 7 }).consumed).toBe(false);
    expect(a.display).toBe('A');
  });

  it('the top-row digits with Alt are not an Alt code (a shortcut, left to the app)', () => {
    const a = new ScanAssembler();
    expect(a.keydown({ key: '1', code: 'Digit1', altKey: true, timeStamp: 0 }).consumed).toBe(false);
    expect(a.display).toBe('');
  });

  it('the substitute token is kept as sent and read by the GS1 parser', () => {
    const a = new ScanAssembler();
    const scan = run(a, keys(`02${GTIN}3712{GS}10LOT-7`, 0, 4))!;
    expect(scan.text).toBe(`02${GTIN}3712{GS}10LOT-7`);
    expect(interpretScan(scan.text, DEFAULT_SCANNER_SETTINGS)).toEqual({
      kind: 'quantity',
      gtin: GTIN,
      batch: 'LOT-7',
      expiry: '',
      count: 12,
    });
  });

  it('text inserted without a keydown (a GS the OS delivers as a character, paste) is assembled', () => {
    const a = new ScanAssembler();
    for (const e of keys('10ABC', 0, 5)) a.keydown(e);
    a.insert(GS, 25);
    a.insert('3712\r\n', 30);
    expect(a.keydown({ key: 'Enter', timeStamp: 31 }).scan?.text).toBe(`10ABC${GS}3712`);
  });
});

describe('ScanAssembler: editing keys and what it leaves alone', () => {
  it('Enter on an empty field completes nothing (a double Enter of some scanners)', () => {
    const a = new ScanAssembler();
    const out = a.keydown({ key: 'Enter', timeStamp: 0 });
    expect(out).toEqual({ consumed: true });
  });

  it('Backspace removes the last character; Escape clears, and on an empty field is left to the app', () => {
    const a = new ScanAssembler();
    for (const e of keys('ASN-1x', 0, 200)) a.keydown(e);
    a.keydown({ key: 'Backspace', timeStamp: 1300 });
    expect(a.display).toBe('ASN-1');
    expect(a.keydown({ key: 'Escape', timeStamp: 1400 }).consumed).toBe(true);
    expect(a.length).toBe(0);
    expect(a.keydown({ key: 'Escape', timeStamp: 1500 }).consumed).toBe(false);
  });

  it('shortcuts, function keys and IME composition are not taken', () => {
    const a = new ScanAssembler();
    expect(a.keydown({ key: 'n', code: 'KeyN', altKey: true, timeStamp: 0 }).consumed).toBe(false);
    expect(a.keydown({ key: 'c', code: 'KeyC', ctrlKey: true, timeStamp: 0 }).consumed).toBe(false);
    expect(a.keydown({ key: 'F5', timeStamp: 0 }).consumed).toBe(false);
    expect(a.keydown({ key: 'Tab', timeStamp: 0 }).consumed).toBe(false);
    expect(a.keydown({ key: 'a', isComposing: true, timeStamp: 0 }).consumed).toBe(false);
    expect(a.display).toBe('');
  });

  it('the assembler starts afresh after each scan', () => {
    const a = new ScanAssembler();
    run(a, keys(`00${SSCC}`, 0, 3));
    expect(a.display).toBe('');
    expect(run(a, keys('ASN-0001001', 1000, 3))?.text).toBe('ASN-0001001');
  });
});

describe('scan or typing, by timing', () => {
  it('fast keys over at least 8 characters are a scan', () => {
    const scan = run(new ScanAssembler(), keys(`00${SSCC}`, 1000, 4));
    expect(scan).toMatchObject({ source: 'scanner', meanIntervalMs: 4 });
  });

  it('a person typing (even quickly) is typed, but still accepted on Enter', () => {
    const scan = run(new ScanAssembler(), keys(`00${SSCC}`, 1000, 90));
    expect(scan?.text).toBe(`00${SSCC}`);
    expect(scan?.source).toBe('typed');
  });

  it('short fast input is typed: too few characters to judge', () => {
    expect(run(new ScanAssembler(), keys('ASN-1', 0, 2))?.source).toBe('typed');
  });

  it('the threshold is the mean interval, strictly below the setting', () => {
    const s = { ...DEFAULT_SCANNER_SETTINGS, maxMeanIntervalMs: 30, minScanChars: 8 };
    const at = (gap: number) => Array.from({ length: 8 }, (_, i) => i * gap);
    expect(classifyTiming(at(29), s).source).toBe('scanner');
    expect(classifyTiming(at(30), s).source).toBe('typed');
    expect(classifyTiming(at(2).slice(0, 7), s).source).toBe('typed');
    // One slow gap in an otherwise fast run (the scanner paused mid-way) counts in the mean.
    expect(classifyTiming([0, 5, 10, 15, 20, 25, 30, 300], s)).toEqual({ source: 'typed', mean: 300 / 7 });
    expect(classifyTiming([5], s)).toEqual({ source: 'typed', mean: null });
  });

  it('an Alt code counts its digit keys for the rhythm, as one character of the text', () => {
    const a = new ScanAssembler();
    for (const e of keys('10ABCDEF', 0, 3)) a.keydown(e);
    a.keydown({ key: 'Alt', altKey: true, timeStamp: 24 });
    for (const [i, d] of [...'0029'].entries())
      a.keydown({ key: d, code: `Numpad${d}`, altKey: true, timeStamp: 25 + i });
    a.keyup({ key: 'Alt', timeStamp: 29 });
    const scan = run(a, keys('3712', 30, 3))!;
    expect(scan.text).toBe(`10ABCDEF${GS}3712`);
    expect(scan.source).toBe('scanner');
  });
});

describe('interpretScan: what the dock does with a scan', () => {
  const s = DEFAULT_SCANNER_SETTINGS;

  it('an SSCC, with or without symbology identifier, FNC1 sent as a leading GS', () => {
    expect(interpretScan(`00${SSCC}`, s)).toEqual({ kind: 'sscc', sscc: SSCC });
    expect(interpretScan(`]C100${SSCC}`, s)).toEqual({ kind: 'sscc', sscc: SSCC });
    expect(interpretScan(`${GS}00${SSCC}`, s)).toEqual({ kind: 'sscc', sscc: SSCC });
    expect(interpretScan(`]C1${GS}00${SSCC}`, s)).toEqual({ kind: 'sscc', sscc: SSCC });
    expect(interpretScan(`(00)${SSCC}`, s)).toEqual({ kind: 'sscc', sscc: SSCC });
  });

  it('an SSCC label with more data still receives the unit', () => {
    expect(interpretScan(`]d200${SSCC}02${GTIN}3712${GS}10L1`, s)).toEqual({ kind: 'sscc', sscc: SSCC });
  });

  it('GTIN + batch + count (+ expiry) receives a quantity; 01 alone is one item', () => {
    expect(interpretScan(`]C102${GTIN}17261231${'37'}48${GS}10B-1`, s)).toEqual({
      kind: 'quantity',
      gtin: GTIN,
      batch: 'B-1',
      expiry: '2026-12-31',
      count: 48,
    });
    expect(interpretScan(`01${GTIN}`, s)).toEqual({ kind: 'quantity', gtin: GTIN, batch: '', expiry: '', count: 1 });
  });

  it('a custom substitute token, and none', () => {
    expect(interpretScan(`02${GTIN}37 5~10X`, { gsSubstitute: '~' })).toMatchObject({ kind: 'error' });
    expect(interpretScan(`02${GTIN}375~10X`, { gsSubstitute: '~' })).toMatchObject({
      kind: 'quantity',
      count: 5,
      batch: 'X',
    });
    // Without a substitute configured, "{GS}" is just bad characters in the count.
    expect(interpretScan(`02${GTIN}375{GS}10X`, { gsSubstitute: '' })).toMatchObject({ kind: 'error' });
  });

  it('an ASN number, typed loosely', () => {
    expect(interpretScan('ASN-0001001', s)).toEqual({ kind: 'asn', number: 'ASN-0001001' });
    expect(interpretScan(' asn1001 ', s)).toEqual({ kind: 'asn', number: 'ASN-0001001' });
    expect(asnNumberOf('ASN-')).toBeNull();
    expect(asnNumberOf('PO-0001001')).toBeNull();
  });

  it('refusals come back with the parser code: bad check digit, lost GS, not GS1', () => {
    const bad = `00${SSCC.slice(0, 17)}0`;
    expect(interpretScan(bad, s)).toMatchObject({ kind: 'error', error: { code: 'gs1.bad-check-digit' } });
    // The GS between the count and the batch was lost: 37 would swallow "1210B-1".
    expect(interpretScan(`02${GTIN}371210B-1`, s)).toMatchObject({ kind: 'error' });
    expect(interpretScan('hello', s)).toMatchObject({ kind: 'error', error: { code: 'gs1.not-gs1' } });
    expect(interpretScan(GTIN, s)).toMatchObject({ kind: 'error', error: { code: 'gs1.not-gs1' } });
    expect(interpretScan(']E0' + GTIN.slice(1), s)).toMatchObject({ kind: 'error', error: { code: 'gs1.not-gs1' } });
  });

  it('a valid GS1 scan with neither SSCC nor GTIN is of no use at the dock', () => {
    expect(interpretScan('400PO-123', s)).toEqual({ kind: 'unusable' });
  });
});

describe('settings and display', () => {
  it('a substitute must not hold digits', () => {
    expect(checkSubstitute('{GS}')).toBeNull();
    expect(checkSubstitute('')).toBeNull();
    expect(checkSubstitute('<29>')).toBe('digits');
    expect(checkSubstitute('x'.repeat(13))).toBe('too-long');
  });

  it('round-trips through storage; bad stored values fall back to the defaults', () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    };
    expect(loadScannerSettings(storage)).toEqual(DEFAULT_SCANNER_SETTINGS);
    saveScannerSettings(storage, { gsSubstitute: '~', maxMeanIntervalMs: 40, minScanChars: 10 });
    expect(loadScannerSettings(storage)).toEqual({ gsSubstitute: '~', maxMeanIntervalMs: 40, minScanChars: 10 });
    store.set('oms.dock.scanner', JSON.stringify({ gsSubstitute: '<29>', maxMeanIntervalMs: -1 }));
    expect(loadScannerSettings(storage)).toEqual(DEFAULT_SCANNER_SETTINGS);
    store.set('oms.dock.scanner', '{not json');
    expect(loadScannerSettings(storage)).toEqual(DEFAULT_SCANNER_SETTINGS);
    expect(loadScannerSettings(null)).toEqual(DEFAULT_SCANNER_SETTINGS);
  });

  it('shows GS as <GS> and other control characters as a dot', () => {
    expect(showScan(`10A${GS}37\x0712`)).toBe('10A<GS>37·12');
    expect(scanParts(`${GS}00${GS}`)).toEqual(['', '00', '']);
  });
});
