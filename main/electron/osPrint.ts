import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserWindow, type PrinterInfo, type WebContents } from 'electron';
import { AppError } from '../../core/errors.ts';
import type { OsPrinterHandler } from '../app/printing.ts';

/**
 * Silent printing of label HTML on an OS printer (the `os:` printer kind), registered with the
 * print queue at start (main.ts). Electron's binary cannot run on the build machines: this file
 * stays thin and is covered by main.smoke.test.ts with a stand-in Electron; the HTML itself is
 * checked in Chromium by the printing tests. Spec: docs/specs/printing.md.
 */

/** A driver that never answers must not hold the print queue forever. */
const PRINT_DEADLINE_MS = 5 * 60_000;

/** The document can neither run script, reach Node, nor talk to the app: no preload, no IPC. */
export const PRINT_WINDOW_OPTIONS = {
  show: false,
  width: 800,
  height: 1000,
  webPreferences: {
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    javascript: false,
    webSecurity: true,
    webviewTag: false,
    spellcheck: false,
  },
} as const;

/**
 * The OS name of the printer: `deviceName` must be the system name, but a clerk may have typed
 * what the print dialog shows, so a unique display-name match is accepted too.
 */
function resolvePrinter(printers: readonly PrinterInfo[], wanted: string): string | null {
  if (printers.some((p) => p.name === wanted)) return wanted;
  const byDisplay = printers.filter((p) => p.displayName === wanted);
  return byDisplay.length === 1 ? byDisplay[0]!.name : null;
}

function printOnce(contents: WebContents, printer: string, widthMm: number, heightMm: number): Promise<void> {
  const target = `os:${printer}`;
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new AppError('print.spooler-failed', `The printer driver of "${printer}" did not answer`, {
          target,
          reason: 'timeout',
          // It may still print: retrying by itself could print the SSCC labels twice.
          permanent: true,
        }),
      );
    }, PRINT_DEADLINE_MS);
    contents.print(
      {
        silent: true,
        deviceName: printer,
        printBackground: true,
        landscape: false,
        margins: { marginType: 'none' },
        // Exact size in microns: without it silent printing scales to the driver's default paper.
        pageSize: { width: Math.round(widthMm * 1000), height: Math.round(heightMm * 1000) },
      },
      (ok, failureReason) => {
        clearTimeout(timer);
        if (ok) resolve();
        else
          reject(
            new AppError('print.spooler-failed', `Printing on "${printer}" failed: ${failureReason}`, {
              target,
              reason: failureReason,
              permanent: true,
            }),
          );
      },
    );
  });
}

export const printHtmlSilently: OsPrinterHandler = async (printer, html, page) => {
  const win = new BrowserWindow(PRINT_WINDOW_OPTIONS);
  let dir: string | null = null;
  try {
    const known = await win.webContents.getPrintersAsync();
    const deviceName = resolvePrinter(known, printer);
    if (deviceName === null)
      throw new AppError('print.unreachable', `This computer has no printer named "${printer}"`, {
        target: `os:${printer}`,
        reason: 'no-such-os-printer',
        permanent: true,
      });
    // A file, not a data: URL: with the embedded fonts the document is over Chromium's 2 MB URL limit.
    dir = await mkdtemp(join(tmpdir(), 'oms-print-'));
    const file = join(dir, 'labels.html');
    await writeFile(file, html, { encoding: 'utf8', mode: 0o600 });
    await win.loadFile(file);
    await printOnce(win.webContents, deviceName, page.widthMm, page.heightMm);
  } finally {
    if (!win.isDestroyed()) win.close();
    if (dir !== null) await rm(dir, { recursive: true, force: true });
  }
};
