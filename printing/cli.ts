import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { AppError } from '../core/errors.ts';
import { parseGs1 } from '../core/gs1/parse.ts';
import { validateTemplate } from '../core/labels/bind.ts';
import { labelData, type LabelData } from '../core/labels/data.ts';
import { DEFAULT_TEMPLATES, defaultTemplate } from '../core/labels/defaults.ts';
import type { LabelTemplate } from '../core/labels/template.ts';
import { toFieldIssues } from '../core/validation.ts';
import { renderLabels } from './labels/render.ts';
import { parsePrinterTarget, sendToPrinter, spoolerJobState, type SpoolerJobState } from './transports/targets.ts';

/*
 * `oms`: the dock's tools without the app. Results go to stdout as JSON; a refusal goes to
 * stderr as {"error":{code,message,details}} with exit status 2 (bad input) or 1 (the printer
 * or spooler failed), so scripts can tell "fix your input" from "try again later".
 */

const EXIT_BAD_INPUT = 2;
const EXIT_FAILED = 1;

class Exit extends Error {
  constructor(readonly status: number) {
    super(`exit ${status}`);
  }
}

function out(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function refuse(err: unknown): never {
  const e = AppError.from(err);
  process.stderr.write(`${JSON.stringify({ error: e.toJSON() })}\n`);
  const transport = e.code.startsWith('print.') && e.code !== 'print.bad-target';
  throw new Exit(transport || e.code === 'system.unexpected' ? EXIT_FAILED : EXIT_BAD_INPUT);
}

const badInput = (message: string, details: Record<string, unknown>) =>
  new AppError('validation.invalid-input', message, { fields: [], ...details });

function readInputFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code ?? 'UNKNOWN';
    throw badInput(`Cannot read the ${what} file ${path}: ${errno}`, {
      fields: [{ path: what, code: 'file-unreadable', params: { file: path } }],
      file: path,
      errno,
    });
  }
}

function readJson(path: string, what: string): unknown {
  const text = readInputFile(path, what).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badInput(`The ${what} file ${path} is not JSON: ${(err as Error).message}`, {
      fields: [{ path: what, code: 'not-json', params: { file: path } }],
      file: path,
    });
  }
}

/** A built-in template id, or a JSON file holding a template. */
function loadTemplate(ref: string): LabelTemplate {
  const builtIn = defaultTemplate(ref);
  if (builtIn) return builtIn;
  const looksLikeFile = ref.endsWith('.json') || ref.includes('/') || ref.includes('\\');
  if (!looksLikeFile)
    throw new AppError('label.unknown-template', `No built-in template ${ref}`, {
      id: ref,
      builtIn: DEFAULT_TEMPLATES.map((t) => t.id),
    });
  return validateTemplate(readJson(ref, 'template'));
}

function loadData(path: string): LabelData[] {
  const raw = readJson(path, 'data');
  const items = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  if (items.length === 0) throw badInput(`The data file ${path} holds no label`, { file: path });
  return items.map((item, i) => {
    const parsed = labelData.safeParse(item);
    if (!parsed.success)
      throw new AppError('validation.invalid-input', `Label ${i} in ${path} is not valid label data`, {
        fields: toFieldIssues(parsed.error).map((f) => ({
          ...f,
          path: Array.isArray(raw) ? `${i}.${f.path}` : f.path,
        })),
        file: path,
      });
    return parsed.data;
  });
}

/** `pdf:relative.pdf` on the command line means relative to where the command runs. */
function cliTarget(target: string): string {
  if (target.startsWith('pdf:') && target.length > 4 && !isAbsolute(target.slice(4)))
    return `pdf:${resolve(target.slice(4))}`;
  return target;
}

