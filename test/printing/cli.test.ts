import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES } from '../../core/labels/defaults.ts';
import { SAMPLE_LABEL_DATA } from '../../core/labels/sample.ts';
import { renderLabels } from '../../printing/labels/render.ts';
import { createRawQueue, ensureCups } from './cups.ts';
import { closedPort, FakePrinter, sha256 } from './fakePrinter.ts';

const BIN = resolve(import.meta.dirname, '../../bin/oms.mjs');

interface Run {
  status: number | null;
  stdout: Buffer;
  stderr: string;
  json(): unknown;
  error(): { code: string; message: string; details?: Record<string, unknown> };
}

function oms(args: string[], options: { cwd?: string; bin?: string } = {}): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [options.bin ?? BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      const stdout = Buffer.concat(out);
      resolveRun({
        status,
        stdout,
        stderr: err,
        json: () => JSON.parse(stdout.toString()) as unknown,
        error: () => (JSON.parse(err) as { error: Run extends { error(): infer E } ? E : never }).error,
      });
    });
  });
}

describe('oms command line (spawned for real)', () => {
  let dir: string;
  let printer: FakePrinter;
  const file = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oms-cli-'));
    printer = await FakePrinter.start();
    writeFileSync(file('one.json'), JSON.stringify(SAMPLE_LABEL_DATA));
    const three = [1, 2, 3].map((index) => ({
      ...SAMPLE_LABEL_DATA,
      unit: { ...SAMPLE_LABEL_DATA.unit, index, count: 3 },
    }));
    writeFileSync(file('three.json'), JSON.stringify(three));
  });
  afterAll(async () => {
    await printer.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('gs1 parse', () => {
    it('prints symbology and elements as JSON, exit 0', async () => {
      const r = await oms(['gs1', 'parse', ']C100106141411234567897020614141123456237' + '12']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.json()).toEqual({
        symbology: 'gs1-128',
        elements: [
          expect.objectContaining({ ai: '00', raw: '106141411234567897' }),
          expect.objectContaining({ ai: '02', raw: '06141411234562' }),
          expect.objectContaining({ ai: '37', value: 12 }),
        ],
      });
    });

    it('takes a GS substitute', async () => {
      const r = await oms(['gs1', 'parse', '0206141411234562{GS}3712{GS}10ABC', '--gs', '{GS}']);
      expect(r.status).toBe(0);
      const msg = r.json() as { elements: { ai: string; value: unknown }[] };
      expect(msg.elements.map((e) => [e.ai, e.value])).toEqual([
        ['02', '06141411234562'],
        ['37', 12],
        ['10', 'ABC'],
      ]);
      // Without the option the same text is not GS1 the parser can accept.
      const refused = await oms(['gs1', 'parse', '0206141411234562{GS}3712{GS}10ABC']);
      expect(refused.status).toBe(2);
      expect(refused.error().code).toMatch(/^gs1\./);
    });

    it('refuses with a coded JSON error on stderr and exit status 2', async () => {
      const r = await oms(['gs1', 'parse', ']C100106141411234567890']);
      expect(r.status).toBe(2);
      expect(r.stdout.length).toBe(0);
      expect(r.error()).toMatchObject({ code: 'gs1.bad-check-digit', details: { ai: '00' } });
      const empty = await oms(['gs1', 'parse', '']);
      expect(empty.status).toBe(2);
      expect(empty.error().code).toBe('gs1.empty');
    });
  });

  describe('label render', () => {
    it('renders ZPL identical to the library, one label per data item', async () => {
      const r = await oms([
        'label',
        'render',
        '--template',
        'gs1-logistic-4x6',
        '--data',
        file('three.json'),
        '--format',
        'zpl',
        '--out',
        file('three.zpl'),
      ]);
      expect(r.status).toBe(0);
      expect(r.json()).toMatchObject({ template: 'gs1-logistic-4x6', format: 'zpl', labels: 3 });
      const zpl = readFileSync(file('three.zpl'));
      expect(zpl.toString('latin1').match(/\^XA/g)).toHaveLength(3);
      const three = JSON.parse(readFileSync(file('three.json'), 'utf8')) as (typeof SAMPLE_LABEL_DATA)[];
      expect(sha256(zpl)).toBe(sha256(await renderLabels(DEFAULT_TEMPLATES[0]!, three, 'zpl')));
    });

    it('renders TSPL at 300 dpi, PDF and PNG; a template from a JSON file', async () => {
      const tspl = await oms([
        'label',
        'render',
        '--template',
        'gs1-logistic-a6',
        '--data',
        file('one.json'),
        '--format',
        'tspl',
        '--dpi',
        '300',
        '--out',
        file('a.tspl'),
      ]);
      expect(tspl.status).toBe(0);
      expect(readFileSync(file('a.tspl')).toString('latin1')).toMatch(/^SIZE /m);
      writeFileSync(file('template.json'), JSON.stringify({ ...DEFAULT_TEMPLATES[1], id: 'my-a6', name: 'My A6' }));
      const pdf = await oms([
        'label',
        'render',
        '--template',
        file('template.json'),
        '--data',
        file('three.json'),
        '--format',
        'pdf',
        '--out',
        file('a.pdf'),
      ]);
      expect(pdf.status).toBe(0);
      expect(pdf.json()).toMatchObject({ template: 'my-a6', labels: 3 });
      expect(readFileSync(file('a.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
      const png = await oms([
        'label',
        'render',
        '--template',
        'gs1-logistic-4x6',
        '--data',
        file('one.json'),
        '--format',
        'png',
        '--out',
        '-',
      ]);
      expect(png.status).toBe(0);
      expect(png.stdout.subarray(1, 4).toString()).toBe('PNG');
    });

    it('refuses bad input with coded errors and exit 2', async () => {
      const base = ['label', 'render', '--format', 'zpl', '--out', file('x.zpl')];
      const unknown = await oms([...base, '--template', 'no-such', '--data', file('one.json')]);
      expect(unknown.status).toBe(2);
      expect(unknown.error()).toMatchObject({ code: 'label.unknown-template', details: { id: 'no-such' } });

      writeFileSync(file('bad-template.json'), JSON.stringify({ id: 'x', name: 'x', widthMm: -1, elements: [] }));
      const badTemplate = await oms([...base, '--template', file('bad-template.json'), '--data', file('one.json')]);
      expect(badTemplate.status).toBe(2);
      expect(badTemplate.error().code).toBe('label.invalid-template');

      writeFileSync(file('bad-data.json'), JSON.stringify([SAMPLE_LABEL_DATA, { ...SAMPLE_LABEL_DATA, sscc: '123' }]));
      const badData = await oms([...base, '--template', 'gs1-logistic-4x6', '--data', file('bad-data.json')]);
      expect(badData.status).toBe(2);
      expect(badData.error()).toMatchObject({ code: 'validation.invalid-input' });
      expect(JSON.stringify(badData.error().details)).toContain('"path":"1.sscc"');

      const missing = await oms([...base, '--template', 'gs1-logistic-4x6', '--data', file('none.json')]);
      expect(missing.status).toBe(2);
      expect(missing.error()).toMatchObject({ code: 'validation.invalid-input', details: { errno: 'ENOENT' } });

      const noFormat = await oms([
        'label',
        'render',
        '--template',
        'gs1-logistic-4x6',
        '--data',
        file('one.json'),
        '--out',
        file('x'),
      ]);
      expect(noFormat.status).toBe(2);
      expect(noFormat.error().code).toBe('validation.invalid-input');
      const badFormat = await oms([
        ...base.slice(0, 2),
        '--format',
        'bmp',
        '--out',
        file('x'),
        '--template',
        'gs1-logistic-4x6',
        '--data',
        file('one.json'),
      ]);
      expect(badFormat.status).toBe(2);
      expect(existsSync(file('x.zpl'))).toBe(false);
    });
  });

  describe('print', () => {
    it('sends a file raw over TCP: bytes intact, exit 0', async () => {
      const before = printer.jobs.length;
      const r = await oms(['print', '--printer', printer.target, file('three.zpl')]);
      expect(r.status).toBe(0);
      expect(r.json()).toMatchObject({ printer: printer.target, spoolerJobId: null });
      await printer.waitForJobs(before + 1);
      expect(sha256(printer.jobs[before]!)).toBe(sha256(readFileSync(file('three.zpl'))));
    });

    it('exit 1 with print.unreachable when the printer is down; exit 2 for a bad target or a missing file', async () => {
      const port = await closedPort();
      const down = await oms(['print', '--printer', `tcp://127.0.0.1:${port}`, file('three.zpl')]);
      expect(down.status).toBe(1);
      expect(down.error()).toMatchObject({ code: 'print.unreachable', details: { errno: 'ECONNREFUSED' } });
      const bad = await oms(['print', '--printer', 'lpt1', file('three.zpl')]);
      expect(bad.status).toBe(2);
      expect(bad.error().code).toBe('print.bad-target');
      const missing = await oms(['print', '--printer', printer.target, file('nope.zpl')]);
      expect(missing.status).toBe(2);
      expect(missing.error().code).toBe('validation.invalid-input');
    });

    it('through a CUPS queue: prints the spooler job id, --wait sees it completed', async () => {
      await ensureCups();
      const queue = await createRawQueue(printer.port);
      try {
        const before = printer.jobs.length;
        const r = await oms(['print', '--printer', `cups:${queue.name}`, '--wait', file('three.zpl')]);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        expect(r.json()).toMatchObject({
          spoolerJobId: expect.stringMatching(new RegExp(`^${queue.name}-\\d+$`)),
          spoolerState: 'completed',
        });
        await printer.waitForJobs(before + 1);
        expect(sha256(printer.jobs[before]!)).toBe(sha256(readFileSync(file('three.zpl'))));
      } finally {
        queue.remove();
      }
      const none = await oms(['print', '--printer', 'cups:OMS_NO_SUCH_QUEUE', file('three.zpl')]);
      expect(none.status).toBe(1);
      expect(none.error().code).toBe('print.spooler-failed');
    });

    it('to a PDF file relative to the working directory', async () => {
      const r = await oms(['print', '--printer', 'pdf:out.pdf', file('a.pdf')], { cwd: dir });
      expect(r.status).toBe(0);
      expect(readFileSync(file('out.pdf')).equals(readFileSync(file('a.pdf')))).toBe(true);
    });
  });

  it('runs as an installed package bin (symlinked into node_modules/.bin, another working directory)', async () => {
    const app = mkdtempSync(join(tmpdir(), 'oms-installed-'));
    try {
      mkdirSync(join(app, 'node_modules', '.bin'), { recursive: true });
      symlinkSync(resolve(import.meta.dirname, '../..'), join(app, 'node_modules', 'dockside-oms'));
      symlinkSync('../dockside-oms/bin/oms.mjs', join(app, 'node_modules', '.bin', 'oms'));
      const r = await oms(['gs1', 'parse', '(00)106141411234567897'], {
        cwd: app,
        bin: join(app, 'node_modules', '.bin', 'oms'),
      });
      expect(r.status).toBe(0);
      expect(r.json()).toMatchObject({ elements: [{ ai: '00', raw: '106141411234567897' }] });
      const help = await oms(['--help'], { cwd: app, bin: join(app, 'node_modules', '.bin', 'oms') });
      expect(help.status).toBe(0);
      expect(help.stdout.toString()).toMatch(/gs1[\s\S]*label[\s\S]*print/);
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });
});
