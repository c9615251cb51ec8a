import { AppError } from '../../core/errors.ts';
import { embedLabelFonts } from '../labels/html.ts';

/**
 * OS printers driven by their own driver (office laser, label printers with a Windows driver),
 * printed by Electron's silent printing. printing/ may not import electron, so the desktop
 * shell registers the function that does it (main/electron/osPrint.ts); the web shell and the
 * CLI have none, and an `os:` job fails there with a reason the UI translates.
 */

export interface OsPage {
  widthMm: number;
  heightMm: number;
}

export type OsPrinterHandler = (printer: string, html: string, page: OsPage) => Promise<void>;

let handler: OsPrinterHandler | null = null;

/**
 * Installs the one function that prints HTML silently on an OS printer; returns a function
 * that removes it again (tests). A later registration replaces an earlier one.
 */
export function registerOsPrinter(fn: OsPrinterHandler): () => void {
  handler = fn;
  return () => {
    if (handler === fn) handler = null;
  };
}

export function osPrintingAvailable(): boolean {
  return handler !== null;
}

/** OS printer names are free text ("ZDesigner GK420d", "\\\\server\\Dock 1"); control characters never are. */
export const MAX_OS_PRINTER_NAME = 200;
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Null when the name can be handed to the OS, otherwise why not. */
export function osPrinterNameProblem(name: string): 'empty' | 'too-long' | 'control-characters' | null {
  if (name.trim() === '') return 'empty';
  if (name.length > MAX_OS_PRINTER_NAME) return 'too-long';
  if (CONTROL.test(name)) return 'control-characters';
  return null;
}

/*
 * A queued os: job keeps its page size in the job's `format` (no schema change): `html:WxH` in
 * millimetres, e.g. `html:101.6x152.4`. A reprint copies the format, so it prints the same size.
 */
const HTML_FORMAT = /^html:(\d{1,4}(?:\.\d{1,4})?)x(\d{1,4}(?:\.\d{1,4})?)$/;

const mm = (v: number) => String(Math.round(v * 10000) / 10000);

export function htmlJobFormat(page: OsPage): string {
  return `html:${mm(page.widthMm)}x${mm(page.heightMm)}`;
}

export function parseHtmlJobFormat(format: string): OsPage | null {
  const m = HTML_FORMAT.exec(format);
  if (!m) return null;
  const page = { widthMm: Number(m[1]), heightMm: Number(m[2]) };
  return page.widthMm > 0 && page.heightMm > 0 ? page : null;
}

/**
 * Hands an HTML document to the registered handler. The bundled label fonts are added here,
 * not in the stored job: they would make every queued job ~6 MB.
 */
export async function sendToOsPrinter(printer: string, bytes: Uint8Array, page: OsPage | undefined): Promise<void> {
  const target = `os:${printer}`;
  if (handler === null)
    throw new AppError('print.bad-target', `Printing on the OS printer "${printer}" needs the desktop app`, {
      target,
      permanent: true,
      reason: 'os-printing-needs-desktop-app',
    });
  if (!page || !(page.widthMm > 0) || !(page.heightMm > 0))
    throw new AppError('print.bad-target', `A job for the OS printer "${printer}" needs a page size`, {
      target,
      permanent: true,
      reason: 'page-size',
    });
  let html: string;
  try {
    html = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new AppError('print.bad-target', `A job for the OS printer "${printer}" must be UTF-8 HTML`, {
      target,
      permanent: true,
      reason: 'not-html',
    });
  }
  if (!/^\s*<!doctype html>/i.test(html))
    throw new AppError('print.bad-target', `A job for the OS printer "${printer}" must be an HTML document`, {
      target,
      permanent: true,
      reason: 'not-html',
    });
  await handler(printer, embedLabelFonts(html), page);
}