async function waitForSpooler(queue: string, jobId: string, timeoutMs: number): Promise<SpoolerJobState> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const state = await spoolerJobState(queue, jobId);
    if (state === 'completed' || state === 'failed' || state === 'cancelled' || Date.now() > end) return state;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function buildProgram(): Command {
  const program = new Command('oms')
    .description('Dockside OMS command line: GS1 scans, label rendering, raw printing')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeErr: () => {} })
    .showHelpAfterError(false);

  const gs1 = program.command('gs1').description('GS1 element strings').exitOverride();
  gs1
    .command('parse')
    .description('Parse scanner output or bracketed HRI, e.g. "]C10010614141123456789710ABC"')
    .argument('<scan-data>', 'what the scanner sent (GS as ASCII 29 or the substitute)')
    .option('--gs <substitute>', 'text the scanner sends instead of GS, e.g. "{GS}"')
    .exitOverride()
    .action((scan: string, opts: { gs?: string }) => {
      try {
        out(parseGs1(scan, opts.gs ? { gsSubstitute: opts.gs } : {}));
      } catch (err) {
        refuse(err);
      }
    });

  const label = program.command('label').description('Logistic labels').exitOverride();
  label
    .command('render')
    .description('Render labels from a template and label data to a file')
    .requiredOption(
      '--template <id-or-file>',
      `built-in id (${DEFAULT_TEMPLATES.map((t) => t.id).join(', ')}) or a JSON file`,
    )
    .requiredOption('--data <json-file>', 'one LabelData object or an array of them')
    .addOption(
      new Option('--format <format>', 'output format').choices(['zpl', 'tspl', 'pdf', 'png']).makeOptionMandatory(),
    )
    .addOption(new Option('--dpi <dpi>', "printer resolution (default: the template's)").choices(['203', '300']))
    .requiredOption('--out <file>', 'file to write, or - for stdout')
    .exitOverride()
    .action(
      async (opts: {
        template: string;
        data: string;
        format: 'zpl' | 'tspl' | 'pdf' | 'png';
        dpi?: string;
        out: string;
      }) => {
        try {
          const template = loadTemplate(opts.template);
          const data = loadData(opts.data);
          const dpi = opts.dpi === '300' ? 300 : opts.dpi === '203' ? 203 : undefined;
          const bytes = await renderLabels(template, data, opts.format, dpi ? { dpi } : {});
          if (opts.out === '-') {
            process.stdout.write(bytes);
            return;
          }
          try {
            writeFileSync(opts.out, bytes);
          } catch (err) {
            const errno = (err as NodeJS.ErrnoException).code ?? 'UNKNOWN';
            throw badInput(`Cannot write ${opts.out}: ${errno}`, {
              fields: [{ path: 'out', code: 'file-unwritable', params: { file: opts.out } }],
              errno,
            });
          }
          out({
            out: resolve(opts.out),
            template: template.id,
            format: opts.format,
            labels: opts.format === 'png' ? 1 : data.length,
            bytes: bytes.byteLength,
          });
        } catch (err) {
          refuse(err);
        }
      },
    );

  program
    .command('print')
    .description('Send a file to a printer as it is (ZPL, TSPL, PDF…)')
    .requiredOption('--printer <target>', 'tcp://host:port | cups:QUEUE | pdf:file')
    .argument('<file>', 'the bytes to send')
    .option('--timeout <ms>', 'connect and write deadline', '15000')
    .option('--wait', 'for cups: wait until the spooler reports the job finished')
    .exitOverride()
    .action(async (file: string, opts: { printer: string; timeout: string; wait?: boolean }) => {
      try {
        const target = parsePrinterTarget(cliTarget(opts.printer));
        const timeoutMs = Number(opts.timeout);
        if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
          throw badInput(`--timeout must be a positive number of milliseconds`, {
            fields: [{ path: 'timeout', code: 'invalid-type' }],
          });
        const bytes = readInputFile(file, 'file');
        const { spoolerJobId } = await sendToPrinter(target, bytes, { timeoutMs, title: file });
        let spoolerState: SpoolerJobState | undefined;
        if (opts.wait && spoolerJobId && target.kind === 'cups') {
          spoolerState = await waitForSpooler(target.queue, spoolerJobId, Math.max(timeoutMs, 60_000));
          if (spoolerState !== 'completed')
            throw new AppError('print.spooler-failed', `Spooler job ${spoolerJobId} is ${spoolerState}`, {
              spoolerJobId,
              state: spoolerState,
            });
        }
        out({
          printer: opts.printer,
          bytes: bytes.byteLength,
          spoolerJobId,
          ...(spoolerState ? { spoolerState } : {}),
        });
      } catch (err) {
        refuse(err);
      }
    });

  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof Exit) return err.status;
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
        return 0;
      // Usage mistakes (missing option, unknown command) are bad input like any other.
      process.stderr.write(
        `${JSON.stringify({
          error: {
            code: 'validation.invalid-input',
            message: err.message.replace(/^error: /, ''),
            details: { usage: err.code },
          },
        })}\n`,
      );
      return EXIT_BAD_INPUT;
    }
    process.stderr.write(`${JSON.stringify({ error: AppError.from(err).toJSON() })}\n`);
    return EXIT_FAILED;
  }
}

process.exitCode = await main(process.argv.slice(2));
