import { randomBytes } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.ts';
import { closedPort, FakePrinter, sha256 } from '../../test/printing/fakePrinter.ts';
import { createRawQueue, ensureCups } from '../../test/printing/cups.ts';
import { cupsJobState, cupsPrinterMessage, parseLpstatJobs } from './cups.ts';
import {
  formatPrinterTarget,
  isPermanentPrintError,
  MAX_JOB_BYTES,
  parsePrinterTarget,
  sendToPrinter,
  spoolerJobState,
} from './targets.ts';

async function caught(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a rejection');
}

function caughtSync(f: () => unknown): AppError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a throw');
}

async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('printer targets', () => {
  it('parses tcp, cups and pdf targets', () => {
    expect(parsePrinterTarget('tcp://10.0.0.5:9100')).toEqual({ kind: 'tcp', host: '10.0.0.5', port: 9100 });
    expect(parsePrinterTarget('tcp://zebra-dock1.local')).toEqual({
      kind: 'tcp',
      host: 'zebra-dock1.local',
      port: 9100,
    });
    expect(parsePrinterTarget('tcp://[::1]:9101')).toEqual({ kind: 'tcp', host: '::1', port: 9101 });
    expect(parsePrinterTarget(' cups:DOCK1 ')).toEqual({ kind: 'cups', queue: 'DOCK1' });
    expect(parsePrinterTarget('pdf:/tmp/labels.pdf')).toEqual({ kind: 'pdf', path: '/tmp/labels.pdf' });
    expect(formatPrinterTarget(parsePrinterTarget('tcp://[::1]:9101'))).toBe('tcp://[::1]:9101');
    expect(formatPrinterTarget(parsePrinterTarget('tcp://printer'))).toBe('tcp://printer:9100');
  });

  it.each([
    ['', 'scheme'],
    ['http://printer:9100', 'scheme'],
    ['tcp://', 'host'],
    ['tcp://bad host:9100', 'host'],
    ['tcp://a:b:c', 'host'],
    ['tcp://printer:0', 'port'],
    ['tcp://printer:65536', 'port'],
    ['tcp://printer:12x', 'port'],
    ['cups:', 'queue'],
    ['cups:-o', 'queue'],
    ['cups:DOCK 1', 'queue'],
    ['cups:a/b', 'queue'],
    ['pdf:', 'path'],
    ['pdf:relative/file.pdf', 'path'],
  ])('refuses %j (%s)', (target, reason) => {
    const err = caughtSync(() => parsePrinterTarget(target));
    expect(err.code).toBe('print.bad-target');
    expect(err.details).toMatchObject({ reason });
    expect(isPermanentPrintError(err)).toBe(true);
  });

  it('refuses a job over the size limit before any connection', async () => {
    const err = await caught(sendToPrinter('tcp://127.0.0.1:1', new Uint8Array(MAX_JOB_BYTES + 1)));
    expect(err.code).toBe('validation.invalid-input');
    expect(err.details?.fields?.[0]).toMatchObject({ path: 'payload', code: 'too-big' });
  });
});

