import { isAbsolute } from 'node:path';
import { AppError } from '../../core/errors.ts';
import { cupsJobState, sendToCups } from './cups.ts';
import { osPrinterNameProblem, sendToOsPrinter, type OsPage } from './os.ts';
import { writePdfFile } from './pdfFile.ts';
import { sendTcp } from './tcp.ts';

export type PrinterTarget =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'cups'; queue: string }
  | { kind: 'pdf'; path: string }
  /** An OS printer by its system name, printed through Electron's silent printing (os.ts). */
  | { kind: 'os'; printer: string };

export type SpoolerJobState = 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled' | 'unknown';

export interface SendOptions {
  /** Connect + write deadline for raw TCP and the spooler's `lp`; default 15 s. */
  timeoutMs?: number;
  /** Title the spooler shows for the job. */
  title?: string;
  /** The exact page size an `os:` printer prints on (the label's); required for that kind. */
  page?: OsPage;
}

export const DEFAULT_TCP_PORT = 9100;
/** Jobs larger than this are refused before they reach the queue (a 1,000-label ZPL job is ~2 MB). */
export const MAX_JOB_BYTES = 20 * 1024 * 1024;

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;
/*
 * CUPS accepts any printable name without space, '/', '#' or quotes; we also refuse a leading
 * '-' so a queue name can never be read as an option of lp/lpstat.
 */
const QUEUE = /^[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,126}$/;

const bad = (target: string, reason: string): AppError =>
  new AppError('print.bad-target', `Not a printer target: ${target} (${reason})`, { target, reason });

/**
 * `tcp://host[:port]` (raw port 9100 by default), `cups:QUEUE` (the OS spooler) or
 * `pdf:/absolute/file.pdf` (a file, or a directory that receives one file per job) or
 * `os:<printer name>` (an OS printer through the desktop app; the name may contain spaces).
 * Throws print.bad-target with a `reason` the UI can show.
 */
export function parsePrinterTarget(target: string): PrinterTarget {
  const t = target.trim();
  if (t.startsWith('tcp://')) {
    const rest = t.slice('tcp://'.length).replace(/\/$/, '');
    let host: string;
    let portText: string | undefined;
    const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
    if (v6) {
      host = v6[1]!;
      portText = v6[2];
      if (!IPV6.test(host)) throw bad(target, 'host');
    } else {
      const parts = rest.split(':');
      if (parts.length > 2) throw bad(target, 'host');
      host = parts[0]!;
      portText = parts[1];
      if (!HOST.test(host)) throw bad(target, 'host');
    }
    let port = DEFAULT_TCP_PORT;
    if (portText !== undefined) {
      if (!/^\d{1,5}$/.test(portText)) throw bad(target, 'port');
      port = Number(portText);
      if (port < 1 || port > 65535) throw bad(target, 'port');
    }
    return { kind: 'tcp', host, port };
  }
  if (t.startsWith('cups:')) {
    const queue = t.slice('cups:'.length);
    if (!QUEUE.test(queue)) throw bad(target, 'queue');
    return { kind: 'cups', queue };
  }
  if (t.startsWith('pdf:')) {
    const path = t.slice('pdf:'.length);
    if (!path || !isAbsolute(path) || path.includes('\0')) throw bad(target, 'path');
    return { kind: 'pdf', path };
  }
  if (t.startsWith('os:')) {
    // Inner spaces are part of the name ("ZDesigner GK420d"); the OS matches it exactly.
    const printer = t.slice('os:'.length);
    const problem = osPrinterNameProblem(printer);
    if (problem !== null) throw bad(target, problem === 'too-long' ? 'printer-name-too-long' : 'printer-name');
    return { kind: 'os', printer };
  }
  throw bad(target, 'scheme');
}

export function formatPrinterTarget(t: PrinterTarget): string {
  switch (t.kind) {
    case 'tcp':
      return `tcp://${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
    case 'cups':
      return `cups:${t.queue}`;
    case 'pdf':
      return `pdf:${t.path}`;
    case 'os':
      return `os:${t.printer}`;
  }
}

/**
 * Sends the bytes as they are (no driver, no conversion). Resolves once the printer or the
 * spooler has taken them: for CUPS that is not yet "printed" — poll spoolerJobState with the
 * returned id. Throws AppError print.unreachable / print.timeout / print.spooler-failed /
 * print.bad-target with details `{ target, permanent, errno? }`: a permanent error will not be
 * cured by retrying.
 */
export async function sendToPrinter(
  target: string | PrinterTarget,
  bytes: Uint8Array,
  options: SendOptions = {},
): Promise<{ spoolerJobId: string | null }> {
  const t = typeof target === 'string' ? parsePrinterTarget(target) : target;
  if (bytes.byteLength > MAX_JOB_BYTES)
    throw new AppError('validation.invalid-input', `Print job of ${bytes.byteLength} bytes is too large`, {
      fields: [{ path: 'payload', code: 'too-big', params: { max: MAX_JOB_BYTES } }],
    });
  const timeoutMs = options.timeoutMs ?? 15_000;
  switch (t.kind) {
    case 'tcp':
      await sendTcp(t.host, t.port, bytes, { timeoutMs });
      return { spoolerJobId: null };
    case 'cups':
      return { spoolerJobId: await sendToCups(t.queue, bytes, { timeoutMs, title: options.title }) };
    case 'pdf':
      await writePdfFile(t.path, bytes, { name: options.title });
      return { spoolerJobId: null };
    case 'os':
      // The OS spooler's job id is not exposed by Electron: done once the driver has the job.
      await sendToOsPrinter(t.printer, bytes, options.page);
      return { spoolerJobId: null };
  }
}

/** The spooler's view of a job sent with sendToPrinter to `cups:QUEUE`. */
export async function spoolerJobState(queue: string, jobId: string): Promise<SpoolerJobState> {
  return (await cupsJobState(queue, jobId)).state;
}

/** True when retrying cannot help (the error says so in its details). */
export function isPermanentPrintError(err: unknown): boolean {
  if (!(err instanceof AppError)) return false;
  if (err.code === 'print.bad-target' || err.code === 'validation.invalid-input') return true;
  return err.details?.['permanent'] === true;
}
