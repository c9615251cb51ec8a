import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.ts';
import { DEFAULT_TEMPLATES } from '../../core/labels/defaults.ts';
import { SAMPLE_LABEL_DATA } from '../../core/labels/sample.ts';
import { renderLabelsHtml } from '../labels/html.ts';
import { htmlJobFormat, osPrintingAvailable, parseHtmlJobFormat, registerOsPrinter, type OsPage } from './os.ts';
import { formatPrinterTarget, isPermanentPrintError, parsePrinterTarget, sendToPrinter } from './targets.ts';

async function rejected(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a rejection');
}

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a throw');
}

let unregister: (() => void) | null = null;
afterEach(() => {
  unregister?.();
  unregister = null;
});

const A6: OsPage = { widthMm: 105, heightMm: 148 };
const html = () =>
  new TextEncoder().encode(renderLabelsHtml(DEFAULT_TEMPLATES[0]!, [SAMPLE_LABEL_DATA], { embedFonts: false }));

describe('os: printer targets', () => {
  it.each([
    ['os:ZDesigner GK420d', 'ZDesigner GK420d'],
    ['  os:HP LaserJet M404 (Office)  ', 'HP LaserJet M404 (Office)'],
    ['os:\\\\printserver\\Dock 1', '\\\\printserver\\Dock 1'],
    ['os:斑马 标签机', '斑马 标签机'],
    [`os:${'x'.repeat(200)}`, 'x'.repeat(200)],
  ])('%s is the OS printer %s and formats back', (target, printer) => {
    const parsed = parsePrinterTarget(target);
    expect(parsed).toEqual({ kind: 'os', printer });
    expect(formatPrinterTarget(parsed)).toBe(target.trim());
    expect(parsePrinterTarget(formatPrinterTarget(parsed))).toEqual(parsed);
  });

  it.each([
    ['os:', 'printer-name'],
    ['os:   ', 'printer-name'],
    ['os:Dock\n1', 'printer-name'],
    ['os:Dock\t1', 'printer-name'],
    ['os:Dock\u00001', 'printer-name'],
    ['os:Dock\u009b1', 'printer-name'],
    [`os:${'x'.repeat(201)}`, 'printer-name-too-long'],
  ])('refuses %j (%s)', (target, reason) => {
    const err = thrown(() => parsePrinterTarget(target));
    expect(err.code).toBe('print.bad-target');
    expect(err.details?.['reason']).toBe(reason);
  });

  it('keeps the page size in the job format, and reads back only that shape', () => {
    expect(htmlJobFormat({ widthMm: 101.6, heightMm: 152.4 })).toBe('html:101.6x152.4');
    expect(parseHtmlJobFormat('html:101.6x152.4')).toEqual({ widthMm: 101.6, heightMm: 152.4 });
    expect(parseHtmlJobFormat(htmlJobFormat(A6))).toEqual(A6);
    for (const bad of ['pdf', 'zpl', 'html:', 'html:0x148', 'html:105x', 'html:-1x2', 'html:1e3x2', 'html:105x148 '])
      expect(parseHtmlJobFormat(bad)).toBeNull();
  });
});

describe('sendToPrinter to os: printers', () => {
  it('without the desktop app fails permanently with a reason the UI translates', async () => {
    expect(osPrintingAvailable()).toBe(false);
    const err = await rejected(sendToPrinter('os:ZDesigner GK420d', html(), { page: A6 }));
    expect(err.code).toBe('print.bad-target');
    expect(err.details).toMatchObject({
      target: 'os:ZDesigner GK420d',
      permanent: true,
      reason: 'os-printing-needs-desktop-app',
    });
    expect(isPermanentPrintError(err)).toBe(true);
  });

  it('hands the HTML, with the label fonts added, and the exact page to the registered handler', async () => {
    const calls: { printer: string; html: string; page: OsPage }[] = [];
    unregister = registerOsPrinter(async (printer, doc, page) => {
      calls.push({ printer, html: doc, page });
    });
    expect(osPrintingAvailable()).toBe(true);
    const result = await sendToPrinter('os:ZDesigner GK420d', html(), { page: { widthMm: 101.6, heightMm: 152.4 } });
    expect(result).toEqual({ spoolerJobId: null });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.printer).toBe('ZDesigner GK420d');
    expect(calls[0]!.page).toEqual({ widthMm: 101.6, heightMm: 152.4 });
    expect(calls[0]!.html).toMatch(/^<!doctype html>/);
    expect(calls[0]!.html).toContain("@font-face{font-family:'Noto Sans CJK SC'");
    expect(calls[0]!.html).toContain('上海东岸食品有限公司');
  });

  it('passes the handler failure on, refuses a job without page size or not HTML', async () => {
    const calls: string[] = [];
    unregister = registerOsPrinter(async (printer) => {
      calls.push(printer);
      throw new AppError('print.unreachable', 'gone', { reason: 'no-such-os-printer', permanent: true });
    });
    const failed = await rejected(sendToPrinter('os:Nope', html(), { page: A6 }));
    expect(failed.code).toBe('print.unreachable');
    expect(isPermanentPrintError(failed)).toBe(true);

    const noPage = await rejected(sendToPrinter('os:Nope', html()));
    expect(noPage.details).toMatchObject({ reason: 'page-size', permanent: true });
    const zpl = await rejected(sendToPrinter('os:Nope', new TextEncoder().encode('^XA^FDhi^FS^XZ'), { page: A6 }));
    expect(zpl.details).toMatchObject({ reason: 'not-html', permanent: true });
    const binary = await rejected(sendToPrinter('os:Nope', new Uint8Array([0xff, 0xfe, 0x00]), { page: A6 }));
    expect(binary.details).toMatchObject({ reason: 'not-html', permanent: true });
    expect(calls).toEqual(['Nope']);
  });

  it('a later registration replaces the earlier; unregistering a replaced handler keeps the current one', async () => {
    const seen: string[] = [];
    const first = registerOsPrinter(async () => void seen.push('first'));
    unregister = registerOsPrinter(async () => void seen.push('second'));
    first();
    await sendToPrinter('os:P', html(), { page: A6 });
    expect(seen).toEqual(['second']);
  });
});