describe('raw TCP (port 9100) against a real listener', () => {
  let printer: FakePrinter;
  beforeAll(async () => {
    printer = await FakePrinter.start();
  });
  afterAll(() => printer.stop());

  it('delivers the bytes intact (5 MB, sha256 compared)', async () => {
    const bytes = randomBytes(5 * 1024 * 1024);
    const before = printer.jobs.length;
    expect(await sendToPrinter(printer.target, bytes)).toEqual({ spoolerJobId: null });
    await printer.waitForJobs(before + 1);
    expect(sha256(printer.jobs[before]!)).toBe(sha256(bytes));
  });

  it('reports a closed port as print.unreachable (ECONNREFUSED), retryable', async () => {
    const port = await closedPort();
    const err = await caught(sendToPrinter(`tcp://127.0.0.1:${port}`, Buffer.from('^XA^XZ')));
    expect(err.code).toBe('print.unreachable');
    expect(err.details).toMatchObject({ errno: 'ECONNREFUSED', permanent: false, target: `tcp://127.0.0.1:${port}` });
    expect(isPermanentPrintError(err)).toBe(false);
  });

  it('times out on a printer that accepts but never reads', async () => {
    const held: Socket[] = [];
    const server = createServer((s) => {
      s.pause();
      held.push(s);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      const started = Date.now();
      const err = await caught(
        sendToPrinter(`tcp://127.0.0.1:${port}`, randomBytes(16 * 1024 * 1024), { timeoutMs: 500 }),
      );
      expect(err.code).toBe('print.timeout');
      expect(err.details).toMatchObject({ permanent: false, timeoutMs: 500 });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      held.forEach((s) => s.destroy());
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('reports an unknown host as print.unreachable', async () => {
    const err = await caught(
      sendToPrinter('tcp://no-such-printer.invalid:9100', Buffer.from('x'), { timeoutMs: 5_000 }),
    );
    expect(['print.unreachable', 'print.timeout']).toContain(err.code);
    expect(err.details).toMatchObject({ permanent: false });
  });
});

describe('PDF file target', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'oms-pdf-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the file, and one file per job into a directory', async () => {
    const bytes = Buffer.from('%PDF-1.7\n…');
    await sendToPrinter(`pdf:${join(dir, 'a.pdf')}`, bytes);
    expect(readFileSync(join(dir, 'a.pdf')).equals(bytes)).toBe(true);
    await sendToPrinter(`pdf:${dir}`, bytes, { title: 'ASN 0001/箱 1' });
    const files = readdirSync(dir).filter((f) => f !== 'a.pdf');
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^ASN-0001-箱-1-.*\.pdf$/);
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('a missing folder is retryable (a drive may come back), a file in the way is not', async () => {
    const missing = await caught(sendToPrinter(`pdf:${join(dir, 'nope', 'x.pdf')}`, Buffer.from('x')));
    expect(missing.code).toBe('print.unreachable');
    expect(missing.details).toMatchObject({ errno: 'ENOENT', permanent: false });
    writeFileSync(join(dir, 'file'), 'x');
    const blocked = await caught(sendToPrinter(`pdf:${join(dir, 'file', 'x.pdf')}`, Buffer.from('x')));
    expect(blocked.details).toMatchObject({ errno: 'ENOTDIR', permanent: true });
    expect(isPermanentPrintError(blocked)).toBe(true);
  });
});

describe('lpstat parsing', () => {
  it('tells pending, processing, completed, cancelled and failed jobs apart', () => {
    const text = [
      'Q-1                root              1024   Wed Nov 25 10:12:08 2026',
      '\tStatus: ',
      '\tAlerts: processing-to-stop-point',
      '\tqueued for Q',
      'Q-2                root              1024   Wed Nov 25 10:12:25 2026',
      '\tStatus: The printer may not exist or is unavailable at this time.',
      '\tAlerts: job-printing',
      '\tqueued for Q',
      'Q-3                root              1024   Wed Nov 25 10:12:29 2026',
      '\tStatus: ',
      '\tAlerts: job-canceled-by-user',
      'Q-4                root              1024   Wed Nov 25 10:12:29 2026',
      '\tAlerts: job-aborted-by-system',
      'Q-5                root              1024   Wed Nov 25 10:12:29 2026',
      '\tAlerts: none',
    ].join('\n');
    const jobs = parseLpstatJobs(text, new Set(['Q-1', 'Q-3', 'Q-4']));
    expect(jobs.get('Q-1')?.state).toBe('completed');
    expect(jobs.get('Q-2')).toEqual({
      state: 'processing',
      message: 'The printer may not exist or is unavailable at this time.',
      reasons: ['job-printing'],
    });
    expect(jobs.get('Q-3')?.state).toBe('cancelled');
    expect(jobs.get('Q-4')?.state).toBe('failed');
    expect(jobs.get('Q-5')?.state).toBe('pending');
  });
});

describe('CUPS (a real cupsd, raw queue pointed at a real listener)', () => {
  let printer: FakePrinter;
  beforeAll(async () => {
    await ensureCups();
    printer = await FakePrinter.start();
  });
  afterAll(() => printer.stop());

  it('prints raw through lp: bytes arrive intact and the job is polled to completed', async () => {
    const queue = await createRawQueue(printer.port);
    try {
      const bytes = randomBytes(1024 * 1024);
      const before = printer.jobs.length;
      const { spoolerJobId } = await sendToPrinter(`cups:${queue.name}`, bytes, { title: 'test job' });
      expect(spoolerJobId).toMatch(new RegExp(`^${queue.name}-\\d+$`));
      await printer.waitForJobs(before + 1);
      expect(sha256(printer.jobs[before]!)).toBe(sha256(bytes));
      const state = await until(
        () => spoolerJobState(queue.name, spoolerJobId!),
        (s) => s === 'completed',
      );
      expect(state).toBe('completed');
    } finally {
      queue.remove();
    }
  });

  it('a queue whose printer is down keeps the job not completed and says why', async () => {
    const port = await closedPort();
    const queue = await createRawQueue(port);
    try {
      const { spoolerJobId } = await sendToPrinter(`cups:${queue.name}`, Buffer.from('^XA^FDx^FS^XZ'));
      const job = await until(
        () => cupsJobState(queue.name, spoolerJobId!),
        (j) => j.message !== '',
      );
      expect(['pending', 'processing']).toContain(job.state);
      expect(job.message).toMatch(/unavailable|not responding|unable|connect/i);
      expect(await cupsPrinterMessage(queue.name)).toMatch(/unavailable|not responding|unable|connect/i);
    } finally {
      queue.remove();
    }
  });

  it('an unknown queue is a permanent spooler error; an unknown job id is unknown', async () => {
    const err = await caught(sendToPrinter('cups:OMS_NO_SUCH_QUEUE', Buffer.from('x')));
    expect(err.code).toBe('print.spooler-failed');
    expect(err.details).toMatchObject({ reason: 'no-queue', permanent: true });
    const stateErr = await caught(spoolerJobState('OMS_NO_SUCH_QUEUE', 'OMS_NO_SUCH_QUEUE-1'));
    expect(stateErr.code).toBe('print.spooler-failed');
    const queue = await createRawQueue(printer.port);
    try {
      expect(await spoolerJobState(queue.name, `${queue.name}-999999`)).toBe('unknown');
    } finally {
      queue.remove();
    }
  });
});
